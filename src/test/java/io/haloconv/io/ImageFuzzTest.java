package io.haloconv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mutates the bytes of real and generated images in every format — truncations, bit flips, edited
 * header fields (sizes, bit depths, counts, offsets), deleted, duplicated and inserted runs — and
 * runs each mutant through probe and decode as a job would. Whatever the bytes:
 *
 * <ul>
 *   <li>nothing but {@link ImageReadException} comes out (a one-line message, no out-of-memory);
 *   <li>no decode hangs: each probe and decode runs under a deadline (a timeout is a bad record);
 *   <li>nothing larger than the pixel limit is decoded, and what is decoded has the probed shape.
 * </ul>
 *
 * <p>{@value #DEFAULT_MUTATIONS} mutations by default (about half a minute). A longer run: {@code
 * mvn test -Dtest=ImageFuzzTest -Dhaloconv.fuzz.mutations=200000 -Dhaloconv.fuzz.seed=7}. Mutants
 * that break a rule are saved under {@code target/fuzz-failures/} to reproduce.
 */
class ImageFuzzTest {
  static final int DEFAULT_MUTATIONS = 3000;
  static final int MUTATIONS = Integer.getInteger("haloconv.fuzz.mutations", DEFAULT_MUTATIONS);
  static final long SEED = Long.getLong("haloconv.fuzz.seed", 6L);

  /** The pixel limit of the run: 4 Mpx, above every seed, far below what a mutant may claim. */
  static final long MAX_PIXELS = 1L << 22;

  static final Duration TIMEOUT = Duration.ofSeconds(10);

  @TempDir Path dir;

  /** An image to mutate; {@code weight} copies of it in the draw (small ones are cheap). */
  record Seed(String name, byte[] bytes, int weight) {}

  static List<Seed> seeds() throws IOException {
    List<Seed> seeds = new ArrayList<>();
    BufferedImage rgb = TestImages.gradient(24, 17, BufferedImage.TYPE_INT_RGB);
    BufferedImage argb = TestImages.gradient(19, 13, BufferedImage.TYPE_INT_ARGB);
    BufferedImage gray = TestImages.gradient(21, 16, BufferedImage.TYPE_BYTE_GRAY);
    BufferedImage gray16 = new BufferedImage(17, 11, BufferedImage.TYPE_USHORT_GRAY);
    gray16.getRaster().setSample(3, 4, 0, 54321);
    BufferedImage binary = TestImages.gradient(29, 9, BufferedImage.TYPE_BYTE_BINARY);
    byte[] ramp = new byte[16];
    for (int i = 0; i < 16; i++) {
      ramp[i] = (byte) (i * 17);
    }
    BufferedImage palette =
        new BufferedImage(
            15,
            14,
            BufferedImage.TYPE_BYTE_INDEXED,
            new IndexColorModel(4, 16, ramp, ramp.clone(), new byte[16]));
    palette.getRaster().setSample(2, 2, 0, 9);
    seeds.add(new Seed("rgb.png", TestImages.encode(rgb, "png", null), 4));
    seeds.add(new Seed("rgba.png", TestImages.encode(argb, "png", null), 4));
    seeds.add(new Seed("gray.png", TestImages.encode(gray, "png", null), 3));
    seeds.add(new Seed("gray16.png", TestImages.encode(gray16, "png", null), 3));
    seeds.add(new Seed("binary.png", TestImages.encode(binary, "png", null), 3));
    seeds.add(new Seed("palette.png", TestImages.encode(palette, "png", null), 3));
    seeds.add(new Seed("baseline.jpg", TestImages.jpeg(33, 20), 4));
    seeds.add(new Seed("progressive.jpg", TestImages.progressiveJpeg(40, 24), 4));
    seeds.add(new Seed("gray.jpg", TestImages.encode(gray, "jpeg", null), 3));
    seeds.add(new Seed("cmyk.jpg", TestImages.cmykJpeg(16, 16), 4));
    seeds.add(new Seed("rgb.gif", TestImages.encode(rgb, "gif", null), 4));
    seeds.add(new Seed("rgb.bmp", TestImages.encode(rgb, "bmp", null), 3));
    seeds.add(new Seed("palette.bmp", TestImages.encode(palette, "bmp", null), 3));
    seeds.add(new Seed("binary.wbmp", TestImages.encode(binary, "wbmp", null), 2));
    seeds.add(new Seed("plain.tif", TestImages.encode(rgb, "tiff", null), 3));
    seeds.add(new Seed("deflate.tif", tiff(rgb, "Deflate", false), 4));
    seeds.add(new Seed("lzw-tiled.tif", tiff(argb, "LZW", true), 4));
    seeds.add(new Seed("packbits.tif", tiff(gray, "PackBits", false), 3));
    seeds.add(new Seed("jpeg.tif", tiff(rgb, "JPEG", false), 3));
    seeds.add(
        new Seed(
            "strips.tif",
            TestImages.tiffStrips(16, 12, 3, 3, 1, TestImages.randomBytes(16 * 12 * 3, 1)),
            3));
    seeds.add(
        new Seed("bands.npy", TestImages.npyFloats(new long[] {2, 5, 7}, new float[2 * 5 * 7]), 2));
    seeds.add(new Seed("u8.npy", TestImages.npy("|u1", new long[] {6, 9}, new byte[54]), 2));
    for (Path sample : samples()) {
      seeds.add(new Seed(sample.getFileName().toString(), Files.readAllBytes(sample), 1));
    }
    return seeds;
  }

  /** data/images/*.png and the repository's golden images, read where they are. */
  static List<Path> samples() throws IOException {
    List<Path> files = new ArrayList<>();
    for (Path root : List.of(Path.of("data/images"), TestFiles.golden("images"))) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> all = Files.walk(root, 2)) {
        all.filter(p -> p.toString().matches(".*\\.(png|jpg|tif)$")).sorted().forEach(files::add);
      }
    }
    return files;
  }

  private static byte[] tiff(BufferedImage image, String compression, boolean tiled) {
    ImageWriteParam param = TestImages.writer("tiff").getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionType(compression);
    if (tiled) {
      param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
      param.setTiling(16, 16, 0, 0);
    }
    return TestImages.encode(image, "tiff", param);
  }

  /** One way of breaking a file, described for the failure report. */
  record Mutant(byte[] bytes, String description) {}

  static Mutant mutate(byte[] original, Random random) {
    int length = original.length;
    // Most structure is near the start: aim half the mutations at the first 512 bytes.
    int hot = Math.min(length, 512);
    int at = random.nextBoolean() ? random.nextInt(hot) : random.nextInt(length);
    switch (random.nextInt(8)) {
      case 0 -> {
        int cut = random.nextBoolean() ? random.nextInt(hot) : random.nextInt(length);
        return new Mutant(Arrays.copyOf(original, cut), "truncated to " + cut + " bytes");
      }
      case 1 -> {
        byte[] b = original.clone();
        int flips = 1 + random.nextInt(8);
        StringBuilder where = new StringBuilder();
        for (int i = 0; i < flips; i++) {
          int p = random.nextBoolean() ? random.nextInt(hot) : random.nextInt(length);
          int bit = random.nextInt(8);
          b[p] ^= (byte) (1 << bit);
          where.append(' ').append(p).append(':').append(bit);
        }
        return new Mutant(b, "bits flipped at" + where);
      }
      case 2, 3 -> {
        // A header field: 1, 2 or 4 bytes, either byte order, set to a boundary value.
        byte[] b = original.clone();
        int size = new int[] {1, 2, 4}[random.nextInt(3)];
        long[] values = {
          0,
          1,
          2,
          3,
          7,
          8,
          15,
          16,
          255,
          256,
          4095,
          32767,
          32768,
          65535,
          65536,
          1 << 20,
          Integer.MAX_VALUE,
          0x80000000L,
          0xffffffffL,
          random.nextInt(1 << 16)
        };
        long value = values[random.nextInt(values.length)];
        ByteOrder order = random.nextBoolean() ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
        int p = Math.max(0, Math.min(at, length - size));
        ByteBuffer field = ByteBuffer.wrap(b, p, Math.min(size, length - p)).order(order);
        if (size == 1 && field.remaining() >= 1) {
          field.put((byte) value);
        } else if (size == 2 && field.remaining() >= 2) {
          field.putShort((short) value);
        } else if (field.remaining() >= 4) {
          field.putInt((int) value);
        }
        return new Mutant(b, size + "-byte " + order + " field at " + p + " set to " + value);
      }
      case 4 -> {
        int end = Math.min(length, at + 1 + random.nextInt(64));
        byte[] b = new byte[length - (end - at)];
        System.arraycopy(original, 0, b, 0, at);
        System.arraycopy(original, end, b, at, length - end);
        return new Mutant(b, "bytes [" + at + ", " + end + ") deleted");
      }
      case 5 -> {
        int end = Math.min(length, at + 1 + random.nextInt(256));
        byte[] b = new byte[length + (end - at)];
        System.arraycopy(original, 0, b, 0, end);
        System.arraycopy(original, at, b, end, length - at);
        return new Mutant(b, "bytes [" + at + ", " + end + ") repeated");
      }
      case 6 -> {
        byte[] insert = TestImages.randomBytes(1 + random.nextInt(32), random.nextLong());
        byte[] b = new byte[length + insert.length];
        System.arraycopy(original, 0, b, 0, at);
        System.arraycopy(insert, 0, b, at, insert.length);
        System.arraycopy(original, at, b, at + insert.length, length - at);
        return new Mutant(b, insert.length + " random bytes inserted at " + at);
      }
      default -> {
        byte[] b = original.clone();
        int end = Math.min(length, at + 1 + random.nextInt(128));
        Arrays.fill(b, at, end, random.nextBoolean() ? (byte) 0 : (byte) 0xff);
        return new Mutant(b, "bytes [" + at + ", " + end + ") overwritten");
      }
    }
  }

  /** What one mutant did; a non-null {@code violation} breaks the rules. */
  record Outcome(String result, String violation) {}

  static Outcome check(Path file, Random random) {
    ImageInfo info;
    try {
      info = ImageProbe.probe(TestFiles.local(), TestFiles.hadoop(file), MAX_PIXELS, TIMEOUT);
    } catch (ImageReadException e) {
      return failure(e, ImageReadException.Stage.PROBE);
    } catch (Throwable t) {
      return new Outcome("escaped", "probe threw " + t);
    }
    if ((long) info.width() * info.height() > MAX_PIXELS) {
      return new Outcome("escaped", "probe accepted " + info.width() + "x" + info.height());
    }
    ChannelMode mode = ChannelMode.values()[random.nextInt(ChannelMode.values().length)];
    try (ImageSource source =
        ImageSource.open(TestFiles.local(), info, mode, Normalization.UNIT, TIMEOUT)) {
      if (info.supportsRegionReads() && info.width() > 1 && info.height() > 1) {
        Tensor3 corner =
            source.read(
                info.height() / 2,
                info.width() / 2,
                info.height() - info.height() / 2,
                info.width() - info.width() / 2);
        if (corner.channels() != source.channels()) {
          return new Outcome("escaped", "region has " + corner.channels() + " channels");
        }
      }
      Tensor3 all = source.readAll();
      if (all.height() != info.height()
          || all.width() != info.width()
          || all.channels() != source.channels()) {
        return new Outcome(
            "escaped",
            "decoded "
                + all.channels()
                + "x"
                + all.height()
                + "x"
                + all.width()
                + ", probed "
                + info.channels()
                + "x"
                + info.height()
                + "x"
                + info.width());
      }
      return new Outcome("decoded", null);
    } catch (ImageReadException e) {
      return failure(e, ImageReadException.Stage.DECODE);
    } catch (Throwable t) {
      return new Outcome("escaped", "decode threw " + t);
    }
  }

  private static Outcome failure(ImageReadException e, ImageReadException.Stage stage) {
    String result = stage.label() + " " + e.kind().label();
    if (e.getMessage().contains("\n") || e.getMessage().isBlank()) {
      return new Outcome(result, "message is not one line: " + e.getMessage());
    }
    if (e.kind() == ErrorKind.OUT_OF_MEMORY) {
      return new Outcome(result, "ran out of memory: " + e.getMessage());
    }
    if (e.stage() != stage) {
      return new Outcome(result, "stage " + e.stage() + " reported during " + stage);
    }
    return new Outcome(result, null);
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.MINUTES) // a guard against a hang the deadlines miss
  void mutatedImagesOnlyEverFailAsBadRecords() throws IOException {
    List<Seed> draw = new ArrayList<>();
    for (Seed seed : seeds()) {
      for (int i = 0; i < seed.weight(); i++) {
        draw.add(seed);
      }
    }
    Random random = new Random(SEED);
    Map<String, Integer> results = new TreeMap<>();
    List<String> violations = new ArrayList<>();
    Path failures = Path.of("target", "fuzz-failures");
    for (int i = 0; i < MUTATIONS; i++) {
      Seed seed = draw.get(random.nextInt(draw.size()));
      Mutant mutant = mutate(seed.bytes(), random);
      Path file = Files.write(dir.resolve("mutant-" + seed.name()), mutant.bytes());
      Outcome outcome = check(file, random);
      results.merge(outcome.result(), 1, Integer::sum);
      if (outcome.violation() != null) {
        Files.createDirectories(failures);
        Path saved = failures.resolve(SEED + "-" + i + "-" + seed.name());
        Files.write(saved, mutant.bytes());
        violations.add(
            seed.name()
                + ", "
                + mutant.description()
                + ": "
                + outcome.violation()
                + " (saved as "
                + saved
                + ")");
      }
    }
    System.out.println("fuzz: " + MUTATIONS + " mutations, seed " + SEED + ": " + results);
    assertThat(violations).as("mutants breaking the rules").isEmpty();
    // The mutations exercise both paths: some still decode, many fail at each stage.
    assertThat(results.getOrDefault("decoded", 0)).isGreaterThan(MUTATIONS / 20);
    assertThat(results.keySet())
        .anyMatch(r -> r.startsWith("probe "))
        .anyMatch(r -> r.startsWith("decode "));
  }
}
