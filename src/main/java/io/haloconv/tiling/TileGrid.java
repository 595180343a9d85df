package io.haloconv.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * Cuts a feature map of outHeight×outWidth into tiles of at most tileHeight×tileWidth outputs,
 * row-major, and gives each tile the input window that computes it. Tiles cover the map exactly
 * once; the last tile of a row or column is the remainder. The windows come from the caller: the
 * job's are {@code stack.StackGeometry#inputWindow}, the receptive field of a tile through every
 * layer of its stack.
 */
public record TileGrid(
    int outHeight, int outWidth, int tileHeight, int tileWidth, InputWindows windows) {
  /** The input window of the output rectangle [oy0, oy0+oh) × [ox0, ox0+ow). */
  @FunctionalInterface
  public interface InputWindows {
    Window window(int oy0, int ox0, int oh, int ow);
  }

  public TileGrid {
    if (outHeight < 1 || outWidth < 1) {
      throw new IllegalArgumentException(
          "feature map must be >= 1x1, got " + outHeight + "x" + outWidth);
    }
    if (tileHeight < 1 || tileWidth < 1) {
      throw new IllegalArgumentException(
          "tile size must be >= 1, got " + tileHeight + "x" + tileWidth);
    }
    if (windows == null) {
      throw new IllegalArgumentException("windows is null");
    }
    // A tile larger than the map is the whole map: clamp so counts and windows stay small.
    tileHeight = Math.min(tileHeight, outHeight);
    tileWidth = Math.min(tileWidth, outWidth);
  }

  public int tileRows() {
    return ceilDiv(outHeight, tileHeight);
  }

  public int tileCols() {
    return ceilDiv(outWidth, tileWidth);
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
    int oy0 = index / tileCols() * tileHeight;
    int ox0 = index % tileCols() * tileWidth;
    int oh = Math.min(tileHeight, outHeight - oy0);
    int ow = Math.min(tileWidth, outWidth - ox0);
    return new Tile(index, oy0, ox0, oh, ow, windows.window(oy0, ox0, oh, ow));
  }

  public List<Tile> tiles() {
    List<Tile> tiles = new ArrayList<>(count());
    for (int i = 0; i < count(); i++) {
      tiles.add(tile(i));
    }
    return tiles;
  }
}
