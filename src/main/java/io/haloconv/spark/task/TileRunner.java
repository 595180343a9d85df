package io.haloconv.spark.task;

import io.haloconv.io.Georeference;
import io.haloconv.io.ImageSource;
import io.haloconv.io.NodataMask;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.spark.output.EmptyTiles;
import io.haloconv.spark.output.RowFormat;
import io.haloconv.spark.output.TilePart;
import io.haloconv.stack.CellReducer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolCells;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.TilePlan;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

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
 *
 * @param <R> the row type ({@link RowFormat})
 */
final class TileRunner<R> {
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

  /**
   * Reads a window of the image with its nodata mask ({@link ImageSource#read(int, int, int, int,
   * NodataMask)}).
   */
  @FunctionalInterface
  interface MaskedReader {
    ImageSource.Masked read(int y0, int x0, int height, int width, NodataMask nodata)
        throws IOException;
  }

  /** A mask window read for the tile, kept to feed the receptive-field stack the same spans. */
  private record MaskWindow(int y0, int x0, int height, int width, Tensor3 mask) {}

  private final RowFormat<R> format;
  private final StackEvaluator evaluator;
  private final Precision precision;
  private final TaskMetrics metrics;
  private final EmptyTiles emptyTiles;
  private StackEvaluator maskEvaluator;
  private StackGeometry maskGeometryOf;
  private StackGeometry maskGeometry;

  /** The embedding pool's reducer, or null when the stack writes maps. */
  private final CellReducer reducer;

  private StackGeometry cellsGeometry;
  private PoolCells cells;

  /**
   * @param metrics the task's metrics, or null when nobody reads them (the library API outside a
   *     job)
   */
  TileRunner(
      RowFormat<R> format,
      LayerStack stack,
      Precision precision,
      TaskMetrics metrics,
      EmptyTiles emptyTiles) {
    this.format = format;
    this.evaluator = new StackEvaluator(stack);
    this.precision = precision;
    this.metrics = metrics;
    this.emptyTiles = emptyTiles;
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
   * stack's written-layer order. Pixels {@code nodata} masks are read as 0 in every channel, and
   * each row's valid fraction is the share of its pixels whose receptive field holds none of them
   * (computed by the stack's {@link LayerStack#receptiveFieldStack} on the tile's mask, only when
   * the tile read a masked pixel). On failure some rows of the tile may already have been passed
   * on; callers that need all-or-nothing collect them first.
   *
   * @param geo the image's georeference, or null
   * @param nodata what to mask, or null for nothing
   * @return which rows were left out as empty ({@link EmptyTiles#SKIP}): per written layer (in
   *     {@link LayerStack#writtenLayers} order) 1 when its row was, then 1 more entry that is 1
   *     when every row of the tile was; null when none was
   */
  int[] run(
      String id,
      Georeference geo,
      NodataMask nodata,
      StackGeometry geometry,
      Tile tile,
      MaskedReader source,
      Consumer<R> rows)
      throws TileFailure {
    long[] nanos = new long[2]; // read, encode
    long[] values = {0};
    String[] stage = {BadRecord.CONVOLVE};
    long t0 = System.nanoTime();
    TilePlan plan;
    // The written parts, encoded, every pixel valid until the mask says otherwise.
    List<TilePart> parts = new ArrayList<>(2);
    List<MaskWindow> masks = nodata == null ? null : new ArrayList<>(1);
    int[] masked = {0};
    int[] skipped = null;
    try {
      plan = geometry.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
      evaluator.evaluate(
          geometry,
          plan,
          (y0, x0, height, width) -> {
            long r0 = System.nanoTime();
            stage[0] = BadRecord.DECODE;
            ImageSource.Masked region = source.read(y0, x0, height, width, nodata);
            if (masks != null) {
              masks.add(new MaskWindow(y0, x0, height, width, region.mask()));
              masked[0] += region.masked();
            }
            stage[0] = BadRecord.CONVOLVE;
            nanos[0] += System.nanoTime() - r0;
            return region.values();
          },
          region -> {
            long e0 = System.nanoTime();
            stage[0] = BadRecord.WRITE;
            if (reducer == null) {
              parts.add(TilePart.encode(id, geometry, region, precision, geo));
            } else {
              // Embeddings: masked inputs read as 0 like for maps, and every map pixel is pooled;
              // valid fractions and empty tiles are properties of map rows, which are not written.
              reducer.reduce(
                  cellsFor(geometry), region, cell -> rows.accept(format.partial(id, cell)));
              values[0] += region.size();
            }
            stage[0] = BadRecord.CONVOLVE;
            nanos[1] += System.nanoTime() - e0;
          });
      double[] fractions = new double[parts.size()];
      Arrays.fill(fractions, 1.0);
      if (masked[0] > 0 && reducer == null) {
        validFractions(geometry, plan, masks, parts, fractions);
      }
      long e0 = System.nanoTime();
      stage[0] = BadRecord.WRITE;
      int kept = 0;
      for (int p = 0; p < parts.size(); p++) {
        TilePart part = parts.get(p);
        if (emptyTiles == EmptyTiles.SKIP && fractions[p] == 0) {
          if (skipped == null) {
            skipped = new int[stack().writtenLayers().length + 1];
          }
          skipped[writtenIndex(part.layer())]++;
          continue;
        }
        kept++;
        values[0] += (long) part.channels() * part.height() * part.width();
        rows.accept(format.tile(part.withValidFraction(fractions[p])));
      }
      if (skipped != null && kept == 0) {
        skipped[skipped.length - 1] = 1;
      }
      nanos[1] += System.nanoTime() - e0;
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
    return skipped;
  }

  private int writtenIndex(int layer) {
    int[] written = stack().writtenLayers();
    for (int i = 0; i < written.length; i++) {
      if (written[i] == layer) {
        return i;
      }
    }
    throw new IllegalStateException("layer " + layer + " is not written");
  }

  /**
   * Runs the tile's masks through the receptive-field stack, on the same plan, and sets each part's
   * fraction of outputs whose count of masked inputs is 0.
   */
  private void validFractions(
      StackGeometry geometry,
      TilePlan plan,
      List<MaskWindow> masks,
      List<TilePart> parts,
      double[] fractions)
      throws IOException {
    if (maskEvaluator == null) {
      maskEvaluator = new StackEvaluator(stack().receptiveFieldStack());
    }
    if (maskGeometryOf != geometry) {
      maskGeometry = maskEvaluator.stack().geometry(1, geometry.height(0), geometry.width(0));
      maskGeometryOf = geometry;
    }
    int[] next = {0};
    maskEvaluator.evaluate(
        maskGeometry,
        plan,
        (y0, x0, height, width) -> {
          for (MaskWindow w : masks) {
            if (w.y0() == y0 && w.x0() == x0 && w.height() == height && w.width() == width) {
              return w.mask();
            }
          }
          throw new IllegalStateException(
              "the receptive-field stack read a window the tile did not: "
                  + height
                  + "x"
                  + width
                  + " at "
                  + y0
                  + ","
                  + x0);
        },
        region -> {
          int p = next[0]++;
          TilePart part = parts.get(p);
          if (part.layer() != region.layer()
              || part.y0() != region.y0()
              || part.x0() != region.x0()) {
            throw new IllegalStateException("the receptive-field stack wrote another region");
          }
          long valid = 0;
          float[] data = region.data();
          for (int y = 0; y < region.height(); y++) {
            int from = region.offset(0, y);
            for (int x = from, end = from + region.width(); x < end; x++) {
              if (data[x] == 0f) {
                valid++;
              }
            }
          }
          fractions[p] = (double) valid / ((long) region.height() * region.width());
        });
  }
}
