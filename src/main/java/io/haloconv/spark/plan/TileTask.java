package io.haloconv.spark.plan;

import io.haloconv.io.ImageInfo;
import io.haloconv.tiling.Tile;

/**
 * One unit of executor work: a tile of an image, with the header facts the executor needs to read
 * its window. The RDD holds these descriptors, never pixels.
 *
 * @param image the probed image
 * @param tile the output tile and its input window
 * @param outHeight the whole feature map's rows
 * @param outWidth the whole feature map's columns
 * @param tilesOfImage how many tiles the image has, to know a partial failure needs cleaning up
 */
public record TileTask(ImageInfo image, Tile tile, int outHeight, int outWidth, int tilesOfImage) {
  public TileTask {
    if (image == null || tile == null) {
      throw new IllegalArgumentException("tile task needs an image and a tile");
    }
    if (outHeight < 1 || outWidth < 1 || tilesOfImage < 1) {
      throw new IllegalArgumentException(
          "feature map and tile count must be >= 1, got "
              + outHeight
              + "x"
              + outWidth
              + ", "
              + tilesOfImage);
    }
  }
}
