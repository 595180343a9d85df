package io.haloconv.tiling;

import io.haloconv.conv.AxisGeometry;
import io.haloconv.conv.ConvGeometry;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts an image's feature map into tiles of at most tileHeight×tileWidth outputs, row-major, and
 * gives each tile the input window that computes it: output rows [oy0, oy1) read input rows [oy0·S
 * − top, (oy1−1)·S − top + D·(F−1) + 1), which {@link AxisGeometry} computes. Tiles cover the
 * feature map exactly once; the last tile of a row or column is the remainder.
 */
public record TileGrid(ConvGeometry geometry, int tileHeight, int tileWidth)
    implements Serializable {
  public TileGrid {
    if (geometry == null) {
      throw new IllegalArgumentException("geometry is null");
    }
    if (tileHeight < 1 || tileWidth < 1) {
      throw new IllegalArgumentException(
          "tile size must be >= 1, got " + tileHeight + "x" + tileWidth);
    }
    // A tile larger than the map is the whole map: clamp so counts and windows stay small.
    tileHeight = Math.min(tileHeight, geometry.outHeight());
    tileWidth = Math.min(tileWidth, geometry.outWidth());
  }

  public int tileRows() {
    return ceilDiv(geometry.outHeight(), tileHeight);
  }

  public int tileCols() {
    return ceilDiv(geometry.outWidth(), tileWidth);
  }

  public int count() {
    return tileRows() * tileCols();
  }

  private static int ceilDiv(int a, int b) {
    return (a + b - 1) / b;
  }

  /** Tile {@code index} in row-major order. */
  public Tile tile(int index) {
    if (index < 0 || index >= count()) {
      throw new IllegalArgumentException(
          "tile index must be in [0, " + count() + "), got " + index);
    }
    int row = index / tileCols();
    int col = index % tileCols();
    int oy0 = row * tileHeight;
    int ox0 = col * tileWidth;
    int oh = Math.min(tileHeight, geometry.outHeight() - oy0);
    int ow = Math.min(tileWidth, geometry.outWidth() - ox0);
    AxisGeometry rows = geometry.rows();
    AxisGeometry cols = geometry.cols();
    Window window =
        new Window(
            rows.inputStart(oy0), cols.inputStart(ox0), rows.windowSize(oh), cols.windowSize(ow));
    return new Tile(index, oy0, ox0, oh, ow, window);
  }

  public List<Tile> tiles() {
    List<Tile> tiles = new ArrayList<>(count());
    for (int i = 0; i < count(); i++) {
      tiles.add(tile(i));
    }
    return tiles;
  }
}
