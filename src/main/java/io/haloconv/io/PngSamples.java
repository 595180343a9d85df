package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.awt.image.DataBuffer;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.BooleanSupplier;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import javax.imageio.ImageTypeSpecifier;

/**
 * The unfiltered samples of a plain PNG: gray of 1, 2, 4, 8 or 16 bits, gray + alpha, RGB or RGBA
 * of 8 or 16 bits, or palette indices of 1, 2, 4 or 8 bits with or without a {@code tRNS} alpha
 * table; not interlaced. (An ICC profile changes nothing: the JDK's reader, too, returns the
 * samples as stored.) These are most PNGs that datasets hold, and for them the JDK's reader spends
 * half its time on its own copies and an unhurried filter loop ({@code docs/performance.md}, "A PNG
 * decoder of our own").
 *
 * <p>Anything else, and anything unexpected on the way (a bad chunk CRC, a short or overlong zlib
 * stream, an unknown critical chunk, a missing IEND, a palette or alpha table the JDK's reader
 * would warn about), is {@link NotPlain}: the caller then decodes the file with the JDK's reader,
 * so that such files keep exactly the values and error records they had before. Being strict here
 * costs only speed, never a different result.
 *
 * <p>The samples stay as the file stores them, rows of {@code stride} bytes whose first byte is the
 * (undone) filter type; 16-bit samples big-endian, samples under 8 bits packed from the high bit. A
 * window of them becomes planar floats in {@link #extract}: direct samples as they are, palette
 * indices and packed gray through the value table of the image type the JDK's reader would have
 * made ({@link Format}), so both decoders give the same values by construction.
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

  /**
   * What the file's pixels decode to: channels, bit depth and layout, as the probe reports them.
   */
  final Format format;

  /** Bytes per row, the filter byte included. */
  final int stride;

  final byte[] rows;

  private PngSamples(int width, int height, Format format, int stride, byte[] rows) {
    this.width = width;
    this.height = height;
    this.format = format;
    this.stride = stride;
    this.rows = rows;
  }

  /**
   * How a file stores its pixels and what they decode to. {@code lookup} (per output channel, the
   * value of each sample) is null when samples are values as they are; otherwise it is {@link
   * PixelConverter}'s table for the image type the JDK's reader builds for such a file: {@code
   * ImageTypeSpecifier.createIndexed} with the palette padded as that reader pads it, or {@code
   * createGrayscale} for packed gray.
   */
  record Format(
      int samplesPerPixel,
      int depth,
      float[][] lookup,
      int channels,
      int bitDepth,
      PixelLayout layout) {

    Format {
      if (samplesPerPixel < 1 || samplesPerPixel > 4) {
        throw new IllegalArgumentException(
            "samplesPerPixel must be 1 to 4, got " + samplesPerPixel);
      }
      if (lookup == null ? depth != 8 && depth != 16 : samplesPerPixel != 1 || depth > 8) {
        throw new IllegalArgumentException(
            (lookup == null
                    ? "direct samples must have 8 or 16 bits"
                    : "looked-up samples must be single and of 1 to 8 bits")
                + ", got "
                + samplesPerPixel
                + " of "
                + depth);
      }
      if (lookup != null && lookup.length != channels) {
        throw new IllegalArgumentException(
            "one lookup table per channel: " + lookup.length + " for " + channels);
      }
    }

    /** 8- or 16-bit samples that are values as they are. */
    static Format direct(int samplesPerPixel, int depth) {
      PixelLayout layout =
          switch (samplesPerPixel) {
            case 1 -> PixelLayout.GRAY;
            case 2 -> PixelLayout.GRAY_ALPHA;
            case 3 -> PixelLayout.RGB;
            default -> PixelLayout.RGBA;
          };
      return new Format(samplesPerPixel, depth, null, samplesPerPixel, depth, layout);
    }

    /** One sample per pixel, looked up in the value tables of {@code type}. */
    static Format lookup(int depth, ImageTypeSpecifier type, boolean declaredPalette) {
      PixelConverter pixels =
          PixelConverter.of(type.getColorModel(), type.getSampleModel(), declaredPalette);
      return new Format(
          1, depth, pixels.lookupTables(), pixels.channels(), pixels.bitDepth(), pixels.layout());
    }

    /** Bytes the filters count as one pixel: at least one (PNG spec §9.2). */
    int filterBytes() {
      return Math.max(1, samplesPerPixel * depth / 8);
    }
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
    try (Reader in = new Reader(input, fileSize, width, height)) {
      long total = (long) in.stride * height;
      if (total > Integer.MAX_VALUE - 8) {
        throw new NotPlain(width + "x" + height);
      }
      byte[] rows = new byte[(int) total];
      in.inflate(rows, 0, rows.length, aborted);
      in.finish(aborted);
      unfilter(rows, 0, in.stride, height, in.format.filterBytes(), true, aborted);
      return new PngSamples(width, height, in.format, in.stride, rows);
    }
  }

  /**
   * Decodes a whole file top to bottom, handing {@code sink} consecutive bands of at most {@code
   * bandRows} rows (C×rows×W raw values) while holding only a band: for PNGs too large to decode
   * whole. A file found not plain part-way has already given some bands; the caller starts again
   * with the JDK's reader.
   *
   * @throws NotPlain when the file is not a plain PNG, or anything in it is unexpected
   * @throws IOException when reading fails or the sink fails
   */
  static void stream(
      Input input,
      long fileSize,
      int width,
      int height,
      int bandRows,
      BandSink sink,
      BooleanSupplier aborted)
      throws NotPlain, IOException {
    try (Reader in = new Reader(input, fileSize, width, height)) {
      int stride = in.stride;
      int rows =
          (int)
              Math.max(
                  1, Math.min(Math.min(bandRows, height), (Integer.MAX_VALUE - 8L) / stride - 1));
      // Slot 0 holds the row above the band (the last of the previous band), which Up, Average
      // and Paeth read; the band's rows follow it.
      byte[] band = new byte[(rows + 1) * stride];
      for (int y = 0; y < height; ) {
        int n = Math.min(rows, height - y);
        in.inflate(band, stride, n * stride, aborted);
        unfilter(band, stride, stride, n, in.format.filterBytes(), y == 0, aborted);
        Tensor3 out = Tensor3.zeros(in.format.channels(), n, width);
        extract(band, stride, stride, in.format, 0, 0, n, width, out.data());
        sink.accept(out);
        System.arraycopy(band, n * stride, band, 0, stride);
        y += n;
      }
      in.finish(aborted);
    }
  }

  /**
   * Undoes the filters of {@code count} rows starting at byte {@code from}, in place (PNG spec §9);
   * a filter type above 4 is not plain. Unless {@code top}, the row above the first one is the
   * {@code stride} bytes before it.
   */
  private static void unfilter(
      byte[] rows, int from, int stride, int count, int bpp, boolean top, BooleanSupplier aborted)
      throws NotPlain, IOException {
    for (int r = 0, row = from; r < count; r++, row += stride) {
      boolean above = r > 0 || !top;
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
          if (above) {
            up(rows, first, end, stride);
          }
        }
        case 3 -> {
          if (above) {
            average(rows, first, end, bpp, stride);
          } else {
            averageFirstRow(rows, first, end, bpp);
          }
        }
        case 4 -> {
          if (above) {
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

  /** Values of rows [y0, y0+h) and columns [x0, x0+w), planar: channel, row, column. */
  void extract(int y0, int x0, int h, int w, float[] dst) {
    extract(rows, 0, stride, format, y0, x0, h, w, dst);
  }

  /** {@link #extract} of rows that start at byte {@code from} of {@code rows}. */
  private static void extract(
      byte[] rows, int from, int stride, Format format, int y0, int x0, int h, int w, float[] dst) {
    int plane = h * w;
    int first = from + y0 * stride + 1;
    int channels = format.samplesPerPixel();
    if (format.lookup() != null) {
      lookup(rows, first, stride, format.depth(), format.lookup(), x0, h, w, dst);
    } else if (format.depth() == 8) {
      for (int c = 0; c < channels; c++) {
        for (int r = 0; r < h; r++) {
          int at = first + r * stride + x0 * channels + c;
          int to = c * plane + r * w;
          for (int x = 0; x < w; x++, at += channels) {
            dst[to + x] = rows[at] & 0xff;
          }
        }
      }
    } else {
      int step = 2 * channels;
      for (int c = 0; c < channels; c++) {
        for (int r = 0; r < h; r++) {
          int at = first + r * stride + x0 * step + 2 * c;
          int to = c * plane + r * w;
          for (int x = 0; x < w; x++, at += step) {
            dst[to + x] = ((rows[at] & 0xff) << 8) | (rows[at + 1] & 0xff);
          }
        }
      }
    }
  }

  /**
   * Single samples of {@code depth} bits (8, or packed from the high bit), each channel's value
   * looked up in {@code tables}, which cover every value the depth can hold.
   */
  private static void lookup(
      byte[] rows,
      int first,
      int stride,
      int depth,
      float[][] tables,
      int x0,
      int h,
      int w,
      float[] dst) {
    int plane = h * w;
    int mask = (1 << depth) - 1;
    for (int c = 0; c < tables.length; c++) {
      float[] table = tables[c];
      for (int r = 0; r < h; r++) {
        int row = first + r * stride;
        int to = c * plane + r * w;
        if (depth == 8) {
          for (int x = 0, at = row + x0; x < w; x++, at++) {
            dst[to + x] = table[rows[at] & 0xff];
          }
        } else {
          for (int x = 0; x < w; x++) {
            int bit = (x0 + x) * depth;
            int sample = (rows[row + (bit >>> 3)] >>> (8 - depth - (bit & 7))) & mask;
            dst[to + x] = table[sample];
          }
        }
      }
    }
  }

  /**
   * The JDK's reader keeps a palette of n entries in arrays of 2, 4, 16 or 256, zero past n; its
   * tRNS table may be that long.
   */
  private static int paddedEntries(int entries) {
    return entries > 16 ? 256 : entries > 4 ? 16 : entries > 2 ? 4 : 2;
  }

  /**
   * The image type the JDK's reader builds for a palette image (its {@code getImageTypes}, JDK 11
   * to 25): the palette in arrays of {@link #paddedEntries}, extended to 2^depth entries with the
   * arrays' last entry; the alpha table, when there is one, padded with 255 to the same length.
   */
  private static ImageTypeSpecifier indexedType(int depth, byte[] palette, byte[] alpha) {
    int entries = palette.length / 3;
    int padded = paddedEntries(entries);
    int size = Math.max(padded, 1 << depth);
    byte[] red = new byte[size];
    byte[] green = new byte[size];
    byte[] blue = new byte[size];
    for (int i = 0; i < entries; i++) {
      red[i] = palette[3 * i];
      green[i] = palette[3 * i + 1];
      blue[i] = palette[3 * i + 2];
    }
    Arrays.fill(red, padded, size, red[padded - 1]);
    Arrays.fill(green, padded, size, green[padded - 1]);
    Arrays.fill(blue, padded, size, blue[padded - 1]);
    byte[] alphas = null;
    if (alpha != null) {
      alphas = Arrays.copyOf(alpha, size);
      Arrays.fill(alphas, alpha.length, size, (byte) 255);
    }
    return ImageTypeSpecifier.createIndexed(red, green, blue, alphas, depth, DataBuffer.TYPE_BYTE);
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

  /**
   * The file read front to back through one buffer of positioned reads: the header and the chunks
   * before the image data on opening, then the image data inflated on demand across its IDAT
   * chunks, then the chunks after it. Every chunk's CRC is checked, the skipped ones' too: a
   * damaged chunk of any kind is the JDK reader's to judge, as it always was.
   */
  private static final class Reader implements AutoCloseable {
    private final Input input;
    private final long fileSize;
    private final byte[] buffer;
    private final byte[] spare = new byte[1];
    private final CRC32 crc = new CRC32();
    private final Inflater inflater = new Inflater();
    private long bufferStart;
    private int at;
    private int limit;

    /** Data bytes of the current IDAT chunk not yet given to the inflater. */
    private int idatLeft;

    final Format format;
    final int stride;

    Reader(Input input, long fileSize, int width, int height) throws NotPlain, IOException {
      this.input = input;
      this.fileSize = fileSize;
      this.buffer = new byte[(int) Math.min(READ_BYTES, Math.max(fileSize, 16))];
      if (readLong() != SIGNATURE) {
        throw new NotPlain("no PNG signature");
      }
      if (readInt() != 13 || readType() != IHDR) {
        throw new NotPlain("IHDR is not the first chunk");
      }
      byte[] header = new byte[13];
      readData(header);
      checkCrc(IHDR);
      if (be32(header, 0) != width || be32(header, 4) != height) {
        throw new NotPlain("header size differs from the probe's");
      }
      int depth = header[8] & 0xff;
      int colourType = header[9] & 0xff;
      boolean depthAllowed =
          switch (colourType) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            default -> throw new NotPlain("colour type " + colourType);
          };
      if (!depthAllowed) {
        throw new NotPlain("bit depth " + depth + " for colour type " + colourType);
      }
      if (header[10] != 0 || header[11] != 0 || header[12] != 0) {
        throw new NotPlain("compression, filter or interlace method not 0");
      }
      int samples =
          switch (colourType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
          };
      long rowBytes = 1 + ((long) width * samples * depth + 7) / 8;
      if (width <= 0 || height <= 0 || rowBytes > Integer.MAX_VALUE / 2) {
        throw new NotPlain(width + "x" + height);
      }
      stride = (int) rowBytes;
      // The chunks before the image data: a palette and its alpha table are read, the others
      // skipped.
      byte[] palette = null;
      byte[] alpha = null;
      while (true) {
        int length = readInt();
        if (length < 0) {
          throw new NotPlain("chunk length " + length);
        }
        int type = readType();
        if (type == IDAT) {
          idatLeft = length;
          break;
        }
        if (type == PLTE && colourType == 3 && palette == null) {
          // More entries than the depth holds, or a length the JDK's reader rounds down: its
          // warnings, its call.
          if (length == 0 || length % 3 != 0 || length / 3 > 1 << depth) {
            throw new NotPlain("PLTE of " + length + " bytes at " + depth + " bits");
          }
          palette = new byte[length];
          readData(palette);
        } else if (type == TRNS && colourType == 3 && palette != null && alpha == null) {
          if (length > paddedEntries(palette.length / 3)) {
            throw new NotPlain("tRNS of " + length + " entries");
          }
          alpha = new byte[length];
          readData(alpha);
        } else if (type == PLTE || type == TRNS) {
          // A suggested palette, a transparent colour, a repeated or misplaced chunk.
          throw new NotPlain("has a " + name(type) + " chunk the image does not use as palette");
        } else if ((type & 0x20000000) == 0) {
          throw new NotPlain("critical chunk " + name(type) + " before the image data");
        } else {
          skip(length);
        }
        checkCrc(type);
      }
      if (colourType == 3) {
        if (palette == null) {
          throw new NotPlain("no PLTE before the image data");
        }
        format = Format.lookup(depth, indexedType(depth, palette, alpha), true);
      } else if (depth < 8) {
        format =
            Format.lookup(
                depth,
                ImageTypeSpecifier.createGrayscale(depth, DataBuffer.TYPE_BYTE, false),
                false);
      } else {
        format = Format.direct(samples, depth);
      }
    }

    /** Inflates exactly {@code length} bytes of image data into {@code out} from {@code off}. */
    void inflate(byte[] out, int off, int length, BooleanSupplier aborted)
        throws NotPlain, IOException {
      try {
        while (length > 0) {
          if (inflater.needsInput()) {
            if (aborted.getAsBoolean()) {
              throw new InterruptedIOException("PNG decode aborted");
            }
            if (!feed()) {
              throw new NotPlain("image data ends early");
            }
          }
          int n = inflater.inflate(out, off, length);
          if (n == 0 && !inflater.needsInput()) {
            throw new NotPlain(
                inflater.finished()
                    ? "zlib stream ends before the image data"
                    : "zlib stream stalls (a preset dictionary?)");
          }
          off += n;
          length -= n;
        }
      } catch (DataFormatException e) {
        throw new NotPlain("bad zlib data: " + e.getMessage());
      }
    }

    /**
     * After the last row: the end of the zlib stream (its checksum), the rest of its chunk, and
     * every chunk up to IEND.
     */
    void finish(BooleanSupplier aborted) throws NotPlain, IOException {
      try {
        while (!inflater.finished()) {
          if (inflater.needsInput() && !feed()) {
            throw new NotPlain("zlib stream does not end");
          }
          if (inflater.inflate(spare) > 0) {
            throw new NotPlain("more image data than the header's size");
          }
          if (!inflater.finished() && !inflater.needsInput()) {
            throw new NotPlain("zlib stream stalls");
          }
        }
      } catch (DataFormatException e) {
        throw new NotPlain("bad zlib data: " + e.getMessage());
      }
      skip(idatLeft);
      idatLeft = 0;
      checkCrc(IDAT);
      while (true) {
        if (aborted.getAsBoolean()) {
          throw new InterruptedIOException("PNG decode aborted");
        }
        int length = readInt();
        if (length < 0) {
          throw new NotPlain("chunk length " + length);
        }
        int type = readType();
        if ((type & 0x20000000) == 0 && type != IEND) {
          throw new NotPlain("critical chunk " + name(type) + " after the image data");
        }
        skip(length);
        checkCrc(type);
        if (type == IEND) {
          return;
        }
      }
    }

    /**
     * Gives the inflater the next piece of image data, moving on to the next IDAT chunk when this
     * one is used up; false when the image data has ended.
     */
    private boolean feed() throws NotPlain, IOException {
      while (idatLeft == 0) {
        checkCrc(IDAT);
        int length = readInt();
        if (length < 0) {
          throw new NotPlain("chunk length " + length);
        }
        if (readType() != IDAT) {
          return false;
        }
        idatLeft = length;
      }
      // The inflater keeps a reference to the buffer, not a copy: it is only refilled once the
      // inflater has taken everything it was given (needsInput).
      fill();
      int k = Math.min(idatLeft, limit - at);
      crc.update(buffer, at, k);
      inflater.setInput(buffer, at, k);
      at += k;
      idatLeft -= k;
      return true;
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

    private int readByte() throws NotPlain, IOException {
      fill();
      return buffer[at++] & 0xff;
    }

    private int readInt() throws NotPlain, IOException {
      if (limit - at >= 4) {
        int v = be32(buffer, at);
        at += 4;
        return v;
      }
      return readByte() << 24 | readByte() << 16 | readByte() << 8 | readByte();
    }

    private long readLong() throws NotPlain, IOException {
      return (long) readInt() << 32 | (readInt() & 0xffffffffL);
    }

    /** Fills {@code data} from the current chunk's data, adding it to the CRC. */
    private void readData(byte[] data) throws NotPlain, IOException {
      for (int done = 0; done < data.length; ) {
        fill();
        int k = Math.min(data.length - done, limit - at);
        System.arraycopy(buffer, at, data, done, k);
        crc.update(buffer, at, k);
        at += k;
        done += k;
      }
    }

    /** A chunk type, which starts its CRC. */
    private int readType() throws NotPlain, IOException {
      int type = readInt();
      crc.reset();
      crc.update(type >>> 24);
      crc.update(type >>> 16);
      crc.update(type >>> 8);
      crc.update(type);
      return type;
    }

    /** Skips chunk data, adding it to the CRC. */
    private void skip(int n) throws NotPlain, IOException {
      while (n > 0) {
        fill();
        int k = Math.min(n, limit - at);
        crc.update(buffer, at, k);
        at += k;
        n -= k;
      }
    }

    private void checkCrc(int type) throws NotPlain, IOException {
      if (readInt() != (int) crc.getValue()) {
        throw new NotPlain("bad " + name(type) + " CRC");
      }
    }

    @Override
    public void close() {
      inflater.end();
    }
  }
}
