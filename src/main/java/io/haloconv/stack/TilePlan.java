package io.haloconv.stack;

/**
 * What one output tile of a stack computes at every level: the rows and the columns, each an {@link
 * AxisPlan}. A level's computed values are the product of its row spans and column spans, held in a
 * compact buffer of channels × rows.total × cols.total.
 */
public record TilePlan(
    int outY0, int outX0, int outHeight, int outWidth, AxisPlan rows, AxisPlan cols) {
  public TilePlan {
    if (rows == null || cols == null) {
      throw new IllegalArgumentException("tile plan needs both axes");
    }
  }

  /** Image pixels the tile reads (all of them real: padding is never read). */
  public long inputPixels() {
    return (long) rows.total(0) * cols.total(0);
  }

  /** True when the tile writes some of {@code level}'s map (a written layer's output). */
  public boolean writes(int level) {
    return rows.emitStart(level) >= 0 && cols.emitStart(level) >= 0;
  }
}
