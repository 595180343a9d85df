package io.haloconv.io.tiff;

import io.haloconv.io.Failures;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageReadException.Stage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.hadoop.fs.PositionedReadable;

/**
 * The first image file directory (IFD) of a classic TIFF or a BigTIFF: the facts {@link
 * TiffDecoder} needs to find and decode the tiles or strips ("chunks") of a window, and nothing
 * else. Classic TIFF stores offsets in 4 bytes and entries in 12; BigTIFF (version 43) in 8 and 20,
 * which is all that differs for reading.
 *
 * <p>Chunks are numbered as TIFF numbers them: row-major within a plane, planes one after another
 * when samples are stored planar (PlanarConfiguration 2).
 */
public final class TiffDirectory {
  static final int COMPRESSION_NONE = 1;
  static final int COMPRESSION_LZW = 5;
  static final int COMPRESSION_DEFLATE = 8;
  static final int COMPRESSION_ADOBE_DEFLATE = 32946;
  static final int COMPRESSION_PACKBITS = 32773;
  static final int PREDICTOR_NONE = 1;
  static final int PREDICTOR_HORIZONTAL = 2;

  /**
   * Arrays larger than this are refused: 64 MB of offsets is 8 million tiles, far past any scan.
   */
  private static final long MAX_ARRAY_BYTES = 64L << 20;

  private static final int MAX_ENTRIES = 4096;

  final boolean bigTiff;
  final ByteOrder order;
  final int width;
  final int height;
  final int samplesPerPixel;

  /** Bits of every sample, or -1 when samples differ in size. */
  final int bitsPerSample;

  final int compression;
  final int photometric;

  /** 1 chunky (samples of a pixel together), 2 planar (one plane of chunks per sample). */
  final int planarConfiguration;

  final int predictor;

  /** 1 unsigned integer, 2 signed, 3 float; -1 when samples differ. */
  final int sampleFormat;

  final int fillOrder;
  final boolean tiled;

  /** Columns of one chunk: the tile width, or the image width for strips. */
  final int chunkWidth;

  /** Rows of one chunk: the tile length, or RowsPerStrip (clamped to the height) for strips. */
  final int chunkHeight;

  final long[] offsets;
  final long[] byteCounts;
  final boolean hasColorProfile;
  final boolean hasSubsampling;

  private TiffDirectory(Builder b) {
    bigTiff = b.bigTiff;
    order = b.order;
    width = b.width;
    height = b.height;
    samplesPerPixel = b.samplesPerPixel;
    bitsPerSample = b.bitsPerSample;
    compression = b.compression;
    photometric = b.photometric;
    planarConfiguration = b.planarConfiguration;
    // Only the LZW and Deflate codecs apply a predictor (as in libtiff and the JDK's reader);
    // the tag means nothing to uncompressed or PackBits data.
    predictor =
        b.compression == COMPRESSION_LZW
                || b.compression == COMPRESSION_DEFLATE
                || b.compression == COMPRESSION_ADOBE_DEFLATE
            ? b.predictor
            : PREDICTOR_NONE;
    sampleFormat = b.sampleFormat;
    fillOrder = b.fillOrder;
    tiled = b.tileWidth > 0;
    chunkWidth = tiled ? b.tileWidth : b.width;
    chunkHeight = tiled ? b.tileHeight : (int) Math.min(b.rowsPerStrip, b.height);
    offsets = b.offsets;
    byteCounts = b.byteCounts;
    hasColorProfile = b.hasColorProfile;
    hasSubsampling = b.hasSubsampling;
  }

  /** Chunks per row of chunks. */
  int chunksAcross() {
    return (int) ((width + (long) chunkWidth - 1) / chunkWidth);
  }

  /** Rows of chunks. */
  int chunksDown() {
    return (int) ((height + (long) chunkHeight - 1) / chunkHeight);
  }

  /** Planes of chunks: the sample count when planar, else 1. */
  int planes() {
    return planarConfiguration == 2 ? samplesPerPixel : 1;
  }

  /** Samples per pixel inside one chunk. */
  int samplesPerChunkPixel() {
    return planarConfiguration == 2 ? 1 : samplesPerPixel;
  }

  int bytesPerSample() {
    return bitsPerSample / 8;
  }

  /** The TIFF index of the chunk of {@code plane} at chunk row {@code row}, column {@code col}. */
  int chunkIndex(int plane, int row, int col) {
    return (plane * chunksDown() + row) * chunksAcross() + col;
  }

  /**
   * Rows a chunk holds: tiles always hold {@link #chunkHeight} (padded at the bottom edge), the
   * last strip only the rows left.
   */
  int rowsIn(int chunkRow) {
    return tiled ? chunkHeight : Math.min(chunkHeight, height - chunkRow * chunkHeight);
  }

  /** Bytes of one decoded row of a chunk. */
  int chunkRowBytes() {
    return chunkWidth * samplesPerChunkPixel() * bytesPerSample();
  }

  /**
   * Why {@link TiffDecoder} cannot read this image, or null when it can: 8- or 16-bit unsigned
   * samples, gray or RGB without an ICC profile or subsampling, compression none, LZW, Deflate or
   * PackBits, no predictor or the horizontal one. Other TIFFs go to ImageIO's readers.
   */
  String unsupported() {
    if (bitsPerSample != 8 && bitsPerSample != 16) {
      return "bits per sample " + bitsPerSample;
    }
    if (sampleFormat != 1) {
      return "sample format " + sampleFormat;
    }
    if (photometric != 1 && !(photometric == 2 && samplesPerPixel >= 3)) {
      return "photometric interpretation " + photometric + " with " + samplesPerPixel + " samples";
    }
    if (compression != COMPRESSION_NONE
        && compression != COMPRESSION_LZW
        && compression != COMPRESSION_DEFLATE
        && compression != COMPRESSION_ADOBE_DEFLATE
        && compression != COMPRESSION_PACKBITS) {
      return "compression " + compression;
    }
    if (predictor != PREDICTOR_NONE && predictor != PREDICTOR_HORIZONTAL) {
      return "predictor " + predictor;
    }
    if (fillOrder != 1) {
      return "fill order " + fillOrder;
    }
    if (planarConfiguration != 1 && planarConfiguration != 2) {
      return "planar configuration " + planarConfiguration;
    }
    if (hasColorProfile || hasSubsampling) {
      return hasColorProfile ? "an ICC colour profile" : "chroma subsampling";
    }
    long chunkBytes = (long) chunkRowBytes() * chunkHeight;
    if (chunkBytes > Integer.MAX_VALUE - 8) {
      return "chunks of " + chunkBytes + " bytes";
    }
    return null;
  }

  /** Reads the first IFD of a file of {@code length} bytes. */
  public static TiffDirectory read(PositionedReadable in, long length) throws ImageReadException {
    try {
      return parse(in, length);
    } catch (EOFException e) {
      throw new ImageReadException(
          Stage.PROBE, "truncated TIFF: the file ends inside its header", e);
    } catch (IOException e) {
      throw new ImageReadException(
          Stage.PROBE, "cannot read TIFF header: " + Failures.chainMessages(e), e);
    }
  }

  private static TiffDirectory parse(PositionedReadable in, long length) throws IOException {
    if (length < 8) {
      throw new ImageReadException(Stage.PROBE, "truncated TIFF: " + length + " bytes");
    }
    byte[] head = new byte[16];
    int headLength = (int) Math.min(16, length);
    in.readFully(0, head, 0, headLength);
    ByteOrder order;
    if (head[0] == 'I' && head[1] == 'I') {
      order = ByteOrder.LITTLE_ENDIAN;
    } else if (head[0] == 'M' && head[1] == 'M') {
      order = ByteOrder.BIG_ENDIAN;
    } else {
      throw new ImageReadException(Stage.PROBE, "not a TIFF: bad byte order mark");
    }
    ByteBuffer header = ByteBuffer.wrap(head, 0, headLength).order(order);
    int version = header.getShort(2) & 0xffff;
    Builder b = new Builder();
    b.order = order;
    long ifd;
    if (version == 42) {
      ifd = header.getInt(4) & 0xffffffffL;
    } else if (version == 43) {
      if (headLength < 16 || header.getShort(4) != 8 || header.getShort(6) != 0) {
        throw new ImageReadException(Stage.PROBE, "malformed BigTIFF header");
      }
      b.bigTiff = true;
      ifd = header.getLong(8);
    } else {
      throw new ImageReadException(Stage.PROBE, "not a TIFF: version " + version);
    }
    int countSize = b.bigTiff ? 8 : 2;
    int entrySize = b.bigTiff ? 20 : 12;
    if (ifd < 8 || ifd + countSize > length) {
      throw new ImageReadException(
          Stage.PROBE,
          "malformed TIFF: first directory at "
              + ifd
              + " lies outside the "
              + length
              + "-byte file");
    }
    byte[] countBytes = new byte[countSize];
    in.readFully(ifd, countBytes, 0, countSize);
    ByteBuffer countBuffer = ByteBuffer.wrap(countBytes).order(order);
    long entries = b.bigTiff ? countBuffer.getLong(0) : countBuffer.getShort(0) & 0xffff;
    if (entries < 1 || entries > MAX_ENTRIES || ifd + countSize + entries * entrySize > length) {
      throw new ImageReadException(
          Stage.PROBE, "malformed TIFF: directory of " + entries + " entries at " + ifd);
    }
    byte[] table = new byte[(int) entries * entrySize];
    in.readFully(ifd + countSize, table, 0, table.length);
    ByteBuffer t = ByteBuffer.wrap(table).order(order);
    for (int i = 0; i < entries; i++) {
      int base = i * entrySize;
      int tag = t.getShort(base) & 0xffff;
      int type = t.getShort(base + 2) & 0xffff;
      long count = b.bigTiff ? t.getLong(base + 4) : t.getInt(base + 4) & 0xffffffffL;
      int valueAt = base + (b.bigTiff ? 12 : 8);
      b.entry(in, length, t, tag, type, count, valueAt);
    }
    return b.build();
  }

  private static final class Builder {
    boolean bigTiff;
    ByteOrder order;
    int width = -1;
    int height = -1;
    int samplesPerPixel = 1;
    long[] bits = {1};
    int compression = COMPRESSION_NONE;
    int photometric = -1;
    int planarConfiguration = 1;
    int predictor = PREDICTOR_NONE;
    long[] sampleFormats = {1};
    int fillOrder = 1;
    long rowsPerStrip = Long.MAX_VALUE;
    int tileWidth = -1;
    int tileHeight = -1;
    long[] offsets;
    long[] byteCounts;
    boolean hasColorProfile;
    boolean hasSubsampling;
    int bitsPerSample;
    int sampleFormat;

    void entry(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int type,
        long count,
        int valueAt)
        throws IOException {
      switch (tag) {
        case 256 -> width = (int) single(in, length, table, tag, type, count, valueAt);
        case 257 -> height = (int) single(in, length, table, tag, type, count, valueAt);
        case 258 -> bits = values(in, length, table, tag, type, count, valueAt);
        case 259 -> compression = (int) single(in, length, table, tag, type, count, valueAt);
        case 262 -> photometric = (int) single(in, length, table, tag, type, count, valueAt);
        case 266 -> fillOrder = (int) single(in, length, table, tag, type, count, valueAt);
        case 273, 324 -> offsets = values(in, length, table, tag, type, count, valueAt);
        case 277 -> samplesPerPixel = (int) single(in, length, table, tag, type, count, valueAt);
        case 278 -> rowsPerStrip = single(in, length, table, tag, type, count, valueAt);
        case 279, 325 -> byteCounts = values(in, length, table, tag, type, count, valueAt);
        case 284 ->
            planarConfiguration = (int) single(in, length, table, tag, type, count, valueAt);
        case 317 -> predictor = (int) single(in, length, table, tag, type, count, valueAt);
        case 322 -> tileWidth = (int) single(in, length, table, tag, type, count, valueAt);
        case 323 -> tileHeight = (int) single(in, length, table, tag, type, count, valueAt);
        case 339 -> sampleFormats = values(in, length, table, tag, type, count, valueAt);
        case 530 -> hasSubsampling = true;
        case 34675 -> hasColorProfile = true;
        default -> {} // tags that do not change how pixels are found or decoded
      }
    }

    TiffDirectory build() throws ImageReadException {
      if (width < 1 || height < 1) {
        throw new ImageReadException(
            Stage.PROBE, "malformed TIFF: image size " + width + "x" + height);
      }
      if (samplesPerPixel < 1 || samplesPerPixel > 1024) {
        throw new ImageReadException(
            Stage.PROBE, "malformed TIFF: " + samplesPerPixel + " samples per pixel");
      }
      bitsPerSample = uniform(bits, samplesPerPixel);
      sampleFormat = uniform(sampleFormats, samplesPerPixel);
      if (rowsPerStrip < 1) {
        rowsPerStrip = height;
      }
      if ((tileWidth > 0) != (tileHeight > 0)) {
        throw new ImageReadException(Stage.PROBE, "malformed TIFF: tile width without length");
      }
      if (offsets == null || byteCounts == null || offsets.length != byteCounts.length) {
        throw new ImageReadException(
            Stage.PROBE,
            "malformed TIFF: "
                + (offsets == null
                    ? "no strip or tile offsets"
                    : byteCounts == null
                        ? "no strip or tile byte counts"
                        : offsets.length + " offsets but " + byteCounts.length + " byte counts"));
      }
      TiffDirectory dir = new TiffDirectory(this);
      long expected = (long) dir.chunksAcross() * dir.chunksDown() * dir.planes();
      if (offsets.length != expected) {
        throw new ImageReadException(
            Stage.PROBE,
            "malformed TIFF: "
                + offsets.length
                + " strips or tiles, its size and layout need "
                + expected);
      }
      return dir;
    }

    /** The common value of the first {@code samples} entries, or -1 when they differ. */
    private static int uniform(long[] values, int samples) {
      long first = values[0];
      for (int i = 1; i < Math.min(values.length, samples); i++) {
        if (values[i] != first) {
          return -1;
        }
      }
      return (int) first;
    }

    private long single(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int type,
        long count,
        int valueAt)
        throws IOException {
      if (count < 1) {
        throw new ImageReadException(Stage.PROBE, "malformed TIFF: tag " + tag + " has no value");
      }
      return values(in, length, table, tag, type, 1, valueAt)[0];
    }

    /** The integer values of an entry: inline when they fit the value field, else at its offset. */
    private long[] values(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int type,
        long count,
        int valueAt)
        throws IOException {
      int size =
          switch (type) {
            case 1, 6, 7 -> 1; // BYTE, SBYTE, UNDEFINED
            case 3, 8 -> 2; // SHORT, SSHORT
            case 4, 9, 13 -> 4; // LONG, SLONG, IFD
            case 16, 17, 18 -> 8; // LONG8, SLONG8, IFD8
            default ->
                throw new ImageReadException(
                    Stage.PROBE, "malformed TIFF: tag " + tag + " has non-integer type " + type);
          };
      long bytes = count * size;
      if (count < 1 || bytes > MAX_ARRAY_BYTES) {
        throw new ImageReadException(
            Stage.PROBE, "malformed TIFF: tag " + tag + " has " + count + " values");
      }
      int inline = bigTiff ? 8 : 4;
      ByteBuffer data;
      if (bytes <= inline) {
        data = table.duplicate().order(order).position(valueAt).slice().order(order);
      } else {
        long offset = bigTiff ? table.getLong(valueAt) : table.getInt(valueAt) & 0xffffffffL;
        if (offset < 0 || offset + bytes > length) {
          throw new ImageReadException(
              Stage.PROBE,
              "truncated TIFF: the values of tag "
                  + tag
                  + " lie outside the "
                  + length
                  + "-byte file");
        }
        byte[] raw = new byte[(int) bytes];
        in.readFully(offset, raw, 0, raw.length);
        data = ByteBuffer.wrap(raw).order(order);
      }
      long[] values = new long[(int) count];
      for (int i = 0; i < values.length; i++) {
        values[i] =
            switch (size) {
              case 1 -> data.get(i) & 0xffL;
              case 2 -> data.getShort(2 * i) & 0xffffL;
              case 4 -> data.getInt(4 * i) & 0xffffffffL;
              default -> data.getLong(8 * i);
            };
      }
      return values;
    }
  }
}
