package io.haloconv.tiling;

/**
 * The default output tile: square, a multiple of 16 outputs per side, and small enough that one
 * tile's features (K channels of float32) stay within {@link #TARGET_TILE_BYTES}, so one Parquet
 * row and one task's working set stay bounded whatever the image size.
 */
public final class TileSizes {
  /** About 16 MB of float32 features per tile. */
  public static final long TARGET_TILE_BYTES = 16L << 20;

  /** No side longer than this, so small-K banks still make several tiles of a huge image. */
  public static final int MAX_SIDE = 2048;

  private TileSizes() {}

  public static int defaultSide(int filters, int bytesPerValue) {
    if (filters < 1 || bytesPerValue < 1) {
      throw new IllegalArgumentException(
          "filters and bytes per value must be >= 1, got " + filters + ", " + bytesPerValue);
    }
    double side = Math.sqrt((double) TARGET_TILE_BYTES / ((long) filters * bytesPerValue));
    int rounded = (int) (side / 16) * 16;
    return Math.max(16, Math.min(MAX_SIDE, rounded));
  }
}
