package io.haloconv.spark;

import io.haloconv.conv.Conv2d;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.HaloWindow;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileGrid;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * Executor side of {@link Featurizer}: turns a partition's images, one input row each, into feature
 * rows of DESIGN §3. Each image is probed, checked against the bank, cut into tiles by {@link
 * TileGrid}, and each tile read with its halo, convolved and encoded exactly as the featurize job
 * does, so the values are bitwise the same.
 *
 * <p>An image's rows are held back until its last tile succeeded (up to {@link
 * FeaturizeSettings#maxBufferedBytes}), so a bad image yields no rows at all, never part of its map.
 * An image whose features exceed that bound streams its tiles; if it then fails part-way, the task
 * fails whatever the mode, since rows already passed on cannot be taken back.
 */
final class ImageFeatures implements Iterator<Row> {
  /** One input row made ready: an opened image, or why there is none. */
  record Prepared(String id, ImageSource source, BadRecord failure) {
    static Prepared ok(String id, ImageSource source) {
      return new Prepared(id, source, null);
    }

    static Prepared bad(BadRecord failure) {
      return new Prepared(failure.path(), null, failure);
    }
  }

  private final Iterator<Prepared> images;
  private final FeaturizeSettings settings;
  private final BadRecordSink sink;
  private final TaskMetrics metrics;
  private final Deque<Row> ready = new ArrayDeque<>();
  private Conv2d conv2d;
  private Tensor3 output;

  ImageFeatures(Iterator<Prepared> images, FeaturizeSettings settings, BadRecordSink sink,
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
    if (conv2d == null) {
      ConvBroadcast conv = settings.conv();
      conv2d = new Conv2d(conv.bank(), conv.spec());
    }
    ImageInfo info = source.info();
    int need = conv2d.inputChannels();
    if (source.channels() != need) {
      sink.accept(new BadRecord(id, BadRecord.CONVOLVE, ErrorKind.CHANNEL_MISMATCH,
          "filters expect " + need + " channels, image has " + source.channels()), ready);
      return;
    }
    ConvGeometry geometry;
    try {
      geometry = conv2d.spec().geometry(info.height(), info.width());
    } catch (IllegalArgumentException e) {
      sink.accept(new BadRecord(id, BadRecord.CONVOLVE, ErrorKind.TOO_SMALL,
          "image is " + info.width() + "x" + info.height() + ": " + e.getMessage()), ready);
      return;
    }
    TileGrid grid = new TileGrid(geometry, settings.tileHeight(), settings.tileWidth());
    long featureBytes = (long) conv2d.bank().filters() * geometry.outHeight()
        * geometry.outWidth() * settings.precision().bytesPerValue();
    boolean stream = featureBytes > settings.maxBufferedBytes();
    Deque<Row> rows = stream ? ready : new ArrayDeque<>();
    for (int i = 0; i < grid.count(); i++) {
      Tile tile = grid.tile(i);
      long t0 = System.nanoTime();
      String stage = "decode";
      try {
        Tensor3 window = HaloWindow.read(tile.input(), need, info.height(), info.width(),
            conv2d.spec().paddingMode(), source::read);
        long t1 = System.nanoTime();
        stage = "convolve";
        Tensor3 features = outputBuffer(tile.outHeight(), tile.outWidth());
        conv2d.convolveWindow(window, features);
        long t2 = System.nanoTime();
        byte[] bytes = new byte[features.size() * settings.precision().bytesPerValue()];
        settings.precision().encode(features.data(), 0, features.size(), bytes, 0);
        long t3 = System.nanoTime();
        if (metrics != null) {
          metrics.readNanos.add(t1 - t0);
          metrics.convolveNanos.add(t2 - t1);
          metrics.encodeNanos.add(t3 - t2);
          metrics.tiles.add(1);
          metrics.inputPixels.add((long) window.height() * window.width());
          metrics.outputValues.add(features.size());
        }
        rows.add(sink.featureRow(RowFactory.create(id, tile.outY0(), tile.outX0(),
            tile.outHeight(), tile.outWidth(), features.channels(), geometry.outHeight(),
            geometry.outWidth(), settings.precision().dtype(), bytes)));
      } catch (IOException | RuntimeException e) {
        BadRecord record = BadRecords.of(id, stage, e);
        if (stream && i > 0) {
          throw new BadRecordException(new BadRecord(id, stage, record.error(), record.message()
              + " (after " + i + " of its " + grid.count() + " tiles were passed on)"));
        }
        sink.accept(record, ready);
        return;
      }
    }
    if (!stream) {
      ready.addAll(rows);
    }
  }

  /** The output tensor, reused across tiles of one size: it is encoded before reuse. */
  private Tensor3 outputBuffer(int height, int width) {
    if (output == null || output.height() != height || output.width() != width) {
      output = Tensor3.zeros(conv2d.bank().filters(), height, width);
    }
    return output;
  }

  /** Reads back the bank and spec that the driver serialised into the broadcast. */
  static ConvBroadcast deserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (ConvBroadcast) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the broadcast filter bank", e);
    }
  }
}
