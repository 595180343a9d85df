package io.haloconv.spark.task;

import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.spark.output.TileRows;
import io.haloconv.stack.CellReducer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolCells;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.TilePlan;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;

/**
 * One tile's step on an executor, the same for the featurize jobs ({@link TileProcessor}) and the
 * library API ({@link ImageFeatures}): evaluate the layer stack over the image spans the tile's
 * plan needs, encode each written map as a feature row (or, for a stack ending in a global or grid
 * pool, reduce the last map to one partial {@link EmbeddingRows#partial} per cell it touches), time
 * reading, convolving and encoding, and add the tile to the task's metrics. A failure names the
 * stage it happened in.
 *
 * <p>Holds the task's {@link StackEvaluator} (and so its reused buffers); one per task, not
 * thread-safe.
 */
final class TileRunner {
  /** A tile that failed, with the stage ({@link BadRecord#DECODE}, ...) it failed in. */
  static final class TileFailure extends Exception {
    private static final long serialVersionUID = 1L;
    private final String stage;

    TileFailure(String stage, Exception cause) {
      super(cause.getMessage(), cause);
      this.stage = stage;
    }

    String stage() {
      return stage;
    }

    /** The exception the stage threw, as bad-record classification wants it. */
    Exception failure() {
      return (Exception) getCause();
    }
  }

  private final StackEvaluator evaluator;
  private final Precision precision;
  private final TaskMetrics metrics;

  /** The embedding pool's reducer, or null when the stack writes maps. */
  private final CellReducer reducer;

  private StackGeometry cellsGeometry;
  private PoolCells cells;

  /**
   * @param metrics the task's metrics, or null when nobody reads them (the library API outside a
   *     job)
   */
  TileRunner(LayerStack stack, Precision precision, TaskMetrics metrics) {
    this.evaluator = new StackEvaluator(stack);
    this.precision = precision;
    this.metrics = metrics;
    this.reducer = stack.embedding().map(CellReducer::new).orElse(null);
  }

  LayerStack stack() {
    return evaluator.stack();
  }

  /** The embedding cells of the image {@code geometry} is of, kept while a task stays on it. */
  private PoolCells cellsFor(StackGeometry geometry) {
    if (geometry != cellsGeometry) {
      cells = PoolCells.of(geometry, geometry.stack().embedding().orElseThrow());
      cellsGeometry = geometry;
    }
    return cells;
  }

  /**
   * Evaluates {@code tile} of the image {@code id} and passes its rows to {@code rows}, in the
   * stack's written-layer order. On failure some rows of the tile may already have been passed on;
   * callers that need all-or-nothing collect them first.
   */
  void run(String id, StackGeometry geometry, Tile tile, RegionReader source, Consumer<Row> rows)
      throws TileFailure {
    long[] nanos = new long[2]; // read, encode
    long[] values = {0};
    String[] stage = {BadRecord.CONVOLVE};
    long t0 = System.nanoTime();
    TilePlan plan;
    try {
      plan = geometry.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
      evaluator.evaluate(
          geometry,
          plan,
          (y0, x0, height, width) -> {
            long r0 = System.nanoTime();
            stage[0] = BadRecord.DECODE;
            Tensor3 region = source.read(y0, x0, height, width);
            stage[0] = BadRecord.CONVOLVE;
            nanos[0] += System.nanoTime() - r0;
            return region;
          },
          region -> {
            long e0 = System.nanoTime();
            stage[0] = BadRecord.WRITE;
            if (reducer == null) {
              rows.accept(TileRows.encode(id, geometry, region, precision));
            } else {
              reducer.reduce(
                  cellsFor(geometry), region, cell -> rows.accept(EmbeddingRows.partial(id, cell)));
            }
            stage[0] = BadRecord.CONVOLVE;
            values[0] += region.size();
            nanos[1] += System.nanoTime() - e0;
          });
    } catch (IOException | RuntimeException e) {
      throw new TileFailure(stage[0], e);
    }
    if (metrics != null) {
      long total = System.nanoTime() - t0;
      metrics.readNanos.add(nanos[0]);
      metrics.convolveNanos.add(total - nanos[0] - nanos[1]);
      metrics.encodeNanos.add(nanos[1]);
      metrics.tiles.add(1);
      metrics.inputPixels.add(plan.inputPixels());
      metrics.outputValues.add(values[0]);
    }
  }
}
