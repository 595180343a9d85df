package io.haloconv.io.tiff;

import io.haloconv.io.Failures;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageReadException.Stage;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import org.apache.hadoop.fs.PositionedReadable;

/**
 * One image file directory (IFD) of a classic TIFF or a BigTIFF: the facts {@link TiffDecoder}
 * needs to find and decode the tiles or strips ("chunks") of a window, what {@link TiffLevels}
 * needs to tell pyramid levels from other pages, and the georeferencing tags {@link GeoTiff} reads.
 * Classic TIFF stores offsets in 4 bytes and entries in 12; BigTIFF (version 43) in 8 and 20, which
 * is all that differs for reading.
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
  static final int COMPRESSION_OLD_JPEG = 6;
  static final int COMPRESSION_JPEG = 7;
  static final int COMPRESSION_ZSTD = 50000;
  static final int COMPRESSION_WEBP = 50001;
  static final int PREDICTOR_NONE = 1;
  static final int PREDICTOR_HORIZONTAL = 2;
  static final int PREDICTOR_FLOATING_POINT = 3;
  static final int PHOTOMETRIC_YCBCR = 6;

  /** Longest ImageDescription or GDAL_NODATA text kept: SVS descriptions run to a few hundred. */
  private static final int MAX_TEXT_BYTES = 1 << 16;

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

  /** Where this directory starts in the file, and the file's length. */
  final long position;

  final long fileLength;

  /** NewSubfileType: bit 0 reduced resolution, bit 2 transparency mask; 0 for a full image. */
  final long newSubfileType;

  /** ImageDescription, or null. */
  final String description;

  /** The SubIFDs tag (OME-TIFF, vips: the pyramid's reduced levels), empty when absent. */
  final long[] subDirectories;

  /** The next directory of the main chain, 0 at the end. */
  final long next;

  /** JPEGTables: the quantisation and Huffman tables every JPEG chunk shares, or null. */
  final byte[] jpegTables;

  /** ExtraSamples: 1 associated, 2 unassociated alpha, 0 unspecified; empty when absent. */
  final long[] extraSamples;

  /** The GeoTIFF and resolution tags, as stored (null or NaN when absent). */
  final double[] pixelScale;

  final double[] tiepoints;
  final double[] modelTransformation;
  final long[] geoKeys;
  final double[] geoDoubles;
  final String gdalNodata;
  final double xResolution;
  final double yResolution;
  final int resolutionUnit;

  /** Why the GeoTIFF tags cannot be read (they point outside the file), or null. */
  final String geoProblem;

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
    // Only the LZW, Deflate and ZSTD codecs apply a predictor (as in libtiff and the JDK's
    // reader); the tag means nothing to uncompressed, PackBits, JPEG or WebP data.
    predictor =
        b.compression == COMPRESSION_LZW
                || b.compression == COMPRESSION_DEFLATE
                || b.compression == COMPRESSION_ADOBE_DEFLATE
                || b.compression == COMPRESSION_ZSTD
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
    position = b.position;
    fileLength = b.fileLength;
    newSubfileType = b.newSubfileType;
    description = b.description;
    subDirectories = b.subDirectories;
    next = b.next;
    jpegTables = b.jpegTables;
    extraSamples = b.extraSamples;
    pixelScale = b.pixelScale;
    tiepoints = b.tiepoints;
    modelTransformation = b.modelTransformation;
    geoKeys = b.geoKeys;
    geoDoubles = b.geoDoubles;
    gdalNodata = b.gdalNodata;
    xResolution = b.xResolution;
    yResolution = b.yResolution;
    resolutionUnit = b.resolutionUnit;
    geoProblem = b.geoProblem;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
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
   * Why {@link TiffDecoder} cannot read this image, or null when it can: unsigned 8-, 16- or
   * 32-bit, signed 8-, 16- or 32-bit, or 16-, 32- or 64-bit floating-point samples; gray, RGB, or
   * YCbCr in JPEG; compression none, LZW, Deflate, PackBits, ZSTD, JPEG (8-bit, with or without
   * JPEGTables) or WebP (8-bit RGB or RGBA); no predictor, the horizontal one or the floating-point
   * one. Other TIFFs go to ImageIO's readers.
   */
  String unsupported() {
    if (sampleFormat != 1 && sampleFormat != 2 && sampleFormat != 3) {
      return "sample format " + sampleFormat;
    }
    boolean sizeFits =
        sampleFormat == 3
            ? bitsPerSample == 16 || bitsPerSample == 32 || bitsPerSample == 64
            : bitsPerSample == 8 || bitsPerSample == 16 || bitsPerSample == 32;
    if (!sizeFits) {
      return "bits per sample " + bitsPerSample + " of sample format " + sampleFormat;
    }
    boolean imageCodec = compression == COMPRESSION_JPEG || compression == COMPRESSION_WEBP;
    if (photometric != 1
        && !(photometric == 2 && samplesPerPixel >= 3)
        && !(photometric == PHOTOMETRIC_YCBCR
            && compression == COMPRESSION_JPEG
            && samplesPerPixel == 3)) {
      return "photometric interpretation " + photometric + " with " + samplesPerPixel + " samples";
    }
    if (compression != COMPRESSION_NONE
        && compression != COMPRESSION_LZW
        && compression != COMPRESSION_DEFLATE
        && compression != COMPRESSION_ADOBE_DEFLATE
        && compression != COMPRESSION_PACKBITS
        && compression != COMPRESSION_ZSTD
        && !imageCodec) {
      return "compression " + compression;
    }
    if (imageCodec && (bitsPerSample != 8 || sampleFormat != 1 || planarConfiguration != 1)) {
      return (compression == COMPRESSION_JPEG ? "JPEG" : "WebP")
          + " compression of "
          + bitsPerSample
          + "-bit "
          + (planarConfiguration == 2 ? "planar " : "")
          + "samples";
    }
    if (compression == COMPRESSION_JPEG && samplesPerPixel != 1 && samplesPerPixel != 3) {
      return "JPEG compression of " + samplesPerPixel + " samples";
    }
    if (compression == COMPRESSION_WEBP && samplesPerPixel != 3 && samplesPerPixel != 4) {
      return "WebP compression of " + samplesPerPixel + " samples";
    }
    if (predictor != PREDICTOR_NONE
        && predictor != PREDICTOR_HORIZONTAL
        && predictor != PREDICTOR_FLOATING_POINT) {
      return "predictor " + predictor;
    }
    if (predictor == PREDICTOR_FLOATING_POINT && sampleFormat != 3) {
      return "the floating-point predictor on sample format " + sampleFormat;
    }
    if (fillOrder != 1) {
      return "fill order " + fillOrder;
    }
    if (planarConfiguration != 1 && planarConfiguration != 2) {
      return "planar configuration " + planarConfiguration;
    }
    // JPEG subsamples chroma inside its own stream; raw YCbCr subsampling is another layout.
    if (hasColorProfile || (hasSubsampling && compression != COMPRESSION_JPEG)) {
      return hasColorProfile ? "an ICC colour profile" : "chroma subsampling";
    }
    long chunkBytes = (long) chunkRowBytes() * chunkHeight;
    if (chunkBytes > Integer.MAX_VALUE - 8) {
      return "chunks of " + chunkBytes + " bytes";
    }
    return null;
  }

  /**
   * True for what haloconv's reader decoded before issue 13 (8- or 16-bit unsigned samples,
   * compression none, LZW, Deflate or PackBits), which the probe still checks against ImageIO's
   * reading of the header; every other directory the reader handles is probed from its own tags.
   */
  boolean classic() {
    return unsupported() == null
        && sampleFormat == 1
        && (bitsPerSample == 8 || bitsPerSample == 16)
        && (compression == COMPRESSION_NONE
            || compression == COMPRESSION_LZW
            || compression == COMPRESSION_DEFLATE
            || compression == COMPRESSION_ADOBE_DEFLATE
            || compression == COMPRESSION_PACKBITS)
        && predictor != PREDICTOR_FLOATING_POINT;
  }

  /** Reads the first IFD of a file of {@code length} bytes. */
  public static TiffDirectory read(PositionedReadable in, long length) throws ImageReadException {
    return read(in, length, 0);
  }

  /**
   * Reads the IFD at {@code position} of a file of {@code length} bytes; 0 means the first one (the
   * header's).
   */
  public static TiffDirectory read(PositionedReadable in, long length, long position)
      throws ImageReadException {
    try {
      return parse(in, length, position);
    } catch (EOFException e) {
      throw new ImageReadException(
          Stage.PROBE, "truncated TIFF: the file ends inside its header", e);
    } catch (IOException e) {
      throw new ImageReadException(
          Stage.PROBE, "cannot read TIFF header: " + Failures.chainMessages(e), e);
    }
  }

  private static TiffDirectory parse(PositionedReadable in, long length, long position)
      throws IOException {
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
    if (position != 0) {
      ifd = position;
    }
    b.position = ifd;
    b.fileLength = length;
    if (ifd < 8 || ifd + countSize > length) {
      throw new ImageReadException(
          Stage.PROBE,
          "malformed TIFF: "
              + (position == 0 ? "first " : "")
              + "directory at "
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
    long nextAt = ifd + countSize + entries * entrySize;
    int pointer = b.bigTiff ? 8 : 4;
    if (nextAt + pointer <= length) {
      byte[] next = new byte[pointer];
      in.readFully(nextAt, next, 0, pointer);
      ByteBuffer n = ByteBuffer.wrap(next).order(order);
      b.next = b.bigTiff ? n.getLong(0) : n.getInt(0) & 0xffffffffL;
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
    long position;
    long fileLength;
    long newSubfileType;
    String description;
    long[] subDirectories = new long[0];
    long next;
    byte[] jpegTables;
    long[] extraSamples = new long[0];
    double[] pixelScale;
    double[] tiepoints;
    double[] modelTransformation;
    long[] geoKeys;
    double[] geoDoubles;
    String gdalNodata;
    double xResolution = Double.NaN;
    double yResolution = Double.NaN;
    int resolutionUnit = 2;
    String geoProblem;

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
        case 530 -> {
          long[] factors = values(in, length, table, tag, type, count, valueAt);
          hasSubsampling = factors[0] != 1 || factors.length < 2 || factors[1] != 1;
        }
        case 34675 -> hasColorProfile = true;
        case 254 -> newSubfileType = single(in, length, table, tag, type, count, valueAt);
        case 270 -> description = text(in, length, table, tag, count, valueAt);
        case 282 -> xResolution = rational(in, length, table, tag, type, count, valueAt);
        case 283 -> yResolution = rational(in, length, table, tag, type, count, valueAt);
        case 296 -> resolutionUnit = (int) single(in, length, table, tag, type, count, valueAt);
        case 330 -> subDirectories = values(in, length, table, tag, type, count, valueAt);
        case 338 -> extraSamples = values(in, length, table, tag, type, count, valueAt);
        case 347 -> jpegTables = bytes(in, length, table, tag, count, valueAt);
        case 33550, 33922, 34264, 34735, 34736, 34737, 42113 ->
            geoEntry(in, length, table, tag, type, count, valueAt);
        default -> {} // tags that do not change how pixels are found or decoded
      }
    }

    /**
     * A GeoTIFF tag (or GDAL's nodata): kept aside when it cannot be read, so the probe reports a
     * malformed georeference rather than a TIFF this parser cannot read at all.
     */
    private void geoEntry(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int type,
        long count,
        int valueAt)
        throws IOException {
      try {
        switch (tag) {
          case 33550 -> pixelScale = doubles(in, length, table, tag, type, count, valueAt);
          case 33922 -> tiepoints = doubles(in, length, table, tag, type, count, valueAt);
          case 34264 -> modelTransformation = doubles(in, length, table, tag, type, count, valueAt);
          case 34735 -> geoKeys = values(in, length, table, tag, type, count, valueAt);
          case 34736 -> geoDoubles = doubles(in, length, table, tag, type, count, valueAt);
          case 34737 -> {} // GeoAsciiParams: citations only, no EPSG code
          default -> gdalNodata = text(in, length, table, tag, count, valueAt);
        }
      } catch (ImageReadException e) {
        if (geoProblem == null) {
          String why =
              e.getMessage()
                  .replaceFirst("^(truncated|malformed) TIFF: ", "")
                  .replace("the values of tag " + tag, "its values")
                  .replace("tag " + tag + " has", "it has");
          geoProblem = "malformed GeoTIFF: " + GeoTiff.tagName(tag) + ": " + why;
        }
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
      ByteBuffer data = raw(in, length, table, tag, size, count, valueAt);
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

    /** DOUBLE values (the GeoTIFF model tags), or integers widened. */
    private double[] doubles(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int type,
        long count,
        int valueAt)
        throws IOException {
      if (type != 12) {
        long[] integers = values(in, length, table, tag, type, count, valueAt);
        double[] out = new double[integers.length];
        for (int i = 0; i < out.length; i++) {
          out[i] = integers[i];
        }
        return out;
      }
      ByteBuffer data = raw(in, length, table, tag, 8, count, valueAt);
      double[] out = new double[(int) count];
      for (int i = 0; i < out.length; i++) {
        out[i] = data.getDouble(8 * i);
      }
      return out;
    }

    /** The first RATIONAL (or integer) value of an entry. */
    private double rational(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int type,
        long count,
        int valueAt)
        throws IOException {
      if (type != 5) {
        return single(in, length, table, tag, type, count, valueAt);
      }
      ByteBuffer data = raw(in, length, table, tag, 8, count, valueAt);
      long numerator = data.getInt(0) & 0xffffffffL;
      long denominator = data.getInt(4) & 0xffffffffL;
      return denominator == 0 ? Double.NaN : (double) numerator / denominator;
    }

    /** ASCII text up to its first NUL, at most {@link #MAX_TEXT_BYTES}. */
    private String text(
        PositionedReadable in, long length, ByteBuffer table, int tag, long count, int valueAt)
        throws IOException {
      ByteBuffer data =
          raw(in, length, table, tag, 1, Math.min(count, MAX_TEXT_BYTES), count, valueAt);
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      int end = 0;
      while (end < bytes.length && bytes[end] != 0) {
        end++;
      }
      return new String(bytes, 0, end, StandardCharsets.ISO_8859_1);
    }

    /** An UNDEFINED entry's bytes (JPEGTables). */
    private byte[] bytes(
        PositionedReadable in, long length, ByteBuffer table, int tag, long count, int valueAt)
        throws IOException {
      ByteBuffer data = raw(in, length, table, tag, 1, count, valueAt);
      byte[] bytes = new byte[data.remaining()];
      data.get(bytes);
      return bytes;
    }

    private ByteBuffer raw(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int size,
        long count,
        int valueAt)
        throws IOException {
      return raw(in, length, table, tag, size, count, count, valueAt);
    }

    /**
     * The first {@code keep} of an entry's {@code count} values of {@code size} bytes: inline when
     * all of them fit the value field, else at its offset.
     */
    private ByteBuffer raw(
        PositionedReadable in,
        long length,
        ByteBuffer table,
        int tag,
        int size,
        long keep,
        long count,
        int valueAt)
        throws IOException {
      long bytes = count * size;
      if (count < 1 || bytes > MAX_ARRAY_BYTES) {
        throw new ImageReadException(
            Stage.PROBE, "malformed TIFF: tag " + tag + " has " + count + " values");
      }
      int inline = bigTiff ? 8 : 4;
      if (bytes <= inline) {
        return table
            .duplicate()
            .order(order)
            .position(valueAt)
            .limit(valueAt + (int) (keep * size))
            .slice()
            .order(order);
      }
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
      byte[] raw = new byte[(int) (keep * size)];
      in.readFully(offset, raw, 0, raw.length);
      return ByteBuffer.wrap(raw).order(order);
    }
  }
}
