package io.haloconv.spark.task;

import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.spark.HadoopConf;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecordException;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.RowFormat;
import io.haloconv.spark.plan.TileTask;
import io.haloconv.stack.StackGeometry;
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
 *
 * @param <R> the row type ({@link RowFormat})
 */
public final class TileProcessor<R> implements FlatMapFunction<Iterator<TileTask[]>, R> {
  private final TaskSettings settings;
  private final HadoopConf hadoop;
  private final CollectionAccumulator<BadRecord> errors;
  private final TaskMetrics metrics;
  private final RowFormat<R> format;

  /** Scratch rasters of images streamed into one before the tiles run, by image path. */
  private final Map<String, String> scratch;

  public TileProcessor(
      RowFormat<R> format,
      TaskSettings settings,
      HadoopConf hadoop,
      CollectionAccumulator<BadRecord> errors,
      TaskMetrics metrics) {
    this(format, settings, hadoop, errors, metrics, Map.of());
  }

  /**
   * @param format the rows' form: {@link RowFormat#INTERNAL} for feature rows Spark writes, {@link
   *     RowFormat#ROWS} for embedding partials
   */
  public TileProcessor(
      RowFormat<R> format,
      TaskSettings settings,
      HadoopConf hadoop,
      CollectionAccumulator<BadRecord> errors,
      TaskMetrics metrics,
      Map<String, String> scratch) {
    this.format = format;
    this.settings = settings;
    this.hadoop = hadoop;
    this.errors = errors;
    this.metrics = metrics;
    this.scratch = new HashMap<>(scratch);
  }

  @Override
  public Iterator<R> call(Iterator<TileTask[]> chunks) {
    return TaskFaults.wrap(new Rows(chunks)); // the rows themselves unless a test set faults
  }

  private final class Rows implements Iterator<R> {
    private final Iterator<TileTask[]> chunks;
    private TileTask[] chunk = new TileTask[0];
    private int position;
    private final ArrayDeque<R> pending = new ArrayDeque<>();
    private TileRunner<R> runner;
    private String geometryPath;
    private StackGeometry geometry;
    private String openPath;
    private ImageSource source;
    private final Set<String> failed = new HashSet<>();
    private final HadoopConf.FileSystems fileSystems = hadoop.fileSystems();

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
    public R next() {
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
      if (runner == null) {
        runner =
            new TileRunner<>(
                format,
                settings.stack().get(),
                settings.precision(),
                metrics,
                settings.emptyTiles());
      }
      int before = pending.size();
      try {
        int[] skipped =
            runner.run(
                image.path(),
                image.georeference(),
                settings.nodata().maskFor(image),
                geometryFor(image),
                task.tile(),
                (y0, x0, height, width, nodata) ->
                    sourceFor(image).read(y0, x0, height, width, nodata),
                pending::add);
        if (skipped != null && metrics != null) {
          metrics.emptyTiles.add(TaskMetrics.emptyEntry(image.path(), skipped));
        }
      } catch (TileRunner.TileFailure e) {
        while (pending.size() > before) {
          pending.pollLast();
        }
        fail(image, e.stage(), e.failure());
      } catch (RuntimeException e) {
        // The geometry of an image the planner accepted: a bug, not a bad image; still the image's.
        while (pending.size() > before) {
          pending.pollLast();
        }
        fail(image, BadRecord.CONVOLVE, e);
      }
    }

    /** The stack's geometry for {@code image}, kept while the task stays on one image. */
    private StackGeometry geometryFor(ImageInfo image) {
      if (!image.path().equals(geometryPath)) {
        geometry =
            runner
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
        FileSystem fs = fileSystems.of(path);
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
