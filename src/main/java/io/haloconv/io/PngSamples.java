package io.haloconv.io;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The unfiltered samples of a plain PNG: 8- or 16-bit gray, gray + alpha, RGB or RGBA, not
 * interlaced, with no palette or transparency chunk. (An ICC profile changes nothing: the JDK's
 * reader, too, returns the samples as stored.) These are most PNGs that datasets hold, and for them
 * the JDK's reader spends half its time on its own copies and an unhurried filter loop ({@code
 * performance-log.md}, "A PNG decoder of our own").
 *
 * <p>Anything else, and anything unexpected on the way (a bad chunk CRC, a short or overlong zlib
 * stream, an unknown critical chunk, a missing IEND), is {@link NotPlain}: the caller then decodes
 * the file with the JDK's reader, so that such files keep exactly the values and error records they
 * had before. Being strict here costs only speed, never a different result.
 *
 * <p>The samples stay as the file stores them, rows of {@code stride} bytes whose first byte is the
 * (undone) filter type; 16-bit samples big-endian. A window of them becomes planar floats in {@link
 * #extract}.
 */
final class PngSamples {
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
  private static final long LOW7 = 0x7f7f7f7f7f7f7f7fL;
  private static final long HIGH1 = 0x8080808080808080L;
  private static final long SIGNATURE = 0x89504E470D0A1A0AL;
  private static final int IHDR = 0x49484452;
  private static final int IDAT = 0x49444154;
  private static final int IEND = 0x49454E44;
  private static final int PLTE = 0x504C5445;
  private static final int TRNS = 0x74524E53;

  /** Read through a window of at most this many bytes: one read for most files. */
  private static final int READ_BYTES = 256 * 1024;

  /** Why a file is left to the JDK's reader; never a bad record by itself. */
  static final class NotPlain extends Exception {
    private static final long serialVersionUID = 1L;

    NotPlain(String reason) {
      super(reason, null, false, false);
    }
  }

  /** Positioned reads of the file: {@code read(position, buffer, offset, length)}. */
  interface Input {
    int read(long position, byte[] buffer, int offset, int length) throws IOException;
  }

  final int width;
  final int height;
  final int channels;
  final int bitDepth;

  /** Bytes per row, the filter byte included. */
  final int stride;

  final byte[] rows;

  private PngSamples(int width, int height, int channels, int bitDepth, int stride, byte[] rows) {
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.bitDepth = bitDepth;
    this.stride = stride;
    this.rows = rows;
  }

  /**
   * Decodes a whole file of {@code fileSize} bytes.
   *
   * @param width the width the probe read from the header; a header that now says otherwise is not
   *     plain (and nothing is allocated for it)
   * @param height likewise
   * @param aborted polled between chunks and rows; true stops the decode with an {@link
   *     InterruptedIOException}
   * @throws NotPlain when the file is not a plain PNG, or anything in it is unexpected
   * @throws IOException when reading fails
   */
  static PngSamples decode(
      Input input, long fileSize, int width, int height, BooleanSupplier aborted)
      throws NotPlain, IOException {
    Chunks in = new Chunks(input, fileSize);
    if (in.readLong() != SIGNATURE) {
      throw new NotPlain("no PNG signature");
    }
    CRC32 crc = new CRC32();
    if (in.readInt() != 13 || in.readType(crc) != IHDR) {
      throw new NotPlain("IHDR is not the first chunk");
    }
    byte[] header = in.bytes(13, crc);
    if (in.readInt() != (int) crc.getValue()) {
      throw new NotPlain("bad IHDR CRC");
    }
    if (be32(header, 0) != width || be32(header, 4) != height) {
      throw new NotPlain("header size differs from the probe's");
    }
    int depth = header[8] & 0xff;
    int colourType = header[9] & 0xff;
    if (depth != 8 && depth != 16) {
      throw new NotPlain("bit depth " + depth);
    }
    int channels =
        switch (colourType) {
          case 0 -> 1;
          case 2 -> 3;
          case 4 -> 2;
          case 6 -> 4;
          default -> throw new NotPlain("colour type " + colourType);
        };
    if (header[10] != 0 || header[11] != 0 || header[12] != 0) {
      throw new NotPlain("compression, filter or interlace method not 0");
    }
    int bytesPerPixel = channels * depth / 8;
    long strideLong = 1 + (long) width * bytesPerPixel;
    long total = strideLong * height;
    if (width <= 0 || height <= 0 || total > Integer.MAX_VALUE - 8) {
      throw new NotPlain(width + "x" + height);
    }
    int stride = (int) strideLong;
    byte[] rows = new byte[(int) total];
    Inflater inflater = new Inflater();
    try {
      int produced = 0;
      boolean seenData = false;
      boolean dataDone = false;
      while (true) {
        if (aborted.getAsBoolean()) {
          throw new InterruptedIOException("PNG decode aborted");
        }
        int length = in.readInt();
        if (length < 0) {
          throw new NotPlain("chunk length " + length);
        }
        int type = in.readType(crc);
        if (type == IDAT) {
          if (dataDone) {
            throw new NotPlain("IDAT chunks not consecutive");
          }
          seenData = true;
          produced = in.inflate(length, crc, inflater, rows, produced);
        } else {
          dataDone |= seenData;
          if (type == PLTE || type == TRNS) {
            throw new NotPlain("has a " + name(type) + " chunk");
          }
          if ((type & 0x20000000) == 0 && type != IEND) {
            throw new NotPlain("unknown critical chunk " + name(type));
          }
          in.skip(length, crc);
        }
        // Every chunk's CRC, the ones skipped too: a damaged chunk of any kind is the JDK
        // reader's to judge, as it always was.
        if (in.readInt() != (int) crc.getValue()) {
          throw new NotPlain("bad " + name(type) + " CRC");
        }
        if (type == IEND) {
          break;
        }
      }
      if (!seenData || produced != rows.length || !inflater.finished()) {
        throw new NotPlain("image data ends after " + produced + " of " + rows.length + " bytes");
      }
    } catch (DataFormatException e) {
      throw new NotPlain("bad zlib data: " + e.getMessage());
    } finally {
      inflater.end();
    }
    unfilter(rows, stride, height, bytesPerPixel, aborted);
    return new PngSamples(width, height, channels, depth, stride, rows);
  }

  /** Undoes each row's filter in place (PNG spec §9); a filter type above 4 is not plain. */
  private static void unfilter(
      byte[] rows, int stride, int height, int bpp, BooleanSupplier aborted)
      throws NotPlain, IOException {
    for (int r = 0, row = 0; r < height; r++, row += stride) {
      if ((r & 255) == 0 && aborted.getAsBoolean()) {
        throw new InterruptedIOException("PNG decode aborted");
      }
      int first = row + 1;
      int end = row + stride;
      // Row 0 has no row above: its Up adds nothing, its Average halves the left byte only, and
      // its Paeth always picks the left byte, which is Sub.
      switch (rows[row]) {
        case 0 -> {}
        case 1 -> sub(rows, first, end, bpp);
        case 2 -> {
          if (r > 0) {
            up(rows, first, end, stride);
          }
        }
        case 3 -> {
          if (r > 0) {
            average(rows, first, end, bpp, stride);
          } else {
            averageFirstRow(rows, first, end, bpp);
          }
        }
        case 4 -> {
          if (r > 0) {
            paeth(rows, first, end, bpp, stride);
          } else {
            sub(rows, first, end, bpp);
          }
        }
        default -> throw new NotPlain("filter type " + rows[row]);
      }
    }
  }

  // One small method per filter, each a flat loop C2 compiles on its own. Sub, Average and Paeth
  // depend on the byte bpp to the left, already undone: each of the bpp byte lanes of a row is a
  // chain, walked here lane by lane with its left (and upper-left) byte kept in a register rather
  // than read back from the byte just stored.

  private static void sub(byte[] rows, int first, int end, int bpp) {
    if (bpp == 3) {
      int a0 = 0, a1 = 0, a2 = 0;
      for (int i = first; i < end; i += 3) {
        a0 = (rows[i] + a0) & 0xff;
        a1 = (rows[i + 1] + a1) & 0xff;
        a2 = (rows[i + 2] + a2) & 0xff;
        rows[i] = (byte) a0;
        rows[i + 1] = (byte) a1;
        rows[i + 2] = (byte) a2;
      }
      return;
    }
    if (bpp == 4) {
      int a0 = 0, a1 = 0, a2 = 0, a3 = 0;
      for (int i = first; i < end; i += 4) {
        a0 = (rows[i] + a0) & 0xff;
        a1 = (rows[i + 1] + a1) & 0xff;
        a2 = (rows[i + 2] + a2) & 0xff;
        a3 = (rows[i + 3] + a3) & 0xff;
        rows[i] = (byte) a0;
        rows[i + 1] = (byte) a1;
        rows[i + 2] = (byte) a2;
        rows[i + 3] = (byte) a3;
      }
      return;
    }
    for (int k = 0; k < bpp; k++) {
      int a = 0;
      for (int i = first + k; i < end; i += bpp) {
        a = (rows[i] + a) & 0xff;
        rows[i] = (byte) a;
      }
    }
  }

  /**
   * Up adds the row above, byte by byte: no chain, so eight bytes at a time in a long, the carry of
   * each byte kept from the next. (Left to C2, this loop over one array at two offsets ran at 5 ns
   * a byte.)
   */
  private static void up(byte[] rows, int first, int end, int stride) {
    int i = first;
    for (int last = end - 8; i <= last; i += 8) {
      long x = (long) LONGS.get(rows, i);
      long y = (long) LONGS.get(rows, i - stride);
      LONGS.set(rows, i, ((x & LOW7) + (y & LOW7)) ^ ((x ^ y) & HIGH1));
    }
    for (; i < end; i++) {
      rows[i] += rows[i - stride];
    }
  }

  private static void averageFirstRow(byte[] rows, int first, int end, int bpp) {
    for (int k = 0; k < bpp; k++) {
      int a = 0;
      for (int i = first + k; i < end; i += bpp) {
        a = (rows[i] + (a >>> 1)) & 0xff;
        rows[i] = (byte) a;
      }
    }
  }

  private static void average(byte[] rows, int first, int end, int bpp, int stride) {
    for (int k = 0; k < bpp; k++) {
      int a = 0;
      for (int i = first + k; i < end; i += bpp) {
        a = (rows[i] + ((a + (rows[i - stride] & 0xff)) >>> 1)) & 0xff;
        rows[i] = (byte) a;
      }
    }
  }

  private static void paeth(byte[] rows, int first, int end, int bpp, int stride) {
    if (bpp == 3) {
      int a0 = 0, a1 = 0, a2 = 0, c0 = 0, c1 = 0, c2 = 0;
      for (int i = first; i < end; i += 3) {
        int b0 = rows[i - stride] & 0xff;
        int b1 = rows[i + 1 - stride] & 0xff;
        int b2 = rows[i + 2 - stride] & 0xff;
        a0 = (rows[i] + paeth(a0, b0, c0)) & 0xff;
        a1 = (rows[i + 1] + paeth(a1, b1, c1)) & 0xff;
        a2 = (rows[i + 2] + paeth(a2, b2, c2)) & 0xff;
        rows[i] = (byte) a0;
        rows[i + 1] = (byte) a1;
        rows[i + 2] = (byte) a2;
        c0 = b0;
        c1 = b1;
        c2 = b2;
      }
      return;
    }
    if (bpp == 4) {
      int a0 = 0, a1 = 0, a2 = 0, a3 = 0, c0 = 0, c1 = 0, c2 = 0, c3 = 0;
      for (int i = first; i < end; i += 4) {
        int b0 = rows[i - stride] & 0xff;
        int b1 = rows[i + 1 - stride] & 0xff;
        int b2 = rows[i + 2 - stride] & 0xff;
        int b3 = rows[i + 3 - stride] & 0xff;
        a0 = (rows[i] + paeth(a0, b0, c0)) & 0xff;
        a1 = (rows[i + 1] + paeth(a1, b1, c1)) & 0xff;
        a2 = (rows[i + 2] + paeth(a2, b2, c2)) & 0xff;
        a3 = (rows[i + 3] + paeth(a3, b3, c3)) & 0xff;
        rows[i] = (byte) a0;
        rows[i + 1] = (byte) a1;
        rows[i + 2] = (byte) a2;
        rows[i + 3] = (byte) a3;
        c0 = b0;
        c1 = b1;
        c2 = b2;
        c3 = b3;
      }
      return;
    }
    for (int k = 0; k < bpp; k++) {
      int a = 0;
      int c = 0;
      for (int i = first + k; i < end; i += bpp) {
        int b = rows[i - stride] & 0xff;
        a = (rows[i] + paeth(a, b, c)) & 0xff;
        rows[i] = (byte) a;
        c = b;
      }
    }
  }

  /**
   * The Paeth predictor of left a, up b and upper-left c (PNG spec §9.4), without branches: which
   * of the three wins depends on the image, so branches would be mispredicted about as often as
   * not.
   */
  static int paeth(int a, int b, int c) {
    int pa = Math.abs(b - c);
    int pb = Math.abs(a - c);
    int pc = Math.abs(a + b - 2 * c);
    int notA = ((pb - pa) | (pc - pa)) >> 31; // -1 when pa > pb or pa > pc
    int cOverB = (pc - pb) >> 31; // -1 when pb > pc
    int bc = (b & ~cOverB) | (c & cOverB);
    return (a & ~notA) | (bc & notA);
  }

  /** Raw values of rows [y0, y0+h) and columns [x0, x0+w), planar: channel, row, column. */
  void extract(int y0, int x0, int h, int w, float[] dst) {
    int plane = h * w;
    if (bitDepth == 8) {
      for (int c = 0; c < channels; c++) {
        for (int r = 0; r < h; r++) {
          int from = (y0 + r) * stride + 1 + x0 * channels + c;
          int to = c * plane + r * w;
          for (int x = 0; x < w; x++, from += channels) {
            dst[to + x] = rows[from] & 0xff;
          }
        }
      }
    } else {
      int step = 2 * channels;
      for (int c = 0; c < channels; c++) {
        for (int r = 0; r < h; r++) {
          int from = (y0 + r) * stride + 1 + x0 * step + 2 * c;
          int to = c * plane + r * w;
          for (int x = 0; x < w; x++, from += step) {
            dst[to + x] = ((rows[from] & 0xff) << 8) | (rows[from + 1] & 0xff);
          }
        }
      }
    }
  }

  private static int be32(byte[] b, int at) {
    return (b[at] & 0xff) << 24
        | (b[at + 1] & 0xff) << 16
        | (b[at + 2] & 0xff) << 8
        | b[at + 3] & 0xff;
  }

  private static String name(int type) {
    return new String(
        new char[] {
          (char) (type >>> 24 & 0xff),
          (char) (type >>> 16 & 0xff),
          (char) (type >>> 8 & 0xff),
          (char) (type & 0xff)
        });
  }

  /** The file read front to back through one buffer of positioned reads. */
  private static final class Chunks {
    private final Input input;
    private final long fileSize;
    private final byte[] buffer;
    private final byte[] spare = new byte[1];
    private long bufferStart;
    private int at;
    private int limit;

    Chunks(Input input, long fileSize) {
      this.input = input;
      this.fileSize = fileSize;
      this.buffer = new byte[(int) Math.min(READ_BYTES, Math.max(fileSize, 16))];
    }

    /** At least one unread byte in the buffer, or NotPlain at the end of the file. */
    private void fill() throws NotPlain, IOException {
      if (at < limit) {
        return;
      }
      bufferStart += limit;
      at = 0;
      limit = 0;
      int want = (int) Math.min(buffer.length, fileSize - bufferStart);
      if (want <= 0) {
        throw new NotPlain("file ends inside a chunk");
      }
      while (limit < want) {
        int n = input.read(bufferStart + limit, buffer, limit, want - limit);
        if (n < 0) {
          throw new NotPlain("file shorter than its length");
        }
        limit += n;
      }
    }

    int readByte() throws NotPlain, IOException {
      fill();
      return buffer[at++] & 0xff;
    }

    int readInt() throws NotPlain, IOException {
      if (limit - at >= 4) {
        int v = be32(buffer, at);
        at += 4;
        return v;
      }
      return readByte() << 24 | readByte() << 16 | readByte() << 8 | readByte();
    }

    long readLong() throws NotPlain, IOException {
      return (long) readInt() << 32 | (readInt() & 0xffffffffL);
    }

    byte[] bytes(int n, CRC32 crc) throws NotPlain, IOException {
      byte[] out = new byte[n];
      for (int i = 0; i < n; i++) {
        out[i] = (byte) readByte();
      }
      crc.update(out);
      return out;
    }

    /** A chunk type, which starts its CRC. */
    int readType(CRC32 crc) throws NotPlain, IOException {
      int type = readInt();
      crc.reset();
      crc.update(type >>> 24);
      crc.update(type >>> 16);
      crc.update(type >>> 8);
      crc.update(type);
      return type;
    }

    /** Skips a chunk's data, adding it to the CRC. */
    void skip(int n, CRC32 crc) throws NotPlain, IOException {
      while (n > 0) {
        fill();
        int k = Math.min(n, limit - at);
        crc.update(buffer, at, k);
        at += k;
        n -= k;
      }
    }

    /** Inflates a chunk's {@code length} bytes of zlib data into {@code out} from {@code at}. */
    int inflate(int length, CRC32 crc, Inflater inflater, byte[] out, int produced)
        throws NotPlain, IOException, DataFormatException {
      int left = length;
      while (left > 0) {
        fill();
        int k = Math.min(left, limit - at);
        crc.update(buffer, at, k);
        inflater.setInput(buffer, at, k);
        while (!inflater.needsInput()) {
          if (inflater.finished()) {
            break;
          }
          if (produced == out.length) {
            // All the samples are here; what is left must be the stream's end (its checksum).
            if (inflater.inflate(spare) > 0) {
              throw new NotPlain("more image data than the header's size");
            }
            if (inflater.needsInput() || inflater.finished()) {
              break;
            }
            throw new NotPlain("zlib stream does not end after the image data");
          }
          int n = inflater.inflate(out, produced, out.length - produced);
          if (n == 0 && !inflater.needsInput() && !inflater.finished()) {
            throw new NotPlain("zlib stream stalls (a preset dictionary?)");
          }
          produced += n;
        }
        at += k;
        left -= k;
      }
      return produced;
    }
  }
}
