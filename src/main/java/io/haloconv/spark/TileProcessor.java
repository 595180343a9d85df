package io.haloconv.spark;

import io.haloconv.conv.Conv2d;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.HaloWindow;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Set;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The executor side of a featurize job: for each tile of its partition, read the window (halo and
 * padding included), convolve, encode, and emit one output row. Rows are produced lazily, one tile at
 * a time, so a task holds one tile's window and features, plus the decoded image for formats that
 * cannot read regions.
 *
 * <p>A tile that fails makes its image a bad record: the task skips the image's remaining tiles,
 * and the driver removes tiles of it written by other tasks.
 */
final class TileProcessor implements FlatMapFunction<Iterator<TileTask[]>, Row> {
  private final Broadcast<ConvBroadcast> conv;
  private final DecodeSettings settings;
  private final HadoopConf hadoop;
  private final CollectionAccumulator<BadRecord> errors;
  private final TaskMetrics metrics;

  TileProcessor(
      Broadcast<ConvBroadcast> conv,
      DecodeSettings settings,
      HadoopConf hadoop,
      CollectionAccumulator<BadRecord> errors,
      TaskMetrics metrics) {
    this.conv = conv;
    this.settings = settings;
    this.hadoop = hadoop;
    this.errors = errors;
    this.metrics = metrics;
  }

  @Override
  public Iterator<Row> call(Iterator<TileTask[]> chunks) {
    return TaskFaults.wrap(new Rows(chunks)); // the rows themselves unless a test set faults
  }

  private final class Rows implements Iterator<Row> {
    private final Iterator<TileTask[]> chunks;
    private TileTask[] chunk = new TileTask[0];
    private int position;
    private Row next;
    private Conv2d conv2d;
    private Tensor3 output;
    private String openPath;
    private ImageSource source;
    private final Set<String> failed = new HashSet<>();

    Rows(Iterator<TileTask[]> chunks) {
      this.chunks = chunks;
    }

    @Override
    public boolean hasNext() {
      while (next == null) {
        if (position == chunk.length) {
          if (!chunks.hasNext()) {
            closeSource();
            return false;
          }
          chunk = chunks.next();
          position = 0;
          continue;
        }
        next = process(chunk[position++]);
      }
      return true;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row row = next;
      next = null;
      return row;
    }

    /** The row of one tile, or null when its image failed. */
    private Row process(TileTask task) {
      ImageInfo image = task.image();
      if (failed.contains(image.path())) {
        return null;
      }
      if (conv2d == null) {
        ConvBroadcast value = conv.value();
        conv2d = new Conv2d(value.bank(), value.spec());
      }
      Tile tile = task.tile();
      long t0 = System.nanoTime();
      Tensor3 window;
      try {
        window = HaloWindow.read(tile.input(), conv2d.inputChannels(), image.height(),
            image.width(), conv2d.spec().paddingMode(), sourceFor(image)::read);
      } catch (IOException | RuntimeException e) {
        fail(image, "decode", e);
        return null;
      }
      long t1 = System.nanoTime();
      Tensor3 features;
      try {
        features = outputBuffer(tile.outHeight(), tile.outWidth());
        conv2d.convolveWindow(window, features);
      } catch (RuntimeException e) {
        fail(image, "convolve", e);
        return null;
      }
      long t2 = System.nanoTime();
      byte[] bytes = new byte[features.size() * settings.precision().bytesPerValue()];
      settings.precision().encode(features.data(), 0, features.size(), bytes, 0);
      long t3 = System.nanoTime();
      metrics.readNanos.add(t1 - t0);
      metrics.convolveNanos.add(t2 - t1);
      metrics.encodeNanos.add(t3 - t2);
      metrics.tiles.add(1);
      metrics.inputPixels.add((long) window.height() * window.width());
      metrics.outputValues.add(features.size());
      return RowFactory.create(image.path(), tile.outY0(), tile.outX0(), tile.outHeight(),
          tile.outWidth(), features.channels(), task.outHeight(), task.outWidth(),
          settings.precision().dtype(), bytes);
    }

    /** The output tensor, reused across the task's tiles of one size: it is encoded before reuse. */
    private Tensor3 outputBuffer(int height, int width) {
      if (output == null || output.height() != height || output.width() != width) {
        output = Tensor3.zeros(conv2d.bank().filters(), height, width);
      }
      return output;
    }

    private ImageSource sourceFor(ImageInfo image) throws IOException {
      if (!image.path().equals(openPath)) {
        closeSource();
        Path path = new Path(image.path());
        FileSystem fs = path.getFileSystem(hadoop.get());
        source = ImageSource.open(fs, image, settings.channels(), settings.normalization());
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
