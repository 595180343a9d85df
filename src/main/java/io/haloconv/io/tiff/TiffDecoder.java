package io.haloconv.io.tiff;

import io.haloconv.io.ErrorKind;
import io.haloconv.io.Failures;
import io.haloconv.io.Georeference;
import io.haloconv.io.ImageFormat;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.io.PixelConverter;
import io.haloconv.io.PixelLayout;
import io.haloconv.io.RegionDecoder;
import io.haloconv.io.RowSource;
import io.haloconv.io.SampleFormat;
import io.haloconv.tensor.Tensor3;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads windows of classic TIFFs and BigTIFFs by their tiles or strips ("chunks"), touching only
 * the bytes of the chunks a window overlaps: unsigned, signed and floating-point samples, chunky or
 * planar, uncompressed, LZW, Deflate, PackBits, ZSTD, JPEG or WebP, with the horizontal or the
 * floating-point predictor or none (what {@link TiffDirectory#unsupported()} accepts; other TIFFs
 * go to ImageIO's readers), at any pyramid level ({@link TiffLevels}).
 *
 * <ul>
 *   <li>Uncompressed chunks are read row range by row range: a window reads only its own rows.
 *   <li>Compressed chunks are decoded whole and kept in a small least-recently-used cache, so the
 *       tiles of one task, visited in row-major order, decode each chunk about once: a tile row
 *       shares its strips, and the next tile row its halo chunks.
 *   <li>{@link #rows()} streams the image top to bottom a band at a time, for a single huge
 *       compressed strip that no window can enter without decoding everything above it.
 * </ul>
 *
 * <p>Values are the samples as stored, in band order: what ImageIO plus {@link PixelConverter} give
 * for the gray, gray-alpha, RGB, RGBA and extra-sample layouts this reader accepts.
 */
public final class TiffDecoder implements RegionDecoder {
  /** Cache budget for decoded chunks: a band of strips across a 32768-pixel-wide RGB image. */
  static final long DEFAULT_CACHE_BYTES = 64L << 20;

  private final FSDataInputStream in;
  private final TiffDirectory dir;
  private final long cacheBytes;
  private final Map<Integer, Object> cache = new LinkedHashMap<>(16, 0.75f, true);
  private long cached;
  private long chunksDecoded;

  private TiffDecoder(FSDataInputStream in, TiffDirectory dir, long cacheBytes) {
    this.in = in;
    this.dir = dir;
    this.cacheBytes = cacheBytes;
  }

  /**
   * Opens {@code info}'s file, or returns null when this reader does not handle it (the caller
   * falls back to ImageIO).
   */
  public static TiffDecoder open(FileSystem fs, ImageInfo info) throws ImageReadException {
    return open(fs, info, defaultCacheBytes());
  }

  public static TiffDecoder open(FileSystem fs, ImageInfo info, long cacheBytes)
      throws ImageReadException {
    return open(fs, new Path(info.path()), info.fileSize(), info, cacheBytes);
  }

  /**
   * Opens a TIFF this job wrote itself (a {@link ScratchTiff}), whose samples hold the raw values
   * of {@code info}'s image whatever that image's own bit depth.
   */
  public static TiffDecoder openScratch(FileSystem fs, Path path, long length)
      throws ImageReadException {
    return open(fs, path, length, null, defaultCacheBytes());
  }

  private static TiffDecoder open(
      FileSystem fs, Path path, long length, ImageInfo info, long cacheBytes)
      throws ImageReadException {
    FSDataInputStream in = ImageProbe.open(fs, path, Stage.DECODE);
    try {
      TiffDirectory dir;
      try {
        dir = TiffDirectory.read(in, length, info == null ? 0 : info.directory());
      } catch (ImageReadException e) {
        throw new ImageReadException(Stage.DECODE, e.getMessage(), e);
      }
      String refusal = refusal(dir);
      if (refusal != null) {
        throw new ImageReadException(Stage.DECODE, ErrorKind.UNSUPPORTED, refusal);
      }
      if (info == null ? dir.unsupported() != null : !handles(dir, info)) {
        ImageProbe.closeQuietly(in);
        if (info == null) {
          throw new ImageReadException(
              Stage.DECODE,
              "scratch raster "
                  + path
                  + " is not a TIFF"
                  + " this reader decodes: "
                  + dir.unsupported());
        }
        return null;
      }
      return new TiffDecoder(in, dir, cacheBytes);
    } catch (ImageReadException | RuntimeException e) {
      ImageProbe.closeQuietly(in);
      throw e;
    }
  }

  /**
   * Why no reader here decodes {@code dir}, or null when one may: old-style JPEG (compression 6,
   * which the JDK's reader guesses at) and predictors TIFF does not define are refused outright
   * rather than handed to ImageIO.
   */
  static String refusal(TiffDirectory dir) {
    if (dir.compression == TiffDirectory.COMPRESSION_OLD_JPEG) {
      return "unsupported TIFF compression 6 (old-style JPEG): convert it, e.g. with"
          + " gdal_translate -co COMPRESS=JPEG";
    }
    boolean predicting =
        dir.compression == TiffDirectory.COMPRESSION_LZW
            || dir.compression == TiffDirectory.COMPRESSION_DEFLATE
            || dir.compression == TiffDirectory.COMPRESSION_ADOBE_DEFLATE
            || dir.compression == TiffDirectory.COMPRESSION_ZSTD;
    if (predicting
        && dir.predictor != TiffDirectory.PREDICTOR_NONE
        && dir.predictor != TiffDirectory.PREDICTOR_HORIZONTAL
        && dir.predictor != TiffDirectory.PREDICTOR_FLOATING_POINT) {
      return "unsupported TIFF predictor " + dir.predictor;
    }
    return null;
  }

  /** A thirty-second of the heap, at most {@link #DEFAULT_CACHE_BYTES}: each task has one. */
  static long defaultCacheBytes() {
    return Math.min(DEFAULT_CACHE_BYTES, Runtime.getRuntime().maxMemory() / 32);
  }

  /** True when this reader decodes {@code dir} to the values the probe promised in {@code info}. */
  public static boolean handles(TiffDirectory dir, ImageInfo info) {
    return dir.unsupported() == null
        && dir.width == info.width()
        && dir.height == info.height()
        && dir.samplesPerPixel == info.channels()
        && dir.bitsPerSample == info.bitDepth()
        && info.sampleFormat() == sampleFormat(dir)
        && info.layout() != PixelLayout.BINARY
        && info.layout() != PixelLayout.TENSOR;
  }

  /** The TIFF SampleFormat tag as haloconv's {@link SampleFormat}. */
  static SampleFormat sampleFormat(TiffDirectory dir) {
    return switch (dir.sampleFormat) {
      case 2 -> SampleFormat.SIGNED_INTEGER;
      case 3 -> SampleFormat.FLOAT;
      default -> SampleFormat.UNSIGNED_INTEGER;
    };
  }

  /**
   * What the probe reports for a directory this reader decodes, read from its own tags: for levels
   * above 0 and for the encodings ImageIO's TIFF readers do not decode (ZSTD, WebP, signed and
   * float samples, JPEG by Photometric), so their probe does not depend on ImageIO's.
   *
   * @return null when this reader does not decode {@code dir}
   */
  public static ImageInfo describe(
      TiffDirectory dir, String path, long fileSize, int level, Georeference georeference) {
    if (dir.unsupported() != null) {
      return null;
    }
    int spp = dir.samplesPerPixel;
    boolean alpha =
        dir.extraSamples.length > 0 && (dir.extraSamples[0] == 1 || dir.extraSamples[0] == 2);
    boolean colour = dir.photometric == 2 || dir.photometric == TiffDirectory.PHOTOMETRIC_YCBCR;
    PixelLayout layout;
    if (colour) {
      layout =
          spp == 3 ? PixelLayout.RGB : spp == 4 && alpha ? PixelLayout.RGBA : PixelLayout.MULTIBAND;
    } else {
      layout =
          spp == 1
              ? PixelLayout.GRAY
              : spp == 2 && alpha ? PixelLayout.GRAY_ALPHA : PixelLayout.MULTIBAND;
    }
    int[] block = readableBlock(dir);
    return new ImageInfo(
        path,
        ImageFormat.TIFF,
        dir.width,
        dir.height,
        spp,
        dir.bitsPerSample,
        layout,
        sampleFormat(dir),
        block[0],
        block[1],
        fileSize,
        streams(dir, level),
        level,
        level == 0 ? 0 : dir.position,
        georeference);
  }

  /**
   * The smallest block a window can be read by, as {@link ImageInfo} records it: a tile, a
   * compressed strip, or one row of uncompressed strips.
   */
  public static int[] readableBlock(TiffDirectory dir) {
    if (dir.tiled) {
      return new int[] {Math.min(dir.chunkWidth, dir.width), Math.min(dir.chunkHeight, dir.height)};
    }
    return new int[] {
      dir.width, dir.compression == TiffDirectory.COMPRESSION_NONE ? 1 : dir.chunkHeight
    };
  }

  /** True for tiled TIFFs, false for strips. */
  boolean tiled() {
    return dir.tiled;
  }

  /**
   * Whether this reader can stream level {@code level} of {@code dir} top to bottom into a scratch
   * raster ({@link #rows}): strips of the first level do, tiles do not (ImageInfo's {@code
   * streamable}). The one rule for both probe paths.
   */
  public static boolean streams(TiffDirectory dir, int level) {
    return !dir.tiled && level == 0;
  }

  /** Chunks decoded so far (cache misses), which tests use to check reuse. */
  long chunksDecoded() {
    return chunksDecoded;
  }

  @Override
  public Tensor3 read(int y0, int x0, int height, int width) throws ImageReadException {
    try {
      return readWindow(y0, x0, height, width);
    } catch (ImageReadException e) {
      throw e;
    } catch (TiffImageCodecs.CorruptChunk e) {
      throw new ImageReadException(Stage.DECODE, e.getMessage(), e);
    } catch (EOFException e) {
      throw new ImageReadException(
          Stage.DECODE, "truncated TIFF: a strip or tile lies past the end of the file", e);
    } catch (IOException e) {
      throw new ImageReadException(
          Stage.DECODE, "cannot decode TIFF: " + Failures.chainMessages(e), e);
    } catch (OutOfMemoryError e) {
      // A compressed chunk is decoded whole: a huge strip may not fit the task's heap.
      cache.clear();
      cached = 0;
      throw Failures.outOfMemory(Stage.DECODE, ImageFormat.TIFF, e);
    }
  }

  private Tensor3 readWindow(int y0, int x0, int height, int width) throws IOException {
    int channels = dir.samplesPerPixel;
    Tensor3 out = Tensor3.zeros(channels, height, width);
    int cw = dir.chunkWidth;
    int ch = dir.chunkHeight;
    int firstRow = y0 / ch;
    int lastRow = (y0 + height - 1) / ch;
    int firstCol = x0 / cw;
    int lastCol = (x0 + width - 1) / cw;
    for (int row = firstRow; row <= lastRow; row++) {
      // Rows of this chunk row the window needs, in chunk coordinates.
      int r0 = Math.max(y0, row * ch) - row * ch;
      int r1 = Math.min(y0 + height, row * ch + dir.rowsIn(row)) - row * ch;
      for (int col = firstCol; col <= lastCol; col++) {
        int c0 = Math.max(x0, col * cw) - col * cw;
        int c1 = Math.min(x0 + width, col * cw + cw) - col * cw;
        c1 = Math.min(c1, dir.width - col * cw);
        for (int plane = 0; plane < dir.planes(); plane++) {
          Rows rows = rows(plane, row, col, r0, r1);
          copy(rows, plane, r0, r1, c0, c1, out, row * ch - y0, col * cw - x0);
        }
      }
    }
    return out;
  }

  /** Decoded rows [r0, r1) (at least) of one chunk. */
  private record Rows(Object samples, int firstRow) {}

  private Rows rows(int plane, int row, int col, int r0, int r1) throws IOException {
    int index = dir.chunkIndex(plane, row, col);
    if (dir.compression == TiffDirectory.COMPRESSION_NONE) {
      int rowBytes = dir.chunkRowBytes();
      byte[] bytes = new byte[(r1 - r0) * rowBytes];
      long available = Math.max(0, dir.byteCounts[index] - (long) r0 * rowBytes);
      in.readFully(
          dir.offsets[index] + (long) r0 * rowBytes,
          bytes,
          0,
          (int) Math.min(bytes.length, available));
      return new Rows(samples(bytes, r1 - r0), r0);
    }
    Object samples = cache.get(index);
    if (samples == null) {
      samples = decodeChunk(index, dir.rowsIn(row));
      chunksDecoded++;
      long size = sizeOf(samples);
      cache.put(index, samples);
      cached += size;
      // Keep the newest chunk even over budget: it is the one being read.
      var it = cache.entrySet().iterator();
      while (cached > cacheBytes && cache.size() > 1) {
        Map.Entry<Integer, Object> eldest = it.next();
        cached -= sizeOf(eldest.getValue());
        it.remove();
      }
    }
    return new Rows(samples, 0);
  }

  private Object decodeChunk(int index, int rows) throws IOException {
    long count = dir.byteCounts[index];
    long offset = dir.offsets[index];
    String chunk = (dir.tiled ? "tile " : "strip ") + index;
    if (count > Integer.MAX_VALUE - 8 || count < 0) {
      throw new IOException("a strip or tile of " + count + " bytes");
    }
    if (offset < 0 || offset + count > dir.fileLength) {
      throw new ImageReadException(
          Stage.DECODE,
          ErrorKind.TRUNCATED,
          "truncated TIFF: "
              + chunk
              + " (bytes "
              + offset
              + " to "
              + (offset + count)
              + ") lies past the end of the "
              + dir.fileLength
              + "-byte file");
    }
    byte[] compressed = new byte[(int) count];
    in.readFully(offset, compressed, 0, compressed.length);
    byte[] bytes;
    if (dir.compression == TiffDirectory.COMPRESSION_JPEG) {
      bytes = TiffImageCodecs.jpeg(dir, chunk, compressed, rows);
    } else if (dir.compression == TiffDirectory.COMPRESSION_WEBP) {
      bytes = TiffImageCodecs.webp(dir, chunk, compressed, rows);
    } else {
      bytes = new byte[rows * dir.chunkRowBytes()];
      TiffCodecs.decode(dir.compression, compressed, compressed.length, bytes, bytes.length);
    }
    return samples(bytes, rows);
  }

  /**
   * Stored bytes of {@code rows} chunk rows → samples, predictor undone: byte[] or short[] for 8-
   * and 16-bit unsigned samples (compact in the cache), float[] for the others.
   */
  private Object samples(byte[] bytes, int rows) {
    if (dir.sampleFormat != 1 || dir.bitsPerSample > 16) {
      return floats(bytes, rows);
    }
    return unsigned(bytes, rows);
  }

  /**
   * Signed, 32-bit and floating-point samples as floats. The horizontal predictor adds each sample
   * to its left neighbour's in the sample's own width, wrapping (libtiff's horAcc8/16/32, which
   * GDAL also applies to float bits). The floating-point predictor (Adobe's TIFF Technote 3) stores
   * each row as its samples' bytes split into planes, most significant first, then byte-wise
   * differences across the row with a stride of the samples per pixel: undone in that order, as
   * libtiff's fpAcc.
   */
  private float[] floats(byte[] bytes, int rows) {
    int spp = dir.samplesPerChunkPixel();
    int rowSamples = dir.chunkWidth * spp;
    int size = dir.bytesPerSample();
    int bits = dir.bitsPerSample;
    long mask = bits == 64 ? -1L : (1L << bits) - 1;
    float[] out = new float[rows * rowSamples];
    long[] row = new long[rowSamples];
    boolean little = dir.order == ByteOrder.LITTLE_ENDIAN;
    for (int r = 0; r < rows; r++) {
      int base = r * rowSamples * size;
      if (dir.predictor == TiffDirectory.PREDICTOR_FLOATING_POINT) {
        Predictors.undoByteDifferences(bytes, base, rowSamples * size, spp);
        if (dir.sampleFormat == 3 && bits == 32) {
          // the common case (float32 COGs): straight from the byte planes to the floats
          Predictors.floats32(bytes, base, rowSamples, out, r * rowSamples);
          continue;
        }
        for (int i = 0; i < rowSamples; i++) {
          long value = 0;
          for (int b = 0; b < size; b++) {
            value = value << 8 | (bytes[base + b * rowSamples + i] & 0xffL);
          }
          row[i] = value;
        }
      } else {
        for (int i = 0, at = base; i < rowSamples; i++, at += size) {
          long value = 0;
          for (int b = 0; b < size; b++) {
            int shift = little ? 8 * b : 8 * (size - 1 - b);
            value |= (bytes[at + b] & 0xffL) << shift;
          }
          row[i] = value;
        }
        if (dir.predictor == TiffDirectory.PREDICTOR_HORIZONTAL) {
          for (int i = spp; i < rowSamples; i++) {
            row[i] = (row[i] + row[i - spp]) & mask;
          }
        }
      }
      int at = r * rowSamples;
      switch (dir.sampleFormat) {
        case 2 -> {
          int unused = 64 - bits;
          for (int i = 0; i < rowSamples; i++) {
            out[at + i] = (float) (row[i] << unused >> unused);
          }
        }
        case 3 -> {
          for (int i = 0; i < rowSamples; i++) {
            out[at + i] =
                switch (bits) {
                  case 16 -> halfToFloat((int) row[i]);
                  case 32 -> Float.intBitsToFloat((int) row[i]);
                  default -> (float) Double.longBitsToDouble(row[i]);
                };
          }
        }
        default -> {
          for (int i = 0; i < rowSamples; i++) {
            out[at + i] = (float) row[i];
          }
        }
      }
    }
    return out;
  }

  /** IEEE 754 binary16 → float32, exactly (Float.float16ToFloat arrives in Java 20). */
  static float halfToFloat(int half) {
    int sign = (half & 0x8000) << 16;
    int exponent = (half >>> 10) & 0x1f;
    int mantissa = half & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | mantissa << 13);
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      float value = mantissa * 0x1p-24f; // subnormal: mantissa · 2^-24, exact in float32
      return sign == 0 ? value : -value;
    }
    return Float.intBitsToFloat(sign | (exponent + 112) << 23 | mantissa << 13);
  }

  /** Stored bytes of {@code rows} chunk rows → samples (byte[] or short[]), predictor undone. */
  private Object unsigned(byte[] bytes, int rows) {
    int spp = dir.samplesPerChunkPixel();
    int rowSamples = dir.chunkWidth * spp;
    if (dir.bitsPerSample == 8) {
      if (dir.predictor == TiffDirectory.PREDICTOR_HORIZONTAL) {
        for (int r = 0; r < rows; r++) {
          // the same byte-wise prefix sum as the floating-point predictor's
          Predictors.undoByteDifferences(bytes, r * rowSamples, rowSamples, spp);
        }
      }
      return bytes;
    }
    short[] values = new short[rows * rowSamples];
    boolean little = dir.order == ByteOrder.LITTLE_ENDIAN;
    for (int i = 0, b = 0; i < values.length; i++, b += 2) {
      values[i] =
          little
              ? (short) ((bytes[b] & 0xff) | bytes[b + 1] << 8)
              : (short) ((bytes[b] & 0xff) << 8 | (bytes[b + 1] & 0xff));
    }
    if (dir.predictor == TiffDirectory.PREDICTOR_HORIZONTAL) {
      for (int r = 0; r < rows; r++) {
        int base = r * rowSamples;
        for (int i = base + spp; i < base + rowSamples; i++) {
          values[i] += values[i - spp];
        }
      }
    }
    return values;
  }

  private static long sizeOf(Object samples) {
    if (samples instanceof byte[] b) {
      return b.length;
    }
    return samples instanceof short[] s ? 2L * s.length : 4L * ((float[]) samples).length;
  }

  /**
   * Copies chunk rows [r0, r1) and columns [c0, c1) into {@code out}, whose pixel (0, 0) is chunk
   * pixel ({@code -dy}, {@code -dx}).
   */
  private void copy(
      Rows rows, int plane, int r0, int r1, int c0, int c1, Tensor3 out, int dy, int dx) {
    int spp = dir.samplesPerChunkPixel();
    int rowSamples = dir.chunkWidth * spp;
    int outHeight = out.height();
    int outWidth = out.width();
    float[] dst = out.data();
    int firstChannel = dir.planes() == 1 ? 0 : plane;
    for (int s = 0; s < spp; s++) {
      int channel = firstChannel + s;
      for (int r = r0; r < r1; r++) {
        int src = (r - rows.firstRow) * rowSamples + c0 * spp + s;
        int at = (channel * outHeight + r + dy) * outWidth + c0 + dx;
        int n = c1 - c0;
        if (rows.samples instanceof byte[] bytes) {
          for (int i = 0; i < n; i++, src += spp) {
            dst[at + i] = bytes[src] & 0xff;
          }
        } else if (rows.samples instanceof float[] floats) {
          for (int i = 0; i < n; i++, src += spp) {
            dst[at + i] = floats[src];
          }
        } else {
          short[] shorts = (short[]) rows.samples;
          for (int i = 0; i < n; i++, src += spp) {
            dst[at + i] = shorts[src] & 0xffff;
          }
        }
      }
    }
  }

  /**
   * Streams the whole image top to bottom: each call of {@link RowSource#next} returns the next
   * band of at most {@code maxRows} full-width rows. Decoding is linear in the image: every strip
   * is decoded once, in order, through streaming decompressors, however large it is. For strip
   * images only (tiled ones read windows directly).
   */
  RowSource rows() {
    if (dir.tiled) {
      throw new IllegalStateException("tiled TIFFs are read by window, not streamed");
    }
    return new StripRows();
  }

  private final class StripRows implements RowSource {
    private int y;
    private int strip = -1;
    private InputStream[] planes;

    @Override
    public Tensor3 next(int maxRows) throws ImageReadException {
      if (y >= dir.height) {
        return null;
      }
      try {
        if (dir.compression == TiffDirectory.COMPRESSION_JPEG
            || dir.compression == TiffDirectory.COMPRESSION_WEBP) {
          // A JPEG or WebP strip is one image: decoded whole (and cached), then handed out in
          // bands.
          int rows = Math.min(maxRows, dir.height - y);
          rows = Math.min(rows, (y / dir.chunkHeight + 1) * dir.chunkHeight - y);
          Tensor3 band = read(y, 0, rows, dir.width);
          y += rows;
          return band;
        }
        int row = y / dir.chunkHeight;
        if (row != strip) {
          closePlanes();
          planes = new InputStream[dir.planes()];
          for (int p = 0; p < planes.length; p++) {
            int index = dir.chunkIndex(p, row, 0);
            planes[p] =
                TiffCodecs.decoding(
                    dir.compression,
                    new RangeInputStream(in, dir.offsets[index], dir.byteCounts[index]));
          }
          strip = row;
        }
        int rows = Math.min(maxRows, (row + 1) * dir.chunkHeight - y);
        rows = Math.min(rows, dir.height - y);
        Tensor3 out = Tensor3.zeros(dir.samplesPerPixel, rows, dir.width);
        int rowBytes = dir.chunkRowBytes();
        for (int p = 0; p < planes.length; p++) {
          byte[] bytes = new byte[rows * rowBytes];
          planes[p].readNBytes(bytes, 0, bytes.length); // short data leaves zeros, as in chunks
          copy(new Rows(samples(bytes, rows), 0), p, 0, rows, 0, dir.width, out, 0, 0);
        }
        y += rows;
        return out;
      } catch (IOException e) {
        throw new ImageReadException(
            Stage.DECODE, "cannot decode TIFF: " + Failures.chainMessages(e), e);
      } catch (OutOfMemoryError e) {
        throw Failures.outOfMemory(Stage.DECODE, ImageFormat.TIFF, e);
      }
    }

    private void closePlanes() {
      if (planes != null) {
        for (InputStream p : planes) {
          ImageProbe.closeQuietly(p);
        }
        planes = null;
      }
    }

    @Override
    public void close() {
      closePlanes();
    }
  }

  @Override
  public void close() {
    cache.clear();
    ImageProbe.closeQuietly(in);
  }

  /** Bytes [offset, offset + length) of a file, read by positioned reads in 64 KB pieces. */
  static final class RangeInputStream extends InputStream {
    private final FSDataInputStream in;
    private long position;
    private final long end;

    RangeInputStream(FSDataInputStream in, long offset, long length) {
      this.in = in;
      this.position = offset;
      this.end = offset + length;
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      if (position >= end) {
        return -1;
      }
      int n = (int) Math.min(Math.min(length, 1 << 16), end - position);
      in.readFully(position, bytes, offset, n);
      position += n;
      return n;
    }

    @Override
    public void close() {
      // the file stays open for the decoder's other reads
    }
  }
}
