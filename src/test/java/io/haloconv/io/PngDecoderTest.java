package io.haloconv.io;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.TestImages;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link PngDecoder} against the JDK's reader ({@link ImageIoDecoder}), value for value: PNGs
 * written here with every filter type, colour type and bit depth it takes, palettes of every size
 * class with and without alpha tables (so that its own decoder is what runs, which the tests
 * check), and the PNGs it leaves to the JDK's reader (interlacing, transparent colours, palette
 * chunks that reader warns about, damaged files), which must come out exactly as the JDK's reader
 * gives them, errors included.
 */
class PngDecoderTest {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void plainPngsDecodeAsTheJdkReaderDecodesThem() throws Exception {
    Random random = new Random(17);
    int[][] sizes = {{1, 1}, {1, 7}, {7, 1}, {13, 5}, {64, 33}, {257, 3}, {3, 130}};
    int files = 0;
    for (int colourType : new int[] {0, 2, 4, 6}) {
      for (int depth : new int[] {8, 16}) {
        for (int[] size : sizes) {
          for (int filters : new int[] {-1, 0, 1, 2, 3, 4}) {
            byte[] png =
                new PngBuilder(size[0], size[1], colourType, depth)
                    .randomSamples(random)
                    .filters(filters, random)
                    .idatChunks(1 + random.nextInt(4))
                    .build();
            Path file = write("plain-" + files++ + ".png", png);
            assertPlain(file);
            assertSameAsJdk(file);
          }
        }
      }
    }
  }

  @Test
  void palettesAndPackedGrayDecodeAsTheJdkReaderDecodesThem() throws Exception {
    // Palettes of every size class the JDK's reader pads differently (1, 2, 3–4, 5–16, 17–256
    // entries), with no alpha table, an empty one, a short one, a full one, one as long as the
    // JDK's reader pads the palette (longer than the palette itself) and an opaque one,
    // at every depth; random indices, so many point past the palette, into the padding.
    Random random = new Random(41);
    int[][] sizes = {{1, 1}, {7, 3}, {13, 5}, {33, 17}, {3, 40}};
    int files = 0;
    for (int depth : new int[] {1, 2, 4, 8}) {
      for (int entries : new int[] {1, 2, 3, 5, 17, 1 << depth}) {
        if (entries > 1 << depth) {
          continue;
        }
        for (String alpha : new String[] {"none", "empty", "short", "full", "padded", "opaque"}) {
          int[] size = sizes[files % sizes.length];
          PngBuilder builder =
              new PngBuilder(size[0], size[1], 3, depth)
                  .randomSamples(random)
                  .filters(-1, random)
                  .idatChunks(1 + random.nextInt(3));
          builder.before("PLTE", TestImages.randomBytes(3 * entries, random.nextLong()));
          int alphas =
              switch (alpha) {
                case "none" -> -1;
                case "empty" -> 0;
                case "short" -> (entries + 1) / 2;
                case "padded" -> entries > 16 ? 256 : entries > 4 ? 16 : entries > 2 ? 4 : 2;
                default -> entries;
              };
          if (alphas >= 0) {
            byte[] table = TestImages.randomBytes(alphas, random.nextLong());
            if (alpha.equals("opaque")) {
              Arrays.fill(table, (byte) 255);
            }
            builder.before("tRNS", table);
          }
          Path file = write("palette-" + files++ + ".png", builder.build());
          assertPlain(file);
          assertSameAsJdk(file);
        }
      }
    }
    for (int depth : new int[] {1, 2, 4}) {
      for (int[] size : sizes) {
        Path file =
            write(
                "gray-" + files++ + ".png",
                new PngBuilder(size[0], size[1], 0, depth)
                    .randomSamples(random)
                    .filters(-1, random)
                    .build());
        assertPlain(file);
        assertSameAsJdk(file);
      }
    }
    // And as the JDK's own writer makes them: an 8-bit palette and 1-bit black and white.
    for (Path file :
        List.of(
            write("jdk-palette.png", encode(indexed(33, 17), null)),
            write(
                "jdk-binary.png", encode(gradient(19, 6, BufferedImage.TYPE_BYTE_BINARY), null)))) {
      assertPlain(file);
      assertSameAsJdk(file);
    }
  }

  @Test
  void ancillaryChunksAreSkippedAndCheckedByCrc() throws Exception {
    Random random = new Random(5);
    PngBuilder builder = new PngBuilder(40, 9, 2, 8).randomSamples(random).filters(-1, random);
    builder.before("gAMA", new byte[] {0, 0, (byte) 0xb1, (byte) 0x8f});
    builder.before("tEXt", "Comment\0made by a test".getBytes(ISO_8859_1));
    builder.after("tIME", new byte[] {7, (byte) 0xea, 12, 7, 8, 0, 0});
    Path file = write("ancillary.png", builder.build());
    assertPlain(file);
    assertSameAsJdk(file);

    // The same file with one byte of the text chunk changed: its CRC no longer matches, so the
    // JDK's reader decides, as it did before our decoder existed.
    byte[] damaged = Files.readAllBytes(file);
    int text = indexOf(damaged, "made by".getBytes(ISO_8859_1));
    damaged[text] ^= 1;
    Path bad = write("ancillary-bad-crc.png", damaged);
    assertThrows(PngSamples.NotPlain.class, () -> plain(bad));
    assertSameAsJdk(bad);
  }

  @Test
  void iccProfilesLeaveTheSamplesAsTheyAre() throws Exception {
    // The JDK's reader keeps an iCCP chunk as metadata and returns the samples as stored, whatever
    // the profile says (even a gray profile on an RGB image), and so does ours.
    Random random = new Random(13);
    int files = 0;
    for (int colourType : new int[] {0, 2, 4, 6}) {
      for (int space : new int[] {ColorSpace.CS_GRAY, ColorSpace.CS_sRGB}) {
        PngBuilder builder =
            new PngBuilder(23, 11, colourType, 8).randomSamples(random).filters(-1, random);
        builder.before("iCCP", iccpChunk(space));
        Path file = write("iccp-" + files++ + ".png", builder.build());
        assertPlain(file);
        assertSameAsJdk(file);
      }
    }
    Path astronaut = TestFiles.golden("images/astronaut.png"); // a real photo's sRGB profile
    assertPlain(astronaut);
    assertSameAsJdk(astronaut);
  }

  @Test
  void pngsOurDecoderDeclinesAreTheJdkReadersAndComeOutAsBefore() throws Exception {
    Random random = new Random(9);
    List<Path> declined = new ArrayList<>();
    // Interlacing, a transparent colour, and palette chunks the JDK's reader warns about and
    // makes something of its own: too many entries for the depth, a length not a multiple of 3,
    // an alpha table longer than the padded palette, a suggested palette in an RGB image.
    ImageWriter writer = TestFiles.jdkWriter("png");
    ImageWriteParam interlaced = writer.getDefaultWriteParam();
    interlaced.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    declined.add(
        write(
            "interlaced.png", encode(gradient(45, 23, BufferedImage.TYPE_3BYTE_BGR), interlaced)));
    PngBuilder withTrns = new PngBuilder(21, 8, 2, 8).randomSamples(random).filters(-1, random);
    withTrns.before("tRNS", new byte[] {0, 10, 0, 20, 0, 30});
    declined.add(write("trns.png", withTrns.build()));
    PngBuilder grayTrns = new PngBuilder(21, 8, 0, 4).randomSamples(random).filters(-1, random);
    grayTrns.before("tRNS", new byte[] {0, 3});
    declined.add(write("gray-trns.png", grayTrns.build()));
    String[][][] paletteChunks = {
      {{"PLTE", "15"}}, // 5 entries at 2 bits
      {{"PLTE", "7"}},
      {{"PLTE", "9"}, {"tRNS", "5"}}, // 3 entries pad to 4
    };
    for (String[][] chunks : paletteChunks) {
      PngBuilder builder = new PngBuilder(23, 7, 3, 2).randomSamples(random).filters(-1, random);
      for (String[] chunk : chunks) {
        builder.before(
            chunk[0], TestImages.randomBytes(Integer.parseInt(chunk[1]), random.nextLong()));
      }
      declined.add(write("palette-declined-" + declined.size() + ".png", builder.build()));
    }
    // (An alpha table before the palette, or a second palette, the JDK's reader leaves unread,
    // which makes its probe fail: no decoder sees those files.)
    for (String first : new String[] {"tRNS", "PLTE"}) {
      PngBuilder refused = new PngBuilder(23, 7, 3, 2).randomSamples(random).filters(-1, random);
      refused.before(first, TestImages.randomBytes(3, random.nextLong()));
      refused.before("PLTE", TestImages.randomBytes(9, random.nextLong()));
      Path file = write("refused-" + first + ".png", refused.build());
      assertThrows(ImageReadException.class, () -> probe(file));
    }
    PngBuilder suggested = new PngBuilder(21, 8, 2, 8).randomSamples(random).filters(-1, random);
    suggested.before("PLTE", TestImages.randomBytes(30, random.nextLong()));
    declined.add(write("suggested-palette.png", suggested.build()));
    for (Path file : declined) {
      assertThrows(PngSamples.NotPlain.class, () -> plain(file), file.getFileName().toString());
      assertSameAsJdk(file);
    }
  }

  @Test
  void damagedPngsFailAsTheJdkReaderFails() throws Exception {
    Random random = new Random(3);
    byte[] png =
        new PngBuilder(90, 40, 2, 8)
            .randomSamples(random)
            .filters(-1, random)
            .idatChunks(3)
            .build();
    List<Path> damaged = new ArrayList<>();
    // Cut in the image data, cut before IEND, a flipped data byte (bad CRC).
    damaged.add(write("cut-data.png", Arrays.copyOf(png, png.length / 2)));
    damaged.add(write("cut-end.png", Arrays.copyOf(png, png.length - 12)));
    byte[] flipped = png.clone();
    flipped[png.length / 2] ^= 0x40;
    damaged.add(write("flipped.png", flipped));
    // A filter type out of range, with a correct CRC.
    damaged.add(
        write(
            "bad-filter.png",
            new PngBuilder(9, 4, 0, 8)
                .randomSamples(random)
                .filters(0, random)
                .filterByte(2, 7)
                .build()));
    for (Path file : damaged) {
      assertThrows(PngSamples.NotPlain.class, () -> plain(file), file.getFileName().toString());
      assertSameAsJdk(file);
    }
  }

  @Test
  void plainPngsStreamInBandsAsTheJdkReaderDecodesThem() throws Exception {
    Random random = new Random(23);
    int files = 0;
    // Colour type and depth: every direct one, palettes of 4 and 8 bits (the second with alpha),
    // packed gray of 2 bits.
    int[][] kinds = {
      {0, 8}, {0, 16}, {2, 8}, {2, 16}, {4, 8}, {4, 16}, {6, 8}, {6, 16}, {3, 4}, {3, 8}, {0, 2}
    };
    for (int[] kind : kinds) {
      PngBuilder builder =
          new PngBuilder(37 + files, 29, kind[0], kind[1])
              .randomSamples(random)
              .filters(-1, random)
              .idatChunks(5);
      if (kind[0] == 3) {
        builder.before("PLTE", TestImages.randomBytes(3 * 11, random.nextLong()));
        if (kind[1] == 8) {
          builder.before("tRNS", TestImages.randomBytes(7, random.nextLong()));
        }
      }
      byte[] png = builder.build();
      Path file = write("stream-" + files++ + ".png", png);
      ImageInfo info = probe(file);
      Tensor3 whole = jdkDecode(info);
      List<Tensor3> bands = new ArrayList<>();
      assertTrue(PngDecoder.stream(TestFiles.local(), info, TIMEOUT, 4, bands::add));
      int y = 0;
      for (Tensor3 band : bands) {
        assertTrue(band.height() <= 4);
        assertTrue(
            band.bitwiseEquals(RegionReadTest.crop(whole, y, 0, band.height(), info.width())),
            file + " rows from " + y);
        y += band.height();
      }
      assertEquals(info.height(), y);
    }
  }

  @Test
  void streamingLeavesOtherAndDamagedPngsToTheJdkReader() throws Exception {
    Random random = new Random(29);
    byte[] png =
        new PngBuilder(50, 40, 2, 8)
            .randomSamples(random)
            .filters(-1, random)
            .idatChunks(4)
            .build();
    byte[] late = png.clone();
    late[png.length * 3 / 4] ^= 0x10; // in a late IDAT chunk: found after some bands
    PngBuilder withTrns = new PngBuilder(21, 8, 2, 8).randomSamples(random).filters(-1, random);
    withTrns.before("tRNS", new byte[] {0, 10, 0, 20, 0, 30});
    PngBuilder longTrns = new PngBuilder(33, 17, 3, 8).randomSamples(random).filters(-1, random);
    longTrns.before("PLTE", TestImages.randomBytes(3 * 3, random.nextLong()));
    longTrns.before("tRNS", new byte[] {1, 2, 3, 4, 5}); // the palette pads to 4
    for (Path file :
        List.of(
            write("late-damage.png", late),
            write("trns-stream.png", withTrns.build()),
            write("palette-stream.png", longTrns.build()))) {
      ImageInfo info = probe(file);
      assertEquals(
          false,
          PngDecoder.stream(TestFiles.local(), info, TIMEOUT, 4, band -> {}),
          file.toString());
    }
  }

  @Test
  void theRepositorysPngsDecodeAsTheJdkReaderDecodesThem() throws Exception {
    try (var files = Files.list(Path.of("data", "images"))) {
      for (Path file :
          (Iterable<Path>) files.filter(p -> p.toString().endsWith(".png"))::iterator) {
        assertSameAsJdk(file);
      }
    }
  }

  @Test
  void mutantsOfPlainPngsComeOutAsTheJdkReaderGivesThem() throws Exception {
    // ImageFuzzTest's mutations (cuts, bit flips, overwritten and repeated runs) of plain PNGs:
    // whatever our decoder makes of each mutant, values or a bad record, must be what the JDK's
    // reader makes of it, mutant by mutant.
    Random random = new Random(31);
    List<byte[]> seeds =
        List.of(
            new PngBuilder(61, 23, 2, 8)
                .randomSamples(random)
                .filters(-1, random)
                .idatChunks(3)
                .build(),
            new PngBuilder(17, 40, 6, 8).randomSamples(random).filters(4, random).build(),
            new PngBuilder(33, 9, 0, 16)
                .randomSamples(random)
                .filters(-1, random)
                .idatChunks(2)
                .build(),
            encode(gradient(48, 31, BufferedImage.TYPE_3BYTE_BGR), null),
            palette(new PngBuilder(29, 14, 3, 8), random, 40, 12),
            palette(new PngBuilder(45, 11, 3, 2), random, 4, -1),
            new PngBuilder(38, 12, 0, 4).randomSamples(random).filters(-1, random).build());
    int plain = 0;
    for (int i = 0; i < 700; i++) {
      ImageFuzzTest.Mutant mutant = ImageFuzzTest.mutate(seeds.get(i % seeds.size()), random);
      Path file = write("mutant-" + i + ".png", mutant.bytes());
      try {
        plain(file);
        plain++;
      } catch (PngSamples.NotPlain | ImageReadException e) {
        // declined or not probed: the JDK path's, compared below all the same
      }
      assertSameAsJdk(file);
    }
    // Most mutants break a CRC, which sends them to the JDK's reader; a few stay plain (a change
    // that leaves every checked byte as it was, or lies past IEND).
    assertTrue(plain > 0, "no mutant was decoded by our decoder");
  }

  @Test
  void aDecodeThatRunsOutOfTimeIsATimeoutRecord() throws Exception {
    Random random = new Random(11);
    Path file =
        write(
            "slow.png",
            new PngBuilder(600, 400, 6, 16).randomSamples(random).filters(4, random).build());
    ImageInfo info = probe(file);
    try (PngDecoder decoder = new PngDecoder(TestFiles.local(), info, Duration.ofNanos(1))) {
      ImageReadException e =
          assertThrows(ImageReadException.class, () -> decoder.read(0, 0, 400, 600));
      assertEquals(ErrorKind.TIMEOUT, e.kind(), e.getMessage());
      // Once failed, every read says so again.
      assertEquals(e, assertThrows(ImageReadException.class, () -> decoder.read(0, 0, 1, 1)));
    }
  }

  @Test
  void paethPicksAsTheSpecificationSays() {
    for (int a = 0; a < 256; a += 5) {
      for (int b = 0; b < 256; b += 7) {
        for (int c = 0; c < 256; c += 3) {
          assertEquals(paethBySpec(a, b, c), PngSamples.paeth(a, b, c), a + "," + b + "," + c);
        }
      }
    }
  }

  // --- helpers ---------------------------------------------------------------------------------

  private static int paethBySpec(int a, int b, int c) {
    int p = a + b - c;
    int pa = Math.abs(p - a);
    int pb = Math.abs(p - b);
    int pc = Math.abs(p - c);
    if (pa <= pb && pa <= pc) {
      return a;
    }
    return pb <= pc ? b : c;
  }

  private Path write(String name, byte[] bytes) {
    return TestFiles.write(dir.resolve(name), bytes);
  }

  private static ImageInfo probe(Path file) throws ImageReadException {
    return ImageProbe.probe(TestFiles.local(), TestFiles.hadoop(file), 1L << 22, TIMEOUT);
  }

  private static PngSamples plain(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    ImageInfo info = probe(file);
    return PngSamples.decode(
        (position, buffer, offset, length) -> {
          int n = (int) Math.min(length, bytes.length - position);
          System.arraycopy(bytes, (int) position, buffer, offset, n);
          return n;
        },
        bytes.length,
        info.width(),
        info.height(),
        () -> false);
  }

  private static void assertPlain(Path file) throws Exception {
    PngSamples samples = plain(file); // throws NotPlain otherwise
    assertTrue(samples.width > 0, file.toString());
  }

  /** Whole image and three windows, or the same failure, from both decoders. */
  private static void assertSameAsJdk(Path file) throws Exception {
    ImageInfo info;
    try {
      info = probe(file);
    } catch (ImageReadException e) {
      return; // not a decoder's business: the probe already refuses it
    }
    int h = info.height();
    int w = info.width();
    int[][] windows = {{0, 0, h, w}, {h / 2, w / 3, h - h / 2, w - w / 3}, {h - 1, 0, 1, w}};
    try (PngDecoder ours = new PngDecoder(TestFiles.local(), info, TIMEOUT);
        ImageIoDecoder jdk = new ImageIoDecoder(TestFiles.local(), info, TIMEOUT)) {
      for (int[] window : windows) {
        Tensor3 expected;
        try {
          expected = jdk.read(window[0], window[1], window[2], window[3]);
        } catch (ImageReadException e) {
          ImageReadException actual =
              assertThrows(
                  ImageReadException.class,
                  () -> ours.read(window[0], window[1], window[2], window[3]),
                  file.toString());
          assertEquals(e.kind(), actual.kind(), file.toString());
          assertEquals(e.stage(), actual.stage(), file.toString());
          assertEquals(e.getMessage(), actual.getMessage(), file.toString());
          return;
        }
        Tensor3 actual = ours.read(window[0], window[1], window[2], window[3]);
        assertEquals(expected.channels(), actual.channels(), file.toString());
        assertArrayEquals(expected.data(), actual.data(), file + " " + Arrays.toString(window));
      }
    }
  }

  private static Tensor3 jdkDecode(ImageInfo info) throws ImageReadException {
    try (ImageIoDecoder jdk = new ImageIoDecoder(TestFiles.local(), info, TIMEOUT)) {
      return jdk.read(0, 0, info.height(), info.width());
    }
  }

  private static byte[] encode(BufferedImage image, ImageWriteParam param) {
    return TestFiles.encode(image, "png", param);
  }

  private static BufferedImage gradient(int width, int height, int type) {
    return TestFiles.gradient(width, height, type);
  }

  private static BufferedImage indexed(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, (x * 37 + y * 11) * 0x010203);
      }
    }
    return image;
  }

  /** An iCCP chunk's data: one of the JDK's profiles, named and compressed. */
  private static byte[] iccpChunk(int space) {
    byte[] profile = ICC_Profile.getInstance(space).getData();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes("gray\0\0".getBytes(ISO_8859_1));
    out.writeBytes(TestFiles.deflate(profile));
    return out.toByteArray();
  }

  /** {@code builder}'s PNG with random samples and filters, a palette and an alpha table. */
  private static byte[] palette(PngBuilder builder, Random random, int entries, int alphas)
      throws IOException {
    builder.randomSamples(random).filters(-1, random).idatChunks(2);
    builder.before("PLTE", TestImages.randomBytes(3 * entries, random.nextLong()));
    if (alphas >= 0) {
      builder.before("tRNS", TestImages.randomBytes(alphas, random.nextLong()));
    }
    return builder.build();
  }

  private static int indexOf(byte[] haystack, byte[] needle) {
    outer:
    for (int i = 0; i + needle.length <= haystack.length; i++) {
      for (int j = 0; j < needle.length; j++) {
        if (haystack[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    throw new AssertionError("not found");
  }

  /**
   * Writes PNGs by the specification, with a chosen filter type per row (the JDK's writer picks its
   * own), the image data split into several IDAT chunks, and extra chunks before and after it.
   */
  static final class PngBuilder {
    private final int width;
    private final int height;
    private final int colourType;
    private final int depth;
    private final int bpp;
    private final int rowBytes;
    private final byte[] raw; // unfiltered rows, no filter bytes
    private final int[] rowFilters;
    private int idatChunks = 1;
    private final List<Object[]> before = new ArrayList<>();
    private final List<Object[]> after = new ArrayList<>();

    PngBuilder(int width, int height, int colourType, int depth) {
      this.width = width;
      this.height = height;
      this.colourType = colourType;
      this.depth = depth;
      int channels =
          switch (colourType) {
            case 0, 3 -> 1;
            case 2 -> 3;
            case 4 -> 2;
            default -> 4;
          };
      this.bpp = Math.max(1, channels * depth / 8);
      this.rowBytes = (width * channels * depth + 7) / 8;
      this.raw = new byte[rowBytes * height];
      this.rowFilters = new int[height];
    }

    PngBuilder randomSamples(Random random) {
      random.nextBytes(raw);
      // Runs of equal bytes too, so that every predictor has something to predict.
      for (int i = 0; i + 40 < raw.length; i += 97) {
        Arrays.fill(raw, i, i + 40, raw[i]);
      }
      return this;
    }

    /** Filter type {@code filter} on every row, or a random one per row for -1. */
    PngBuilder filters(int filter, Random random) {
      for (int r = 0; r < height; r++) {
        rowFilters[r] = filter >= 0 ? filter : random.nextInt(5);
      }
      return this;
    }

    PngBuilder filterByte(int row, int value) {
      rowFilters[row] = value;
      return this;
    }

    PngBuilder idatChunks(int count) {
      idatChunks = count;
      return this;
    }

    void before(String type, byte[] data) {
      before.add(new Object[] {type, data});
    }

    void after(String type, byte[] data) {
      after.add(new Object[] {type, data});
    }

    byte[] build() throws IOException {
      ByteArrayOutputStream filtered = new ByteArrayOutputStream();
      for (int r = 0; r < height; r++) {
        int f = rowFilters[r];
        filtered.write(f);
        for (int i = 0; i < rowBytes; i++) {
          int x = raw[r * rowBytes + i] & 0xff;
          int a = i >= bpp ? raw[r * rowBytes + i - bpp] & 0xff : 0;
          int b = r > 0 ? raw[(r - 1) * rowBytes + i] & 0xff : 0;
          int c = r > 0 && i >= bpp ? raw[(r - 1) * rowBytes + i - bpp] & 0xff : 0;
          int predicted =
              switch (f) {
                case 1 -> a;
                case 2 -> b;
                case 3 -> (a + b) >>> 1;
                case 4 -> paethBySpec(a, b, c);
                default -> 0;
              };
          filtered.write((x - predicted) & 0xff);
        }
      }
      byte[] data = TestFiles.deflate(filtered.toByteArray());
      ByteArrayOutputStream png = new ByteArrayOutputStream();
      png.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'});
      ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
      ihdr.write(int32(width));
      ihdr.write(int32(height));
      ihdr.write(new byte[] {(byte) depth, (byte) colourType, 0, 0, 0});
      chunk(png, "IHDR", ihdr.toByteArray());
      for (Object[] c : before) {
        chunk(png, (String) c[0], (byte[]) c[1]);
      }
      int step = Math.max(1, (data.length + idatChunks - 1) / idatChunks);
      for (int at = 0; at < data.length; at += step) {
        chunk(png, "IDAT", Arrays.copyOfRange(data, at, Math.min(data.length, at + step)));
      }
      for (Object[] c : after) {
        chunk(png, (String) c[0], (byte[]) c[1]);
      }
      chunk(png, "IEND", new byte[0]);
      return png.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data)
        throws IOException {
      byte[] name = type.getBytes(ISO_8859_1);
      out.write(int32(data.length));
      out.write(name);
      out.write(data);
      CRC32 crc = new CRC32();
      crc.update(name);
      crc.update(data);
      out.write(int32((int) crc.getValue()));
    }

    private static byte[] int32(int v) {
      return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }
  }

  static {
    ImageIO.setUseCache(false);
  }
}
