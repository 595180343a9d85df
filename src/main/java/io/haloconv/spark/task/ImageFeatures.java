package io.haloconv.spark.task;

import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.spark.Featurizer;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecordException;
import io.haloconv.spark.badrecord.BadRecordSink;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.output.LayerLayout;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.StackGrid;
import io.haloconv.stack.TilePlan;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.Tile;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.OptionalInt;
import org.apache.spark.sql.Row;

/**
 * Executor side of {@link Featurizer}: turns a partition's images, one input row each, into feature
 * rows of design.md §3. Each image is probed, checked against the layer stack (one convolution, or
 * {@code --layers}), cut into output tiles, and each tile evaluated by the {@link StackEvaluator}
 * and encoded exactly as the featurize job does, so the values are bitwise the same.
 *
 * <p>An image's rows are held back until its last tile succeeded (up to {@link
 * FeaturizeSettings#maxBufferedBytes}), so a bad image yields no rows at all, never part of its
 * map. An image whose features exceed that bound streams its tiles; if it then fails part-way, the
 * task fails whatever the mode, since rows already passed on cannot be taken back.
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
  private final FeaturizeSettings settings;
  private final BadRecordSink sink;
  private final TaskMetrics metrics;
  private final Deque<Row> ready = new ArrayDeque<>();
  private StackEvaluator evaluator;

  public ImageFeatures(
      Iterator<Prepared> images,
      FeaturizeSettings settings,
      BadRecordSink sink,
      TaskMetrics metrics) {
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
    if (evaluator == null) {
      evaluator = new StackEvaluator(settings.stack());
    }
    LayerStack stack = evaluator.stack();
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
    StackGrid grid = geometry.grid(settings.tileHeight(), settings.tileWidth());
    long featureBytes = 0;
    for (int index : stack.writtenLayers()) {
      int level = index + 1;
      featureBytes +=
          (long) geometry.channels(level)
              * geometry.height(level)
              * geometry.width(level)
              * settings.precision().bytesPerValue();
    }
    boolean stream = featureBytes > settings.maxBufferedBytes();
    Deque<Row> rows = stream ? ready : new ArrayDeque<>();
    boolean[] reading = {false};
    for (int i = 0; i < grid.count(); i++) {
      Tile tile = grid.tile(i);
      long t0 = System.nanoTime();
      long[] nanos = new long[2]; // read, encode
      long[] values = {0};
      TilePlan plan;
      try {
        plan = geometry.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
        evaluator.evaluate(
            geometry,
            plan,
            (y0, x0, height, width) -> {
              long r0 = System.nanoTime();
              reading[0] = true;
              Tensor3 region = source.read(y0, x0, height, width);
              reading[0] = false;
              nanos[0] += System.nanoTime() - r0;
              return region;
            },
            region -> {
              long e0 = System.nanoTime();
              rows.add(
                  sink.featureRow(LayerLayout.row(id, geometry, region, settings.precision())));
              values[0] += region.size();
              nanos[1] += System.nanoTime() - e0;
            });
      } catch (IOException | RuntimeException e) {
        BadRecord record = BadRecords.of(id, reading[0] ? BadRecord.DECODE : BadRecord.CONVOLVE, e);
        reading[0] = false;
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
    if (!stream) {
      ready.addAll(rows);
    }
  }

  /** Reads back the layer stack that the driver serialised into the broadcast. */
  public static LayerStack deserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (LayerStack) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the broadcast layer stack", e);
    }
  }
}
