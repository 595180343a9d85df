package io.haloconv.stack;

import java.io.Serializable;

/**
 * The pool a stack may end in (issue 15): it reduces the last layer's map to one vector per image
 * ({@code global_pool}) or per cell of a grid laid over the image ({@code grid_pool}), instead of
 * writing the map. Cells are boxes of input pixels: {@code grid} G cuts each image into G×G cells
 * (rows [⌊r·H/G⌋, ⌊(r+1)·H/G⌋), columns likewise), {@code cell} P into P×P cells from the top left
 * (the last row and column of cells may be smaller). A map pixel belongs to the cell holding the
 * centre of its receptive field ({@link PoolCells}); a global pool is the grid of one cell.
 *
 * @param name the layer's name
 * @param op {@code avg} (the exact mean, rounded once) or {@code max}
 * @param grid G for a G×G grid, or 0
 * @param cell P for cells of P×P input pixels, or 0; at most one of grid and cell is set, neither
 *     for a global pool
 */
public record EmbeddingPool(String name, PoolOp op, int grid, int cell) implements Serializable {
  /** Grids of more cells per axis than this would be a map, not an embedding. */
  public static final int MAX_GRID = 1024;

  public EmbeddingPool {
    Layer.checkName(name);
    if (op == null) {
      throw new IllegalArgumentException("layer " + name + ": pool mode is null");
    }
    if (grid < 0 || grid > MAX_GRID) {
      throw new IllegalArgumentException(
          "layer " + name + ": grid must be in [1, " + MAX_GRID + "], got " + grid);
    }
    if (cell < 0) {
      throw new IllegalArgumentException("layer " + name + ": cell must be >= 1, got " + cell);
    }
    if (grid > 0 && cell > 0) {
      throw new IllegalArgumentException(
          "layer " + name + ": a grid_pool takes \"grid\" or \"cell\", not both");
    }
  }

  /** A pool of the whole map: one vector per image. */
  public static EmbeddingPool global(String name, PoolOp op) {
    return new EmbeddingPool(name, op, 0, 0);
  }

  /** {@code global_pool} or {@code grid_pool}, as the stack file spells it. */
  public String type() {
    return grid == 0 && cell == 0 ? "global_pool" : "grid_pool";
  }

  /**
   * How the manifest and messages describe it: {@code global_pool avg}, {@code grid_pool max grid
   * 4}.
   */
  public String describe() {
    String base = type() + " " + op.cliName();
    return grid > 0 ? base + " grid " + grid : cell > 0 ? base + " cell " + cell : base;
  }
}
