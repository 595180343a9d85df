package io.haloconv.tiling;

import io.haloconv.conv.AxisGeometry;
import io.haloconv.conv.ConvGeometry;

/**
 * The tests' reference tiling of one convolution: output rows [oy0, oy1) read input rows [oy0·S −
 * top, (oy1−1)·S − top + D·(F−1) + 1), straight from {@link AxisGeometry}, independent of the stack
 * geometry the job composes its windows with.
 */
public final class ConvTiles {
  private ConvTiles() {}

  public static TileGrid grid(ConvGeometry geometry, int tileHeight, int tileWidth) {
    AxisGeometry rows = geometry.rows();
    AxisGeometry cols = geometry.cols();
    return new TileGrid(
        geometry.outHeight(),
        geometry.outWidth(),
        tileHeight,
        tileWidth,
        (oy0, ox0, oh, ow) ->
            new Window(
                rows.inputStart(oy0),
                cols.inputStart(ox0),
                rows.windowSize(oh),
                cols.windowSize(ow)));
  }
}
