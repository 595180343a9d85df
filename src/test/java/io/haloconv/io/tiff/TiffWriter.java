package io.haloconv.io.tiff;

import io.haloconv.io.TestFiles;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes TIFFs and BigTIFFs of every layout haloconv's TIFF reader accepts, independently of it:
 * tiles or strips, chunky or planar, 8 or 16 bits, either byte order, compression none, LZW,
 * Deflate or PackBits, with or without the horizontal predictor. Pixels come from an int array
 * {@code values[(y · width + x) · samples + s]}.
 */
final class TiffWriter {
  int width;
  int height;
  int samples = 3;
  int bits = 8;
  boolean bigTiff;
  ByteOrder order = ByteOrder.LITTLE_ENDIAN;

  /** Tile side, or 0 for strips. */
  int tileWidth;

  int tileHeight;
  int rowsPerStrip = 8;
  boolean planar;
  int compression = TiffDirectory.COMPRESSION_NONE;
  boolean predictor;

  /** 1 BlackIsZero, 2 RGB. */
  int photometric = 2;

  /** ExtraSamples value for samples beyond the colour ones: 0 unspecified, 2 unassociated alpha. */
  int extraSampleKind = 2;

  TiffWriter(int width, int height) {
    this.width = width;
    this.height = height;
  }

  /** Deterministic values that differ between neighbours and cover the whole sample range. */
  static int[] pattern(int width, int height, int samples, int bits, long seed) {
    int[] values = new int[width * height * samples];
    java.util.Random random = new java.util.Random(seed);
    int max = (1 << bits) - 1;
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int s = 0; s < samples; s++) {
          int smooth = (x * (7 + s) + y * (3 + 2 * s)) * (bits == 16 ? 251 : 1);
          int noise = random.nextInt(4) == 0 ? random.nextInt(max + 1) : 0;
          values[(y * width + x) * samples + s] = (smooth + noise) & max;
        }
      }
    }
    return values;
  }

  byte[] write(int[] values) {
    boolean tiled = tileWidth > 0;
    int chunkWidth = tiled ? tileWidth : width;
    int chunkHeight = tiled ? tileHeight : Math.min(rowsPerStrip, height);
    int across = (width + chunkWidth - 1) / chunkWidth;
    int down = (height + chunkHeight - 1) / chunkHeight;
    int planes = planar ? samples : 1;
    int spp = planar ? 1 : samples;
    int bytes = bits / 8;
    List<byte[]> chunks = new ArrayList<>();
    for (int p = 0; p < planes; p++) {
      for (int row = 0; row < down; row++) {
        for (int col = 0; col < across; col++) {
          int rows = tiled ? chunkHeight : Math.min(chunkHeight, height - row * chunkHeight);
          int[] chunk = new int[rows * chunkWidth * spp];
          for (int r = 0; r < rows; r++) {
            for (int c = 0; c < chunkWidth; c++) {
              int y = row * chunkHeight + r;
              int x = col * chunkWidth + c;
              for (int s = 0; s < spp; s++) {
                int sample = planar ? p : s;
                chunk[(r * chunkWidth + c) * spp + s] =
                    y < height && x < width ? values[(y * width + x) * samples + sample] : 0;
              }
            }
          }
          if (predictor) {
            int mask = (1 << bits) - 1;
            for (int r = 0; r < rows; r++) {
              int base = r * chunkWidth * spp;
              for (int i = base + chunkWidth * spp - 1; i >= base + spp; i--) {
                chunk[i] = (chunk[i] - chunk[i - spp]) & mask;
              }
            }
          }
          ByteBuffer raw = ByteBuffer.allocate(chunk.length * bytes).order(order);
          for (int v : chunk) {
            if (bytes == 1) {
              raw.put((byte) v);
            } else {
              raw.putShort((short) v);
            }
          }
          chunks.add(compress(raw.array()));
        }
      }
    }

    ByteArrayOutputStream data = new ByteArrayOutputStream();
    int headerSize = bigTiff ? 16 : 8;
    long[] offsets = new long[chunks.size()];
    long[] counts = new long[chunks.size()];
    for (int i = 0; i < chunks.size(); i++) {
      offsets[i] = headerSize + data.size();
      counts[i] = chunks.get(i).length;
      data.writeBytes(chunks.get(i));
      if (data.size() % 2 == 1) {
        data.write(0); // word alignment, as writers do
      }
    }
    int colours = photometric == 2 ? 3 : 1;
    Map<Integer, long[]> tags = new HashMap<>();
    Map<Integer, Integer> types = new HashMap<>();
    put(tags, types, 256, 4, width);
    put(tags, types, 257, 4, height);
    put(tags, types, 258, 3, repeat(bits, samples));
    put(tags, types, 259, 3, compression);
    put(tags, types, 262, 3, photometric);
    put(tags, types, 277, 3, samples);
    put(tags, types, 284, 3, planar ? 2 : 1);
    if (predictor) {
      put(tags, types, 317, 3, 2);
    }
    if (samples > colours) {
      put(tags, types, 338, 3, repeat(extraSampleKind, samples - colours));
    }
    put(tags, types, 339, 3, repeat(1, samples));
    int offsetType = bigTiff ? 16 : 4;
    if (tiled) {
      put(tags, types, 322, 3, tileWidth);
      put(tags, types, 323, 3, tileHeight);
      put(tags, types, 324, offsetType, offsets);
      put(tags, types, 325, offsetType, counts);
    } else {
      put(tags, types, 273, offsetType, offsets);
      put(tags, types, 278, 4, chunkHeight);
      put(tags, types, 279, offsetType, counts);
    }
    return assemble(data.toByteArray(), tags, types);
  }

  private byte[] assemble(byte[] data, Map<Integer, long[]> tags, Map<Integer, Integer> types) {
    List<Integer> sorted = new ArrayList<>(tags.keySet());
    sorted.sort(null);
    int headerSize = bigTiff ? 16 : 8;
    int entrySize = bigTiff ? 20 : 12;
    int inline = bigTiff ? 8 : 4;
    long ifdOffset = headerSize + data.length;
    long ifdSize = (bigTiff ? 8 : 2) + (long) entrySize * sorted.size() + (bigTiff ? 8 : 4);
    ByteArrayOutputStream external = new ByteArrayOutputStream();
    ByteBuffer ifd = ByteBuffer.allocate((int) ifdSize).order(order);
    if (bigTiff) {
      ifd.putLong(sorted.size());
    } else {
      ifd.putShort((short) sorted.size());
    }
    for (int tag : sorted) {
      long[] values = tags.get(tag);
      int type = types.get(tag);
      int size = type == 3 ? 2 : type == 4 ? 4 : 8;
      ByteBuffer encoded = ByteBuffer.allocate(values.length * size).order(order);
      for (long v : values) {
        if (size == 2) {
          encoded.putShort((short) v);
        } else if (size == 4) {
          encoded.putInt((int) v);
        } else {
          encoded.putLong(v);
        }
      }
      ifd.putShort((short) tag).putShort((short) type);
      if (bigTiff) {
        ifd.putLong(values.length);
      } else {
        ifd.putInt(values.length);
      }
      if (encoded.capacity() <= inline) {
        byte[] field = new byte[inline];
        System.arraycopy(encoded.array(), 0, field, 0, encoded.capacity());
        ifd.put(field);
      } else {
        long at = ifdOffset + ifdSize + external.size();
        if (bigTiff) {
          ifd.putLong(at);
        } else {
          ifd.putInt((int) at);
        }
        external.writeBytes(encoded.array());
      }
    }
    if (bigTiff) {
      ifd.putLong(0);
    } else {
      ifd.putInt(0);
    }
    ByteBuffer file =
        ByteBuffer.allocate((int) (ifdOffset + ifdSize + external.size())).order(order);
    file.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M'));
    file.put((byte) (order == ByteOrder.LITTLE_ENDIAN ? 'I' : 'M'));
    if (bigTiff) {
      file.putShort((short) 43).putShort((short) 8).putShort((short) 0).putLong(ifdOffset);
    } else {
      file.putShort((short) 42).putInt((int) ifdOffset);
    }
    file.put(data).put(ifd.array()).put(external.toByteArray());
    return file.array();
  }

  private static void put(
      Map<Integer, long[]> tags, Map<Integer, Integer> types, int tag, int type, long... values) {
    tags.put(tag, values);
    types.put(tag, type);
  }

  private static long[] repeat(long value, int count) {
    long[] values = new long[count];
    java.util.Arrays.fill(values, value);
    return values;
  }

  private byte[] compress(byte[] raw) {
    return switch (compression) {
      case TiffDirectory.COMPRESSION_NONE -> raw;
      case TiffDirectory.COMPRESSION_DEFLATE, TiffDirectory.COMPRESSION_ADOBE_DEFLATE ->
          TestFiles.deflate(raw);
      case TiffDirectory.COMPRESSION_PACKBITS -> packBits(raw);
      case TiffDirectory.COMPRESSION_LZW -> lzw(raw);
      default -> throw new IllegalArgumentException("compression " + compression);
    };
  }

  static byte[] packBits(byte[] raw) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int i = 0;
    while (i < raw.length) {
      int run = 1;
      while (i + run < raw.length && run < 128 && raw[i + run] == raw[i]) {
        run++;
      }
      if (run >= 3) {
        out.write(1 - run);
        out.write(raw[i]);
        i += run;
        continue;
      }
      int start = i;
      int literal = 0;
      while (i < raw.length && literal < 128) {
        if (i + 2 < raw.length && raw[i] == raw[i + 1] && raw[i] == raw[i + 2]) {
          break;
        }
        i++;
        literal++;
      }
      out.write(literal - 1);
      out.write(raw, start, literal);
    }
    return out.toByteArray();
  }

  /** TIFF LZW, as libtiff writes it: clear first, widths growing when the next code needs it. */
  static byte[] lzw(byte[] raw) {
    BitWriter out = new BitWriter();
    Map<Integer, Integer> table = new HashMap<>();
    int next = 258;
    int width = 9;
    out.write(256, width);
    if (raw.length == 0) {
      out.write(257, width);
      return out.toByteArray();
    }
    int w = raw[0] & 0xff;
    for (int i = 1; i < raw.length; i++) {
      int k = raw[i] & 0xff;
      Integer code = table.get(w << 8 | k);
      if (code != null) {
        w = code;
        continue;
      }
      out.write(w, width);
      table.put(w << 8 | k, next++);
      if (next > (1 << width) - 1 && width < 12) {
        width++;
      }
      if (next >= 4094) {
        out.write(256, width);
        table.clear();
        next = 258;
        width = 9;
      }
      w = k;
    }
    out.write(w, width);
    next++;
    if (next > (1 << width) - 1 && width < 12) {
      width++;
    }
    out.write(257, width);
    return out.toByteArray();
  }

  private static final class BitWriter {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private long buffer;
    private int count;

    void write(int code, int width) {
      buffer = (buffer << width) | code;
      count += width;
      while (count >= 8) {
        bytes.write((int) (buffer >>> (count - 8)) & 0xff);
        count -= 8;
      }
    }

    byte[] toByteArray() {
      if (count > 0) {
        bytes.write((int) (buffer << (8 - count)) & 0xff);
        count = 0;
      }
      return bytes.toByteArray();
    }
  }
}
