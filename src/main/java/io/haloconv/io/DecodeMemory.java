package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import io.haloconv.io.ImageReadException.Stage;
import java.util.Locale;

/**
 * The heap a task needs to decode an image whole, worked out from its header, and the refusal of an
 * image that needs more than a task has ({@link MemoryBudget}): a {@code too-large} bad record at
 * stage {@code probe}, before any pixel is decoded, instead of an out-of-memory error half-way
 * through a decode (or a healthy file reported as {@code corrupt}).
 *
 * <p>Only whole decodes are budgeted. Images read by window (tiled or striped TIFFs, C-order .npy)
 * need a tile's window whatever their size, and images streamed into a scratch raster (a
 * non-interlaced PNG, a baseline JPEG, a strip TIFF: {@link ImageInfo#streamable}) hold a band of
 * rows. Everything else is decoded whole by the task that reads it.
 *
 * <p>A whole decode needs the decoder's peak, {@code factor · decoded bytes} (the raster it returns
 * and the copies it makes on the way there; factors measured per reader, below), plus the float
 * windows the task then reads from the raster: 4 bytes per value as decoded and 4 again after
 * channel conversion and normalisation.
 */
public final class DecodeMemory {
  /*
   * Measured factors: the smallest -Xmx (default G1 collector, Java 17) at which a JVM decodes a
   * 3000x3000 image of the format whole through ImageSource (keeping the raster, as a task does),
   * less the smallest heap for a 16x16 image of the format (the JVM's, Hadoop's and the reader's
   * fixed cost, 25 MB for every reader), over the decoded bytes (width · height · channels · bytes
   * per sample, 25.7 MiB here). DecodeHeapHarness (test scope) measures them by bisection over
   * child JVMs; 2026-12-05, load 5-17 on 2 cores (the heap needed does not depend on the load):
   *
   *   reader                         min heap MB   net MB   factor
   *   PNG RGB (JDK)                           51       26     1.01
   *   PNG RGB interlaced (JDK)                51       26     1.01
   *   PNG gray interlaced (JDK)               33        8     0.93
   *   JPEG baseline (JDK)                     51       26     1.01
   *   JPEG progressive (JDK)                  51       26     1.01   coefficients are native
   *   JPEG CMYK (TwelveMonkeys)               92       67     2.60   CMYK raster, then RGB
   *   BMP RGB (JDK)                           51       26     1.01
   *   GIF palette (JDK)                       33        8     0.31   one index byte a pixel
   *   TIFF, one JPEG tile (JDK)               90       65     2.52   the tile, then the image
   *
   * WebP (TwelveMonkeys, no Java writer to make test files) is given TwelveMonkeys' factor. The
   * JDK's readers write straight into the destination raster (1.0); TwelveMonkeys' CMYK path and
   * the JDK's TIFF reader hold a second full copy on the way. The factors below round these up by
   * half a copy, for G1's larger regions at larger heaps (an array over half a region takes whole
   * regions) and for images whose raster holds more than the samples (packed or padded rows).
   */

  /** The JDK's PNG, BMP, GIF and WBMP readers and its baseline JPEG reader. */
  static final double JDK_FACTOR = 1.5;

  /**
   * TwelveMonkeys' readers (CMYK and lossless JPEG, BigTIFF, WebP), the JDK's TIFF reader, and any
   * JPEG that is not sequential (progressive ones measured 1.01, but cannot be told from CMYK).
   */
  static final double PLUGIN_FACTOR = 3.0;

  /** A Fortran-order .npy, read whole: its bytes, then its float32 values (not measured). */
  static final double NPY_FACTOR = 2.0;

  /** Float window values: 4 bytes as decoded, 4 again after conversion and normalisation. */
  static final int WINDOW_BYTES_PER_VALUE = 8;

  private DecodeMemory() {}

  /** Bytes of the decoded raster: width · height · channels · bytes per sample. */
  public static long decodedBytes(ImageInfo info) {
    return info.pixels() * info.channels() * ((info.bitDepth() + 7) / 8);
  }

  /**
   * True when a task reading {@code info}'s image decodes it whole: it is not read by window, and
   * it is not streamed into a scratch raster ({@code staged} and {@link ImageInfo#streamable}).
   */
  public static boolean decodesWhole(ImageInfo info, boolean staged) {
    requireNonNull(info, "info is null");
    return !info.supportsRegionReads() && !(staged && info.streamable());
  }

  /**
   * Heap bytes a whole decode of {@code info}'s image needs, when the task then reads windows of at
   * most {@code windowPixels} pixels from it.
   */
  public static long wholeDecodeBytes(ImageInfo info, long windowPixels) {
    requireNonNull(info, "info is null");
    if (windowPixels < 1) {
      throw new IllegalArgumentException("windowPixels must be >= 1, got " + windowPixels);
    }
    double decoder = factor(info) * decodedBytes(info);
    double window =
        (double) Math.min(windowPixels, info.pixels()) * info.channels() * WINDOW_BYTES_PER_VALUE;
    return (long) Math.ceil(Math.min(decoder + window, (double) Long.MAX_VALUE));
  }

  /** The measured factor of the reader that decodes {@code info}'s image whole. */
  static double factor(ImageInfo info) {
    return switch (info.format()) {
      case PNG, GIF, BMP, WBMP -> JDK_FACTOR;
      // A JPEG that is not sequential may be progressive (the JDK's reader) or CMYK or lossless
      // (TwelveMonkeys', returning RGB): the header facts kept do not tell them apart.
      case JPEG -> info.streamable() ? JDK_FACTOR : PLUGIN_FACTOR;
      case TIFF, WEBP -> PLUGIN_FACTOR;
      case NPY -> NPY_FACTOR;
      case PIXELS -> 1;
    };
  }

  /**
   * Refuses an image whose whole decode needs more than {@code budget}: a {@code too-large} failure
   * at stage {@code probe} giving the needed and available bytes and what to change.
   *
   * @param needed {@link #wholeDecodeBytes} of the image
   */
  public static void requireFits(ImageInfo info, long needed, MemoryBudget budget)
      throws ImageReadException {
    requireNonNull(info, "info is null");
    requireNonNull(budget, "budget is null");
    if (needed <= budget.taskBytes()) {
      return;
    }
    throw new ImageReadException(
        Stage.PROBE,
        ErrorKind.TOO_LARGE,
        "decoding this "
            + info.width()
            + "x"
            + info.height()
            + " "
            + what(info)
            + " whole needs about "
            + mebibytes(needed)
            + " ("
            + needed
            + " bytes) of heap, one task has "
            + mebibytes(budget.taskBytes())
            + " ("
            + budget.taskBytes()
            + " bytes: "
            + budget.origin()
            + "); the file was not decoded: give executors more memory, run fewer tasks per"
            + " executor (fewer cores each), or lower --max-pixels to refuse images this large");
  }

  /** What the image is, in words that say why it is decoded whole. */
  private static String what(ImageInfo info) {
    return switch (info.format()) {
      case PNG -> info.streamable() ? "PNG" : "interlaced PNG";
      case JPEG -> info.streamable() ? "JPEG" : "progressive, CMYK or lossless JPEG";
      case TIFF -> "TIFF (a layout or compression not read by window)";
      case NPY -> "Fortran-order .npy";
      default -> info.format().displayName();
    };
  }

  static String mebibytes(long bytes) {
    return String.format(Locale.ROOT, "%.1f MiB", bytes / 1048576.0);
  }
}
