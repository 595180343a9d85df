package io.haloconv.stack;

import io.haloconv.tiling.Window;

/**
 * Where an {@link EmbeddingPool}'s cells lie for one image, per axis: each cell's box in input
 * pixels and the run of last-layer map indices it pools.
 *
 * <p>A map pixel belongs to the cell holding the centre of its receptive field: for map index
 * {@code o}, whose composed receptive field ({@link StackGeometry#inputWindow}) starts at input
 * index {@code s} and spans {@code R}, that is input index ⌊s + (R−1)/2⌋, clamped into the image (a
 * field centred in the padding belongs to the edge cell). The centre moves forward with {@code o},
 * so every cell pools a contiguous run of map indices, possibly empty: a cell no map pixel is
 * centred in (cells smaller than the stack's stride, or beside a large unpadded field) gets no row.
 * Stacks of stride 1 with "same" padding centre map pixel {@code o} on input pixel {@code o}.
 */
public final class PoolCells {
  /**
   * One axis: cell {@code c}'s box is input indices [boxStart[c], boxEnd[c]) and it pools map
   * indices [mapStart[c], mapEnd[c]).
   */
  public record Axis(int[] boxStart, int[] boxEnd, int[] mapStart, int[] mapEnd) {
    public int cells() {
      return boxStart.length;
    }
  }

  private final Axis rows;
  private final Axis cols;

  private PoolCells(Axis rows, Axis cols) {
    this.rows = rows;
    this.cols = cols;
  }

  /** The cells of {@code pool} over an image whose stack arithmetic is {@code g}. */
  public static PoolCells of(StackGeometry g, EmbeddingPool pool) {
    return new PoolCells(axis(g, pool, true), axis(g, pool, false));
  }

  /** Cells given axis by axis, as they are (for tests and callers that lay out their own). */
  public static PoolCells wrap(Axis rows, Axis cols) {
    return new PoolCells(rows, cols);
  }

  public Axis rows() {
    return rows;
  }

  public Axis cols() {
    return cols;
  }

  private static Axis axis(StackGeometry g, EmbeddingPool pool, boolean isRows) {
    int size = isRows ? g.height(0) : g.width(0);
    int mapSize = isRows ? g.outHeight() : g.outWidth();
    int count =
        pool.grid() > 0
            ? pool.grid()
            : pool.cell() > 0 ? (size + pool.cell() - 1) / pool.cell() : 1;
    int[] boxStart = new int[count];
    int[] boxEnd = new int[count];
    for (int c = 0; c < count; c++) {
      if (pool.grid() > 0) {
        boxStart[c] = (int) ((long) c * size / count);
        boxEnd[c] = (int) ((long) (c + 1) * size / count);
      } else if (pool.cell() > 0) {
        boxStart[c] = c * pool.cell();
        boxEnd[c] = (int) Math.min((long) (c + 1) * pool.cell(), size);
      } else {
        boxEnd[c] = size;
      }
    }
    int[] mapStart = new int[count];
    int[] mapEnd = new int[count];
    int previous = -1;
    for (int o = 0; o < mapSize; o++) {
      Window w = isRows ? g.inputWindow(o, 0, 1, 1) : g.inputWindow(0, o, 1, 1);
      long start = isRows ? w.y0() : w.x0();
      long span = isRows ? w.height() : w.width();
      // Doubled coordinates keep an even field's half-pixel centre exact; floorDiv rounds it down.
      long centre = Math.floorDiv(2 * start + span - 1, 2);
      int p = (int) Math.max(0, Math.min(size - 1, centre));
      int c = cellOf(pool, p, size, count);
      if (c != previous) {
        mapStart[c] = o;
        previous = c;
      }
      mapEnd[c] = o + 1;
    }
    return new Axis(boxStart, boxEnd, mapStart, mapEnd);
  }

  /** The cell holding input index {@code p} of an axis of {@code size}. */
  static int cellOf(EmbeddingPool pool, int p, int size, int count) {
    if (pool.grid() > 0) {
      // The largest c with ⌊c·size/G⌋ <= p, i.e. c·size < (p+1)·G.
      return (int) (((long) (p + 1) * count - 1) / size);
    }
    return pool.cell() > 0 ? p / pool.cell() : 0;
  }
}
