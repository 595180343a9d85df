package io.haloconv.bench;

import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/**
 * Generates large test inputs without holding them in memory, for tests and benchmarks (never
 * committed): tiled TIFFs and BigTIFFs of any size written tile by tile, and many small crops of
 * sample images.
 *
 * <pre>
 *   java -cp ... io.haloconv.bench.SyntheticImages tiff OUT.tif WIDTH HEIGHT [--bigtiff]
 *       [--tile N] [--uniform]
 *   java -cp ... io.haloconv.bench.SyntheticImages crops SOURCE_DIR OUT_DIR COUNT [MIN MAX]
 * </pre>
 */
public final class SyntheticImages {
  private SyntheticImages() {}

  /** RGB values of pixel (x, y), 8 bits each, packed 0xRRGGBB. */
  @FunctionalInterface
  public interface Pixels {
    int rgb(int x, int y);
  }

  /**
   * Smooth, mostly uniform content (broad gradients, a sparse grid of lines): realistic enough to
   * convolve, and it compresses to almost nothing, so a 50-megapixel file stays small.
   */
  public static Pixels uniform() {
    return (x, y) -> {
      int line = (x % 997 == 0 || y % 991 == 0) ? 0x404040 : 0;
      int r = 96 + (x >> 9 & 63);
      int g = 112 + (y >> 9 & 63);
      return ((r << 16 | g << 8 | 128) + line) & 0xffffff;
    };
  }

  /**
   * Texture from a sample image, repeated with each copy offset, plus a little deterministic noise
   * (-8 to +7 per channel), so that no two tiles, and no two rows of features, are alike.
   */
  public static Pixels mosaic(BufferedImage source) {
    int w = source.getWidth();
    int h = source.getHeight();
    int[] rgb = source.getRGB(0, 0, w, h, null, 0, w);
    return (x, y) -> {
      int copyX = x / w;
      int copyY = y / h;
      int sx = (x + copyY * 37) % w;
      int sy = (y + copyX * 53) % h;
      int v = rgb[sy * w + sx];
      int hash = (x * 73856093) ^ (y * 19349663);
      hash *= 0x9E3779B1;
      int out = 0;
      for (int shift = 0; shift < 24; shift += 8) {
        int noise = ((hash >>> (shift + 4)) & 15) - 8;
        int c = Math.max(0, Math.min(255, ((v >>> shift) & 0xff) + noise));
        out |= c << shift;
      }
      return out;
    };
  }

  /**
   * Writes a tiled RGB TIFF (BigTIFF if asked) of Deflate-compressed tiles, one tile in memory at a
   * time: tiles first, then the directory, whose offset is patched into the header last.
   */
  public static void tiledTiff(
      Path file, int width, int height, int tile, boolean bigTiff, Pixels pixels)
      throws IOException {
    int across = (width + tile - 1) / tile;
    int down = (height + tile - 1) / tile;
    long[] offsets = new long[across * down];
    long[] counts = new long[across * down];
    try (FileChannel channel =
        FileChannel.open(
            file,
            StandardOpenOption.CREATE,
            StandardOpenOption.TRUNCATE_EXISTING,
            StandardOpenOption.WRITE)) {
      OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 20);
      int header = bigTiff ? 16 : 8;
      out.write(new byte[header]);
      long position = header;
      byte[] raw = new byte[tile * tile * 3];
      byte[] packed = new byte[raw.length + raw.length / 100 + 1024];
      Deflater deflater = new Deflater(6);
      for (int ty = 0; ty < down; ty++) {
        for (int tx = 0; tx < across; tx++) {
          int i = 0;
          for (int y = ty * tile; y < (ty + 1) * tile; y++) {
            for (int x = tx * tile; x < (tx + 1) * tile; x++) {
              int v = x < width && y < height ? pixels.rgb(x, y) : 0;
              raw[i++] = (byte) (v >> 16);
              raw[i++] = (byte) (v >> 8);
              raw[i++] = (byte) v;
            }
          }
          deflater.reset();
          deflater.setInput(raw);
          deflater.finish();
          int length = 0;
          while (!deflater.finished()) {
            if (length == packed.length) {
              packed = Arrays.copyOf(packed, packed.length * 2);
            }
            length += deflater.deflate(packed, length, packed.length - length);
          }
          int index = ty * across + tx;
          offsets[index] = position;
          counts[index] = length;
          out.write(packed, 0, length);
          position += length;
        }
      }
      deflater.end();
      if (!bigTiff && position + 16L * offsets.length + 4096 > 0xffffffffL) {
        throw new IOException("a classic TIFF cannot hold " + position + " bytes; use --bigtiff");
      }
      out.write(directory(position, width, height, tile, bigTiff, offsets, counts));
      out.flush();
      ByteBuffer head = ByteBuffer.allocate(header).order(ByteOrder.LITTLE_ENDIAN);
      head.put((byte) 'I').put((byte) 'I');
      if (bigTiff) {
        head.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(position);
      } else {
        head.putShort((short) 42).putInt((int) position);
      }
      head.flip();
      channel.write(head, 0);
    }
  }

  /** The image file directory at {@code at}, its arrays after it. */
  private static byte[] directory(
      long at, int width, int height, int tile, boolean bigTiff, long[] offsets, long[] counts) {
    int entries = 12;
    int entrySize = bigTiff ? 20 : 12;
    int ifdSize = (bigTiff ? 8 : 2) + entries * entrySize + (bigTiff ? 8 : 4);
    int offsetSize = bigTiff ? 8 : 4;
    long bitsAt = at + ifdSize;
    long offsetsAt = bitsAt + 8;
    long countsAt = offsetsAt + (long) offsetSize * offsets.length;
    ByteBuffer b =
        ByteBuffer.allocate(ifdSize + 8 + 2 * offsetSize * offsets.length)
            .order(ByteOrder.LITTLE_ENDIAN);
    if (bigTiff) {
      b.putLong(entries);
    } else {
      b.putShort((short) entries);
    }
    int offsetType = bigTiff ? 16 : 4;
    entry(b, bigTiff, 256, 4, 1, width);
    entry(b, bigTiff, 257, 4, 1, height);
    // Three 8s: inline in a BigTIFF entry (little-endian shorts), at bitsAt in a classic one.
    entry(b, bigTiff, 258, 3, 3, bigTiff ? 8L | 8L << 16 | 8L << 32 : bitsAt);
    entry(b, bigTiff, 259, 3, 1, 8); // Deflate
    entry(b, bigTiff, 262, 3, 1, 2); // RGB
    entry(b, bigTiff, 277, 3, 1, 3);
    entry(b, bigTiff, 284, 3, 1, 1);
    entry(b, bigTiff, 322, 3, 1, tile);
    entry(b, bigTiff, 323, 3, 1, tile);
    entry(
        b,
        bigTiff,
        324,
        offsetType,
        offsets.length,
        offsets.length == 1 && bigTiff ? offsets[0] : offsetsAt);
    entry(
        b,
        bigTiff,
        325,
        offsetType,
        counts.length,
        counts.length == 1 && bigTiff ? counts[0] : countsAt);
    entry(b, bigTiff, 339, 3, 1, 1);
    if (bigTiff) {
      b.putLong(0);
    } else {
      b.putInt(0);
    }
    b.putShort((short) 8).putShort((short) 8).putShort((short) 8).putShort((short) 0);
    for (long o : offsets) {
      if (bigTiff) {
        b.putLong(o);
      } else {
        b.putInt((int) o);
      }
    }
    for (long c : counts) {
      if (bigTiff) {
        b.putLong(c);
      } else {
        b.putInt((int) c);
      }
    }
    if (offsets.length == 1 && !bigTiff) {
      // One tile in a classic TIFF: the value fits the entry; patch the two entries in place.
      throw new IllegalArgumentException("images of one tile: use a smaller tile");
    }
    return b.array();
  }

  /** One entry; {@code value} is the value itself when it fits, else where the values are. */
  private static void entry(
      ByteBuffer b, boolean bigTiff, int tag, int type, long count, long value) {
    b.putShort((short) tag).putShort((short) type);
    if (bigTiff) {
      b.putLong(count).putLong(value);
    } else {
      b.putInt((int) count);
      if (type == 3 && count == 1) {
        b.putShort((short) value).putShort((short) 0);
      } else {
        b.putInt((int) value);
      }
    }
  }

  /**
   * Writes {@code count} crops of the images in {@code sources}, {@code min} to {@code max} pixels
   * a side (log-uniformly distributed, as photo collections skew small), alternately PNG and JPEG,
   * into 100 sub-directories of {@code out}.
   */
  public static void crops(
      List<BufferedImage> sources, Path out, int count, int min, int max, long seed)
      throws IOException {
    Random random = new Random(seed);
    for (int i = 0; i < count; i++) {
      BufferedImage source = sources.get(random.nextInt(sources.size()));
      int w = logUniform(random, min, max);
      int h = logUniform(random, min, max);
      int x0 = random.nextInt(source.getWidth());
      int y0 = random.nextInt(source.getHeight());
      BufferedImage crop = new BufferedImage(w, h, BufferedImage.TYPE_3BYTE_BGR);
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          crop.setRGB(
              x, y, source.getRGB((x0 + x) % source.getWidth(), (y0 + y) % source.getHeight()));
        }
      }
      Path dir = out.resolve(String.format(Locale.ROOT, "d%02d", i % 100));
      Files.createDirectories(dir);
      String format = i % 2 == 0 ? "png" : "jpg";
      Path file = dir.resolve(String.format(Locale.ROOT, "crop%06d.%s", i, format));
      if (!ImageIO.write(crop, format.equals("jpg") ? "jpeg" : "png", file.toFile())) {
        throw new IOException("no writer for " + format);
      }
    }
  }

  private static int logUniform(Random random, int min, int max) {
    return (int)
        Math.round(Math.exp(Math.log(min) + random.nextDouble() * (Math.log(max) - Math.log(min))));
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1) {
      throw new IllegalArgumentException(
          "usage: tiff OUT W H [--bigtiff] [--tile N] [--uniform]"
              + " [--source IMAGE] | crops SOURCE_DIR OUT_DIR COUNT [MIN MAX]");
    }
    switch (args[0]) {
      case "tiff" -> {
        Path out = Path.of(args[1]);
        int width = Integer.parseInt(args[2]);
        int height = Integer.parseInt(args[3]);
        boolean big = false;
        int tile = 256;
        Pixels pixels = uniform();
        for (int i = 4; i < args.length; i++) {
          switch (args[i]) {
            case "--bigtiff" -> big = true;
            case "--tile" -> tile = Integer.parseInt(args[++i]);
            case "--uniform" -> pixels = uniform();
            case "--source" -> pixels = mosaic(read(Path.of(args[++i])));
            default -> throw new IllegalArgumentException("unknown option " + args[i]);
          }
        }
        tiledTiff(out, width, height, tile, big, pixels);
      }
      case "crops" -> {
        List<BufferedImage> sources = new ArrayList<>();
        try (var files = Files.walk(Path.of(args[1]))) {
          for (Path p : files.filter(Files::isRegularFile).sorted().toList()) {
            BufferedImage image = ImageIO.read(p.toFile());
            if (image != null) {
              sources.add(image);
            }
          }
        }
        int min = args.length > 4 ? Integer.parseInt(args[4]) : 32;
        int max = args.length > 5 ? Integer.parseInt(args[5]) : 512;
        crops(sources, Path.of(args[2]), Integer.parseInt(args[3]), min, max, 1);
      }
      default -> throw new IllegalArgumentException("unknown command " + args[0]);
    }
  }

  private static BufferedImage read(Path file) {
    try {
      return ImageIO.read(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
