package io.haloconv.spark.task;

import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.spark.HadoopConf;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecordException;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.LayerLayout;
import io.haloconv.spark.plan.TileTask;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.TilePlan;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The executor side of a featurize job: for each tile of its partition, evaluate the layer stack
 * (reading the image spans the tile's plan needs; padding at every layer's edge is the
 * evaluator's), encode, and emit one row per written layer the tile contributes to. Rows are
 * produced lazily, one tile at a time, so a task holds one tile's maps in its evaluator's reused
 * buffers, plus the decoded image for formats that cannot read regions (unless the image was
 * streamed into a scratch raster first, which it reads by window).
 *
 * <p>A tile that fails makes its image a bad record: the task skips the image's remaining tiles,
 * and the driver removes tiles of it written by other tasks.
 */
public final class TileProcessor implements FlatMapFunction<Iterator<TileTask[]>, Row> {
  private final Broadcast<LayerStack> stack;
  private final DecodeSettings settings;
  private final HadoopConf hadoop;
  private final CollectionAccumulator<BadRecord> errors;
  private final TaskMetrics metrics;

  /** Scratch rasters of images streamed into one before the tiles run, by image path. */
  private final Map<String, String> scratch;

  public TileProcessor(
      Broadcast<LayerStack> stack,
      DecodeSettings settings,
      HadoopConf hadoop,
      CollectionAccumulator<BadRecord> errors,
      TaskMetrics metrics) {
    this(stack, settings, hadoop, errors, metrics, Map.of());
  }

  public TileProcessor(
      Broadcast<LayerStack> stack,
      DecodeSettings settings,
      HadoopConf hadoop,
      CollectionAccumulator<BadRecord> errors,
      TaskMetrics metrics,
      Map<String, String> scratch) {
    this.stack = stack;
    this.settings = settings;
    this.hadoop = hadoop;
    this.errors = errors;
    this.metrics = metrics;
    this.scratch = new HashMap<>(scratch);
  }

  @Override
  public Iterator<Row> call(Iterator<TileTask[]> chunks) {
    return TaskFaults.wrap(new Rows(chunks)); // the rows themselves unless a test set faults
  }

  private final class Rows implements Iterator<Row> {
    private final Iterator<TileTask[]> chunks;
    private TileTask[] chunk = new TileTask[0];
    private int position;
    private final ArrayDeque<Row> pending = new ArrayDeque<>();
    private StackEvaluator evaluator;
    private String geometryPath;
    private StackGeometry geometry;
    private String openPath;
    private ImageSource source;
    private final Set<String> failed = new HashSet<>();

    Rows(Iterator<TileTask[]> chunks) {
      this.chunks = chunks;
    }

    @Override
    public boolean hasNext() {
      while (pending.isEmpty()) {
        if (position == chunk.length) {
          if (!chunks.hasNext()) {
            closeSource();
            return false;
          }
          chunk = chunks.next();
          position = 0;
          continue;
        }
        process(chunk[position++]);
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return pending.poll();
    }

    /** Queues the rows of one tile, or none when its image failed. */
    private void process(TileTask task) {
      ImageInfo image = task.image();
      if (failed.contains(image.path())) {
        return;
      }
      if (evaluator == null) {
        evaluator = new StackEvaluator(stack.value());
      }
      Tile tile = task.tile();
      Precision precision = settings.precision();
      long[] nanos = new long[2]; // read, encode
      boolean[] reading = {false};
      boolean[] encoding = {false};
      long[] values = {0};
      int before = pending.size();
      long t0 = System.nanoTime();
      TilePlan plan;
      try {
        StackGeometry g = geometryFor(image);
        plan = g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
        evaluator.evaluate(
            g,
            plan,
            (y0, x0, height, width) -> {
              long r0 = System.nanoTime();
              reading[0] = true;
              Tensor3 region = sourceFor(image).read(y0, x0, height, width);
              reading[0] = false;
              nanos[0] += System.nanoTime() - r0;
              return region;
            },
            region -> {
              long e0 = System.nanoTime();
              encoding[0] = true;
              pending.add(LayerLayout.row(image.path(), g, region, precision));
              encoding[0] = false;
              values[0] += region.size();
              nanos[1] += System.nanoTime() - e0;
            });
      } catch (IOException | RuntimeException e) {
        while (pending.size() > before) {
          pending.pollLast();
        }
        fail(
            image,
            reading[0] ? BadRecord.DECODE : encoding[0] ? BadRecord.WRITE : BadRecord.CONVOLVE,
            e);
        return;
      }
      long total = System.nanoTime() - t0;
      metrics.readNanos.add(nanos[0]);
      metrics.convolveNanos.add(total - nanos[0] - nanos[1]);
      metrics.encodeNanos.add(nanos[1]);
      metrics.tiles.add(1);
      metrics.inputPixels.add(plan.inputPixels());
      metrics.outputValues.add(values[0]);
    }

    /** The stack's geometry for {@code image}, kept while the task stays on one image. */
    private StackGeometry geometryFor(ImageInfo image) {
      if (!image.path().equals(geometryPath)) {
        geometry =
            evaluator
                .stack()
                .geometry(
                    settings.channels().outputChannels(image.channels()),
                    image.height(),
                    image.width());
        geometryPath = image.path();
      }
      return geometry;
    }

    private ImageSource sourceFor(ImageInfo image) throws IOException {
      if (!image.path().equals(openPath)) {
        closeSource();
        String staged = scratch.get(image.path());
        Path path = new Path(staged != null ? staged : image.path());
        FileSystem fs = path.getFileSystem(hadoop.get());
        source =
            staged != null
                ? ImageSource.openScratch(
                    fs, image, settings.channels(), settings.normalization(), path)
                : ImageSource.open(fs, image, settings.channels(), settings.normalization());
        openPath = image.path();
      }
      return source;
    }

    private void closeSource() {
      if (source != null) {
        source.close();
        source = null;
        openPath = null;
      }
    }

    private void fail(ImageInfo image, String stage, Exception e) {
      BadRecord record = BadRecords.of(image.path(), stage, e);
      if (settings.mode() == FailureMode.FAILFAST) {
        closeSource();
        throw new BadRecordException(record);
      }
      failed.add(image.path());
      errors.add(record);
      if (image.path().equals(openPath)) {
        closeSource();
      }
    }
  }
}
