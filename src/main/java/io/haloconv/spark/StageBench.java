package io.haloconv.spark;

import io.haloconv.conv.Conv2d;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.HaloWindow;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import scala.Tuple2;

/**
 * A benchmark, not a test: each stage of a featurize job measured alone, on the job's own tiles and
 * groups, to compare with the end-to-end job.
 *
 * <ul>
 *   <li>decode: every tile's padded window read as the tasks read it (one {@link ImageSource} per
 *       image and group, tiles in task order), by {@code threads} threads, nothing else;
 *   <li>kernel: every tile convolved from a synthetic window of its size, by {@code threads}
 *       threads;
 *   <li>write: a Spark job on the same groups encoding precomputed features of every tile's size
 *       and writing them with the job's Parquet settings.
 * </ul>
 *
 * <p>Throughputs are input megapixels per second of wall time, as the job's.
 */
public final class StageBench {
  private StageBench() {}

  /** Seconds per stage, and the sizes they cover. */
  public record Report(long imagePixels, long tiles, int groups, double decodeSeconds,
      double kernelSeconds, double writeSeconds, long writeBytes) {}

  /** The tiles of the job's input, in task order, grouped as the job would group them. */
  private record Planned(List<List<TileTask>> groups, long imagePixels, long tiles) {}

  public static Report run(SparkSession spark, JobConfig config, int threads, String scratchDir,
      PrintStream log) throws Exception {
    Planned planned = plan(spark, config, threads);
    log.printf("stages: %d tiles of %.0f megapixels in %d groups%n", planned.tiles(),
        planned.imagePixels() / 1e6, planned.groups().size());
    double decode = decode(spark, config, planned, threads);
    log.printf("stages: decode alone %.1f s%n", decode);
    double kernel = kernel(config, planned, threads);
    log.printf("stages: kernel alone %.1f s%n", kernel);
    Path out = new Path(scratchDir);
    double write = write(spark, config, planned, out);
    FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
    long bytes = 0;
    for (FileStatus s : fs.listStatus(out)) {
      if (s.getPath().getName().endsWith(".parquet")) {
        bytes += s.getLen();
      }
    }
    fs.delete(out, true);
    log.printf("stages: encode+write alone %.1f s, %.1f MB%n", write, bytes / 1e6);
    return new Report(planned.imagePixels(), planned.tiles(), planned.groups().size(), decode,
        kernel, write, bytes);
  }

  private static Planned plan(SparkSession spark, JobConfig config, int threads)
      throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    DistributedListing.Plan listing =
        DistributedListing.plan(conf, config.input(), Integer.MAX_VALUE, Integer.MAX_VALUE);
    List<String> files = listing.files();
    ProbeOutcome[] probes = new ProbeOutcome[files.size()];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(pool.submit(() -> {
          for (int i = next.getAndIncrement(); i < probes.length; i = next.getAndIncrement()) {
            Path path = new Path(files.get(i));
            try {
              probes[i] = ProbeOutcome.ok(ImageProbe.probe(path.getFileSystem(conf), path,
                  config.maxPixels()));
            } catch (IOException e) {
              probes[i] = ProbeOutcome.failed(BadRecords.of(files.get(i), "probe", e));
            }
          }
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    ImagePlanner planner = new ImagePlanner(config);
    List<ProbeOutcome> all = Arrays.asList(probes);
    WorkPlan.PartitionStats stats = WorkPlan.stats(all.iterator(), planner, Long.MAX_VALUE);
    WorkPlan plan = WorkPlan.fromStats(planner, List.of(stats), spark.sparkContext()
        .defaultParallelism(), config.partitions());
    List<List<TileTask>> groups = new ArrayList<>();
    for (int g = 0; g < plan.groups(); g++) {
      groups.add(new ArrayList<>());
    }
    Iterator<Tuple2<Long, TileTask>> it = plan.assign(0, all.iterator(), java.util.Set.of());
    long pixels = 0;
    long tiles = 0;
    while (it.hasNext()) {
      Tuple2<Long, TileTask> t = it.next();
      groups.get((int) (t._1() >>> 40)).add(t._2());
      if (t._2().tile().index() == 0) {
        pixels += t._2().image().pixels();
      }
      tiles++;
    }
    return new Planned(groups, pixels, tiles);
  }

  /** Runs {@code work} on each group, {@code threads} groups at a time; wall seconds. */
  private interface GroupWork {
    void run(List<TileTask> group) throws Exception;
  }

  private static double parallel(Planned planned, int threads, GroupWork work) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    long start = System.nanoTime();
    try {
      List<Future<?>> done = new ArrayList<>();
      for (List<TileTask> group : planned.groups()) {
        done.add(pool.submit(() -> {
          work.run(group);
          return null;
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    return (System.nanoTime() - start) / 1e9;
  }

  private static double decode(SparkSession spark, JobConfig config, Planned planned,
      int threads) throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    int channels = config.spec().inputChannels(config.bank());
    return parallel(planned, threads, group -> {
      String open = null;
      ImageSource source = null;
      try {
        for (TileTask task : group) {
          ImageInfo image = task.image();
          if (!image.path().equals(open)) {
            if (source != null) {
              source.close();
            }
            Path path = new Path(image.path());
            source = ImageSource.open(path.getFileSystem(conf), image, config.channels(),
                config.normalization());
            open = image.path();
          }
          HaloWindow.read(task.tile().input(), channels, image.height(), image.width(),
              config.spec().paddingMode(), source::read);
        }
      } finally {
        if (source != null) {
          source.close();
        }
      }
    });
  }

  private static double kernel(JobConfig config, Planned planned, int threads)
      throws Exception {
    int channels = config.spec().inputChannels(config.bank());
    return parallel(planned, threads, group -> {
      Conv2d conv = new Conv2d(config.bank(), config.spec());
      Map<Long, Tensor3> windows = new LinkedHashMap<>();
      Map<Long, Tensor3> outputs = new LinkedHashMap<>();
      Random random = new Random(1);
      for (TileTask task : group) {
        Tile tile = task.tile();
        long size = (long) tile.input().height() << 32 | tile.input().width();
        Tensor3 window = windows.computeIfAbsent(size, s -> {
          Tensor3 w = Tensor3.zeros(channels, tile.input().height(), tile.input().width());
          for (int i = 0; i < w.size(); i++) {
            w.data()[i] = random.nextFloat();
          }
          return w;
        });
        Tensor3 out = outputs.computeIfAbsent((long) tile.outHeight() << 32 | tile.outWidth(),
            s -> Tensor3.zeros(config.bank().filters(), tile.outHeight(), tile.outWidth()));
        conv.convolveWindow(window, out);
        if (windows.size() > 64) { // many small images: keep a bounded set of buffers
          windows.clear();
          outputs.clear();
        }
      }
    });
  }

  private static double write(SparkSession spark, JobConfig config, Planned planned, Path out)
      throws Exception {
    // Real features to encode: the first tile of the input, convolved, reused for every tile.
    TileTask first = planned.groups().stream().filter(g -> !g.isEmpty()).findFirst()
        .orElseThrow().get(0);
    int maxValues = 0;
    List<int[][]> shapes = new ArrayList<>();
    for (List<TileTask> group : planned.groups()) {
      int[][] sizes = new int[group.size()][];
      for (int i = 0; i < sizes.length; i++) {
        Tile t = group.get(i).tile();
        sizes[i] = new int[] {t.outHeight(), t.outWidth()};
        maxValues = Math.max(maxValues, t.outHeight() * t.outWidth());
      }
      shapes.add(sizes);
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    Conv2d conv = new Conv2d(config.bank(), config.spec());
    ImageInfo image = first.image();
    Tensor3 features;
    Path path = new Path(image.path());
    try (ImageSource source = ImageSource.open(path.getFileSystem(conf), image,
        config.channels(), config.normalization())) {
      Tensor3 window = HaloWindow.read(first.tile().input(), conv.inputChannels(),
          image.height(), image.width(), config.spec().paddingMode(), source::read);
      features = conv.convolveWindow(window, first.tile().outHeight(), first.tile().outWidth());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int k = config.bank().filters();
    float[] values = new float[k * maxValues];
    for (int i = 0; i < values.length; i++) {
      values[i] = features.data()[i % features.size()];
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<float[]> broadcast = jsc.broadcast(values);
    var precision = config.precision();
    String dtype = precision.dtype();
    JavaRDD<Row> rows = jsc.parallelize(shapes, shapes.size()).flatMap(sizes -> {
      float[] v = broadcast.value();
      return new Iterator<Row>() {
        int i;

        @Override
        public boolean hasNext() {
          return i < sizes.length;
        }

        @Override
        public Row next() {
          int h = sizes[i][0];
          int w = sizes[i][1];
          i++;
          byte[] bytes = new byte[k * h * w * precision.bytesPerValue()];
          precision.encode(v, 0, k * h * w, bytes, 0);
          return RowFactory.create("file:/bench", 0, 0, h, w, k, h, w, dtype, bytes);
        }
      };
    });
    ImagePlanner planner = new ImagePlanner(config);
    long rowGroup = ParquetLayout.rowGroupBytes(
        planner.maxRowBytes(k, precision.bytesPerValue()), Runtime.getRuntime().maxMemory(),
        spark.sparkContext().defaultParallelism());
    long start = System.nanoTime();
    spark.createDataFrame(rows, Schemas.FEATURES).write()
        .options(ParquetLayout.options(config.compression(), rowGroup))
        .mode("overwrite").parquet(out.toString());
    double seconds = (System.nanoTime() - start) / 1e9;
    broadcast.destroy();
    return seconds;
  }
}
