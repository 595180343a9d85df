package io.haloconv.spark.task;

import io.haloconv.io.DecodeMemory;
import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageSource;
import io.haloconv.io.NodataMask;
import io.haloconv.spark.Featurizer;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecordException;
import io.haloconv.spark.badrecord.BadRecordSink;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.spark.output.RowFormat;
import io.haloconv.spark.plan.ImagePlanner;
import io.haloconv.stack.CellStats;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tiling.TileGrid;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.spark.sql.Row;

/**
 * Executor side of {@link Featurizer}: turns a partition's images, one input row each, into feature
 * rows of design.md §3. Each image is probed, checked against the layer stack (one convolution, or
 * {@code --layers}), cut into output tiles, and each tile evaluated by the {@link StackEvaluator}
 * and encoded exactly as the featurize job does, so the values are bitwise the same.
 *
 * <p>An image's rows are held back until its last tile succeeded (up to {@link
 * TaskSettings#maxBufferedBytes}), so a bad image yields no rows at all, never part of its map. An
 * image whose features exceed that bound streams its tiles; if it then fails part-way, the task
 * fails whatever the mode, since rows already passed on cannot be taken back.
 */
public final class ImageFeatures implements Iterator<Row> {
  /** One input row made ready: an opened image, or why there is none. */
  public record Prepared(String id, ImageSource source, BadRecord failure) {
    public static Prepared ok(String id, ImageSource source) {
      return new Prepared(id, source, null);
    }

    public static Prepared bad(BadRecord failure) {
      return new Prepared(failure.path(), null, failure);
    }
  }

  private final Iterator<Prepared> images;
  private final TaskSettings settings;
  private final BadRecordSink sink;
  private final TaskMetrics metrics;
  private final Deque<Row> ready = new ArrayDeque<>();
  private TileRunner<Row> runner;

  public ImageFeatures(
      Iterator<Prepared> images, TaskSettings settings, BadRecordSink sink, TaskMetrics metrics) {
    this.images = images;
    this.settings = settings;
    this.sink = sink;
    this.metrics = metrics;
  }

  @Override
  public boolean hasNext() {
    while (ready.isEmpty() && images.hasNext()) {
      featurize(images.next());
    }
    return !ready.isEmpty();
  }

  @Override
  public Row next() {
    if (!hasNext()) {
      throw new NoSuchElementException();
    }
    return ready.poll();
  }

  private void featurize(Prepared image) {
    if (image.failure() != null) {
      sink.accept(image.failure(), ready);
      return;
    }
    try (ImageSource source = image.source()) {
      featurize(image.id(), source);
    }
  }

  private void featurize(String id, ImageSource source) {
    if (runner == null) {
      runner =
          new TileRunner<>(
              RowFormat.ROWS,
              settings.stack().get(),
              settings.precision(),
              metrics,
              settings.emptyTiles());
    }
    LayerStack stack = runner.stack();
    ImageInfo info = source.info();
    OptionalInt need = stack.inputChannels();
    if (need.isPresent() && source.channels() != need.getAsInt()) {
      sink.accept(
          new BadRecord(
              id,
              BadRecord.CONVOLVE,
              ErrorKind.CHANNEL_MISMATCH,
              "filters expect " + need.getAsInt() + " channels, image has " + source.channels()),
          ready);
      return;
    }
    StackGeometry geometry;
    try {
      geometry = stack.geometry(source.channels(), info.height(), info.width());
    } catch (IllegalArgumentException e) {
      sink.accept(
          new BadRecord(
              id,
              BadRecord.CONVOLVE,
              ErrorKind.TOO_SMALL,
              "image is " + info.width() + "x" + info.height() + ": " + e.getMessage()),
          ready);
      return;
    }
    TileGrid grid = geometry.grid(settings.tileHeight(), settings.tileWidth());
    if (DecodeMemory.decodesWhole(info, false)) {
      // Nothing here streams into scratch rasters: an image not read by window is decoded whole,
      // so one that cannot fit the task is refused before any pixel is decoded.
      long needed = DecodeMemory.wholeDecodeBytes(info, ImagePlanner.largestWindow(geometry, grid));
      try {
        DecodeMemory.requireFits(info, needed, settings.memory());
      } catch (ImageReadException e) {
        sink.accept(BadRecords.of(id, BadRecord.PROBE, e), ready);
        return;
      }
    }
    long featureBytes = 0;
    for (int index : stack.writtenLayers()) {
      int level = index + 1;
      featureBytes +=
          (long) geometry.channels(level)
              * geometry.height(level)
              * geometry.width(level)
              * settings.precision().bytesPerValue();
    }
    boolean embeds = EmbeddingRows.embeds(stack);
    // An embedding is a few values per cell: its partials are merged here, never streamed.
    boolean stream = !embeds && featureBytes > settings.maxBufferedBytes();
    Deque<Row> rows = stream ? ready : new ArrayDeque<>();
    // Every tile of an image runs in this task, so its cells merge here (in tile order; the exact
    // sums make the order irrelevant, and the values are the featurize job's bit for bit).
    Map<Long, CellStats> cells = new TreeMap<>();
    Consumer<Row> out =
        embeds
            ? partial ->
                cells.merge(
                    cellKey(EmbeddingRows.stats(partial)),
                    EmbeddingRows.stats(partial),
                    CellStats::merge)
            : row -> rows.add(sink.featureRow(row));
    List<String> empty = new ArrayList<>();
    NodataMask nodata = settings.nodata().maskFor(info);
    for (int i = 0; i < grid.count(); i++) {
      try {
        int[] skipped =
            runner.run(id, info.georeference(), nodata, geometry, grid.tile(i), source::read, out);
        if (skipped != null) {
          empty.add(TaskMetrics.emptyEntry(id, skipped));
        }
      } catch (TileRunner.TileFailure e) {
        BadRecord record = BadRecords.of(id, e.stage(), e.failure());
        if (stream && i > 0) {
          throw new BadRecordException(
              new BadRecord(
                  id,
                  record.stage(),
                  record.error(),
                  record.message()
                      + " (after "
                      + i
                      + " of its "
                      + grid.count()
                      + " tiles were passed on)"));
        }
        sink.accept(record, ready);
        return;
      }
    }
    for (CellStats cell : cells.values()) {
      rows.add(sink.featureRow(EmbeddingRows.encode(id, cell)));
    }
    if (!stream) {
      ready.addAll(rows);
    }
    if (metrics != null) {
      empty.forEach(metrics.emptyTiles::add); // only for images that succeeded
    }
  }

  /** Cells in row-major order. */
  private static long cellKey(CellStats cell) {
    return ((long) cell.row() << 32) | cell.col();
  }
}
