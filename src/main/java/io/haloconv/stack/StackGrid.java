package io.haloconv.stack;

import io.haloconv.tiling.Tile;
import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a stack's last feature map into tiles of at most tileHeight×tileWidth, row-major, as {@link
 * io.haloconv.tiling.TileGrid} does for one layer (and with the same tiles for a one-layer stack);
 * each tile's window is {@link StackGeometry#inputWindow}.
 */
public final class StackGrid {
  private final StackGeometry geometry;
  private final int tileHeight;
  private final int tileWidth;

  StackGrid(StackGeometry geometry, int tileHeight, int tileWidth) {
    if (tileHeight < 1 || tileWidth < 1) {
      throw new IllegalArgumentException(
          "tile size must be >= 1, got " + tileHeight + "x" + tileWidth);
    }
    this.geometry = geometry;
    // A tile larger than the map is the whole map.
    this.tileHeight = Math.min(tileHeight, geometry.outHeight());
    this.tileWidth = Math.min(tileWidth, geometry.outWidth());
  }

  public int tileRows() {
    return (geometry.outHeight() + tileHeight - 1) / tileHeight;
  }

  public int tileCols() {
    return (geometry.outWidth() + tileWidth - 1) / tileWidth;
  }

  public int count() {
    return tileRows() * tileCols();
  }

  public Tile tile(int index) {
    if (index < 0 || index >= count()) {
      throw new IllegalArgumentException(
          "tile index must be in [0, " + count() + "), got " + index);
    }
    int oy0 = index / tileCols() * tileHeight;
    int ox0 = index % tileCols() * tileWidth;
    int oh = Math.min(tileHeight, geometry.outHeight() - oy0);
    int ow = Math.min(tileWidth, geometry.outWidth() - ox0);
    return new Tile(index, oy0, ox0, oh, ow, geometry.inputWindow(oy0, ox0, oh, ow));
  }

  public List<Tile> tiles() {
    List<Tile> tiles = new ArrayList<>(count());
    for (int i = 0; i < count(); i++) {
      tiles.add(tile(i));
    }
    return tiles;
  }
}
