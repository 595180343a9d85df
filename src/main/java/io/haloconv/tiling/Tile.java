package io.haloconv.tiling;

import java.io.Serializable;

/**
 * One output tile of an image's feature map and the input window that computes it exactly.
 *
 * @param index row-major position in its {@link TileGrid}
 * @param outY0 first output row
 * @param outX0 first output column
 * @param outHeight output rows
 * @param outWidth output columns
 * @param input the input window, halo included, in image coordinates
 */
public record Tile(int index, int outY0, int outX0, int outHeight, int outWidth, Window input)
    implements Serializable {
  public Tile {
    if (index < 0 || outY0 < 0 || outX0 < 0) {
      throw new IllegalArgumentException(
          "tile index and origin must be >= 0, got " + index + " at " + outY0 + "," + outX0);
    }
    if (outHeight < 1 || outWidth < 1) {
      throw new IllegalArgumentException(
          "tile must be at least 1x1 outputs, got " + outHeight + "x" + outWidth);
    }
    if (input == null) {
      throw new IllegalArgumentException("tile input window is null");
    }
  }

  public long outputPixels() {
    return (long) outHeight * outWidth;
  }
}
