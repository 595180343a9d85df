package io.haloconv.bench;

import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.tiff.ScratchRasters;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.listing.DistributedListing;
import io.haloconv.spark.output.OutputLayout;
import io.haloconv.spark.output.ParquetSettings;
import io.haloconv.spark.output.TileRows;
import io.haloconv.spark.plan.ImagePlanner;
import io.haloconv.spark.plan.ProbeOutcome;
import io.haloconv.spark.plan.ScratchStage;
import io.haloconv.spark.plan.TileTask;
import io.haloconv.spark.plan.WorkPlan;
import io.haloconv.stack.AxisPlan;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.TilePlan;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.unsafe.types.UTF8String;
import scala.Tuple2;

/**
 * A benchmark, not a test: each stage of a featurize job measured alone, on the job's own tiles and
 * groups, to compare with the end-to-end job.
 *
 * <ul>
 *   <li>decode: every tile's image spans read as the tasks read them (one {@link ImageSource} per
 *       image and group, tiles in task order, huge whole-decode images streamed into scratch
 *       rasters first), by {@code threads} threads, nothing else;
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

  /** The stages {@link #run} can measure. */
  public enum Stage {
    DECODE,
    KERNEL,
    WRITE,
    /**
     * The write as it was before feature rows were internal rows: external {@code Row}s through
     * {@code createDataFrame}, for a side-by-side comparison; reported as {@link Report#writeRows}.
     */
    WRITE_ROWS
  }

  /**
   * Wall seconds per stage, the process's CPU seconds in it (every thread: tasks, GC, JIT; on a
   * machine shared with other work, CPU time is the steadier measure), and the sizes they cover. A
   * stage not run has NaN seconds.
   */
  public record Report(
      long imagePixels,
      long tiles,
      int groups,
      double decodeSeconds,
      double kernelSeconds,
      double writeSeconds,
      long writeBytes,
      double decodeCpuSeconds,
      double kernelCpuSeconds,
      double writeCpuSeconds,
      double[] writeRows) {}

  private static double median(List<double[]> times, int index) {
    double[] v = new double[times.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = times.get(i)[index];
    }
    Arrays.sort(v);
    return v.length == 0
        ? Double.NaN
        : v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** The 1-minute load average, as /proc/loadavg gives it, or "?" where there is none. */
  private static String loadAverage() {
    try {
      return Files.readString(java.nio.file.Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }

  /** CPU seconds of this process so far, every thread. */
  private static double cpuSeconds() {
    java.lang.management.OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
    return os instanceof com.sun.management.OperatingSystemMXBean sun
        ? sun.getProcessCpuTime() / 1e9
        : Double.NaN;
  }

  /** The tiles of the job's input, in task order, grouped as the job would group them. */
  private record Planned(List<List<TileTask>> groups, long imagePixels, long tiles) {}

  public static Report run(
      SparkSession spark, JobConfig config, int threads, String scratchDir, PrintStream log)
      throws Exception {
    return run(
        spark,
        config,
        threads,
        scratchDir,
        log,
        EnumSet.of(Stage.DECODE, Stage.KERNEL, Stage.WRITE),
        1);
  }

  /**
   * {@link #run} of the {@code stages} given only, the write stages {@code writeRepeats} times
   * (after a warm-up round when more than once).
   */
  public static Report run(
      SparkSession spark,
      JobConfig config,
      int threads,
      String scratchDir,
      PrintStream log,
      Set<Stage> stages,
      int writeRepeats)
      throws Exception {
    Planned planned = plan(spark, config, threads);
    log.printf(
        "stages: %d tiles of %.0f megapixels in %d groups%n",
        planned.tiles(), planned.imagePixels() / 1e6, planned.groups().size());
    double decode = Double.NaN;
    double decodeCpu = Double.NaN;
    if (stages.contains(Stage.DECODE)) {
      double cpu0 = cpuSeconds();
      decode = decode(spark, config, planned, threads, scratchDir);
      decodeCpu = cpuSeconds() - cpu0;
      log.printf("stages: decode alone %.1f s, %.1f CPU s%n", decode, decodeCpu);
    }
    double kernel = Double.NaN;
    double kernelCpu = Double.NaN;
    if (stages.contains(Stage.KERNEL)) {
      double cpu0 = cpuSeconds();
      kernel = kernel(config, planned, threads);
      kernelCpu = cpuSeconds() - cpu0;
      log.printf("stages: kernel alone %.1f s, %.1f CPU s%n", kernel, kernelCpu);
    }
    double[] writeRows = {Double.NaN, Double.NaN};
    double write = Double.NaN;
    double writeCpu = Double.NaN;
    long bytes = 0;
    boolean rows = stages.contains(Stage.WRITE_ROWS);
    boolean internal = stages.contains(Stage.WRITE);
    if (rows || internal) {
      Pool pool = pool(spark, config, planned);
      Path out = new Path(scratchDir);
      FileSystem fs = out.getFileSystem(spark.sparkContext().hadoopConfiguration());
      // With repeats, one unmeasured round first (class loading, JIT), then rounds that alternate
      // which form goes first; medians of the measured rounds.
      int rounds = writeRepeats > 1 ? writeRepeats + 1 : 1;
      List<double[]> rowsTimes = new ArrayList<>();
      List<double[]> internalTimes = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
        boolean measured = rounds == 1 || round > 0;
        for (int turn = 0; turn < 2; turn++) {
          boolean internalTurn = (turn == 0) == (round % 2 == 0);
          if (internalTurn ? !internal : !rows) {
            continue;
          }
          double[] timed = write(spark, config, planned, pool, out, internalTurn);
          if (internalTurn) {
            bytes = 0;
            for (FileStatus s : fs.listStatus(out)) {
              if (s.getPath().getName().endsWith(".parquet")) {
                bytes += s.getLen();
              }
            }
          }
          fs.delete(out, true);
          log.printf(
              "stages: encode+write alone, %s rows, round %d%s: %.1f s, %.1f CPU s, load %s%n",
              internalTurn ? "internal" : "external",
              round,
              measured ? "" : " (warm-up)",
              timed[0],
              timed[1],
              loadAverage());
          if (measured) {
            (internalTurn ? internalTimes : rowsTimes).add(timed);
          }
        }
      }
      if (internal) {
        write = median(internalTimes, 0);
        writeCpu = median(internalTimes, 1);
        log.printf(
            "stages: encode+write alone %.1f s, %.1f CPU s, %.1f MB%n",
            write, writeCpu, bytes / 1e6);
      }
      if (rows) {
        writeRows = new double[] {median(rowsTimes, 0), median(rowsTimes, 1)};
        log.printf(
            "stages: encode+write alone, external rows %.1f s, %.1f CPU s%n",
            writeRows[0], writeRows[1]);
      }
    }
    return new Report(
        planned.imagePixels(),
        planned.tiles(),
        planned.groups().size(),
        decode,
        kernel,
        write,
        bytes,
        decodeCpu,
        kernelCpu,
        writeCpu,
        writeRows);
  }

  private static Planned plan(SparkSession spark, JobConfig config, int threads) throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    DistributedListing.Plan listing =
        DistributedListing.plan(
            conf, config.input(), config.pattern(), Integer.MAX_VALUE, Integer.MAX_VALUE);
    List<String> files = listing.files();
    ProbeOutcome[] probes = new ProbeOutcome[files.size()];
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      AtomicInteger next = new AtomicInteger();
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        done.add(
            pool.submit(
                () -> {
                  for (int i = next.getAndIncrement();
                      i < probes.length;
                      i = next.getAndIncrement()) {
                    Path path = new Path(files.get(i));
                    try {
                      probes[i] =
                          ProbeOutcome.ok(
                              ImageProbe.probe(path.getFileSystem(conf), path, config.maxPixels()));
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
    WorkPlan.PartitionStats stats = WorkPlan.stats(all.iterator(), planner);
    WorkPlan plan =
        WorkPlan.fromStats(
            planner,
            List.of(stats),
            spark.sparkContext().defaultParallelism(),
            config.partitions());
    List<List<TileTask>> groups = new ArrayList<>();
    for (int g = 0; g < plan.groups(); g++) {
      groups.add(new ArrayList<>());
    }
    Iterator<Tuple2<Long, TileTask>> it = plan.assign(0, all.iterator(), Set.of());
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
        done.add(
            pool.submit(
                () -> {
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

  private static double decode(
      SparkSession spark, JobConfig config, Planned planned, int threads, String scratchDir)
      throws Exception {
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    long start = System.nanoTime();
    // As the job: huge images that cannot be read by window are streamed into scratch rasters
    // first (one thread each), and their windows read from there.
    long minBytes =
        Long.parseLong(
            spark
                .conf()
                .get(ScratchStage.MIN_BYTES_KEY, Long.toString(ScratchStage.DEFAULT_MIN_BYTES)));
    Map<String, Path> scratch = new ConcurrentHashMap<>();
    List<ImageInfo> huge = new ArrayList<>();
    for (List<TileTask> group : planned.groups()) {
      for (TileTask task : group) {
        if (task.tile().index() == 0
            && task.tilesOfImage() > 1
            && ScratchRasters.worthStaging(task.image(), minBytes)) {
          huge.add(task.image());
        }
      }
    }
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int i = 0; i < huge.size(); i++) {
        ImageInfo image = huge.get(i);
        Path target = new Path(scratchDir + "-scratch", "image-" + i + ".tif");
        done.add(
            pool.submit(
                () -> {
                  ScratchRasters.write(
                      target.getFileSystem(conf),
                      image,
                      target,
                      ImageSource.DEFAULT_DECODE_TIMEOUT);
                  scratch.put(image.path(), target);
                  return null;
                }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
    double staging = (System.nanoTime() - start) / 1e9;
    double reading =
        parallel(
            planned,
            threads,
            group -> {
              String open = null;
              ImageSource source = null;
              StackGeometry g = null;
              try {
                for (TileTask task : group) {
                  ImageInfo image = task.image();
                  if (!image.path().equals(open)) {
                    if (source != null) {
                      source.close();
                    }
                    Path staged = scratch.get(image.path());
                    Path path = staged != null ? staged : new Path(image.path());
                    source =
                        staged != null
                            ? ImageSource.openScratch(
                                path.getFileSystem(conf),
                                image,
                                config.channels(),
                                config.normalization(),
                                staged)
                            : ImageSource.open(
                                path.getFileSystem(conf),
                                image,
                                config.channels(),
                                config.normalization());
                    g =
                        config
                            .stack()
                            .geometry(
                                config.channels().outputChannels(image.channels()),
                                image.height(),
                                image.width());
                    open = image.path();
                  }
                  // The image spans the tile's plan reads, as the evaluator reads them.
                  Tile tile = task.tile();
                  TilePlan plan =
                      g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
                  AxisPlan rows = plan.rows();
                  AxisPlan cols = plan.cols();
                  for (int r = 0; r < rows.spanCount(0); r++) {
                    for (int c = 0; c < cols.spanCount(0); c++) {
                      source.read(
                          rows.spanStart(0, r),
                          cols.spanStart(0, c),
                          rows.spanEnd(0, r) - rows.spanStart(0, r),
                          cols.spanEnd(0, c) - cols.spanStart(0, c));
                    }
                  }
                }
              } finally {
                if (source != null) {
                  source.close();
                }
              }
            });
    if (!huge.isEmpty()) {
      Path dir = new Path(scratchDir + "-scratch");
      dir.getFileSystem(conf).delete(dir, true);
    }
    return staging + reading;
  }

  private static double kernel(JobConfig config, Planned planned, int threads) throws Exception {
    // Synthetic pixels, copied from one random pool: about what a decoder's output costs to make.
    float[] pool = new float[1 << 22];
    Random random = new Random(1);
    for (int i = 0; i < pool.length; i++) {
      pool[i] = random.nextFloat();
    }
    return parallel(
        planned,
        threads,
        group -> {
          StackEvaluator evaluator = new StackEvaluator(config.stack());
          String open = null;
          StackGeometry g = null;
          for (TileTask task : group) {
            ImageInfo image = task.image();
            if (!image.path().equals(open)) {
              g =
                  config
                      .stack()
                      .geometry(
                          config.channels().outputChannels(image.channels()),
                          image.height(),
                          image.width());
              open = image.path();
            }
            int channels = g.channels(0);
            Tile tile = task.tile();
            TilePlan plan = g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
            evaluator.evaluate(
                g,
                plan,
                (y0, x0, height, width) -> {
                  Tensor3 w = Tensor3.zeros(channels, height, width);
                  float[] data = w.data();
                  for (int at = 0; at < data.length; at += pool.length) {
                    System.arraycopy(pool, 0, data, at, Math.min(pool.length, data.length - at));
                  }
                  return w;
                },
                region -> {});
          }
        });
  }

  /** The written layers' features of one tile, each as planar values. */
  private static List<float[]> features(JobConfig config, Configuration conf, TileTask task) {
    ImageInfo image = task.image();
    StackGeometry g =
        config
            .stack()
            .geometry(
                config.channels().outputChannels(image.channels()), image.height(), image.width());
    Tile tile = task.tile();
    List<float[]> computed = new ArrayList<>();
    Path path = new Path(image.path());
    try (ImageSource source =
        ImageSource.open(
            path.getFileSystem(conf), image, config.channels(), config.normalization())) {
      new StackEvaluator(config.stack())
          .evaluate(
              g,
              g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth()),
              source::read,
              region -> {
                float[] v = new float[region.size()];
                int at = 0;
                for (int c = 0; c < region.channels(); c++) {
                  for (int y = 0; y < region.height(); y++) {
                    System.arraycopy(region.data(), region.offset(c, y), v, at, region.width());
                    at += region.width();
                  }
                }
                computed.add(v);
              });
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return computed;
  }

  /** The features rows are cut from, and the rows' sizes per group. */
  private record Pool(float[] values, List<int[][]> shapes, int channels) {}

  private static Pool pool(SparkSession spark, JobConfig config, Planned planned) {
    // Real features to encode: computed for the input's first tiles (up to 64 MB of them, so that
    // small images give a varied pool), each row a slice of the pool at its own offset.
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
    int k =
        config
            .stack()
            .outputChannels(config.stack().size() - 1, config.stack().inputChannels().orElse(3));
    int want = Math.max(k * maxValues, 16 << 20);
    float[] values = new float[want];
    int filled = 0;
    outer:
    for (List<TileTask> group : planned.groups()) {
      for (TileTask task : group) {
        for (float[] v : features(config, conf, task)) {
          int n = Math.min(v.length, want - filled);
          System.arraycopy(v, 0, values, filled, n);
          filled += n;
          if (filled == want) {
            break outer;
          }
        }
      }
    }
    for (int i = filled; i < want; i++) {
      values[i] = values[i % Math.max(1, filled)];
    }
    return new Pool(values, shapes, k);
  }

  /**
   * Wall and CPU seconds of encoding and writing every tile's row, as internal rows (the job's way)
   * or as external rows.
   */
  private static double[] write(
      SparkSession spark, JobConfig config, Planned planned, Pool pool, Path out, boolean internal)
      throws Exception {
    float[] values = pool.values();
    List<int[][]> shapes = pool.shapes();
    int k = pool.channels();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<float[]> broadcast = jsc.broadcast(values);
    var precision = config.precision();
    String dtype = precision.dtype();
    // Rows as the featurize job makes them: internal rows, handed to the writer by
    // OutputLayout.frame.
    UTF8String path = UTF8String.fromString("file:/bench");
    UTF8String dtypeName = UTF8String.fromString(dtype);
    JavaRDD<InternalRow> rows =
        jsc.parallelize(shapes, shapes.size())
            .flatMap(
                sizes -> {
                  float[] v = broadcast.value();
                  return new Iterator<InternalRow>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                      return i < sizes.length;
                    }

                    @Override
                    public InternalRow next() {
                      int h = sizes[i][0];
                      int w = sizes[i][1];
                      int n = k * h * w;
                      // A different slice of the pool for every row, as every tile's features
                      // differ.
                      int from = (int) ((i * 2_654_435_761L) % (v.length - n + 1));
                      i++;
                      byte[] bytes = new byte[n * precision.bytesPerValue()];
                      precision.encode(v, from, from + n, bytes, 0);
                      return new GenericInternalRow(
                          new Object[] {
                            path, 0, 0, h, w, k, h, w, dtypeName, bytes, null, null, null, null, 1.0
                          });
                    }
                  };
                });
    ImagePlanner planner = new ImagePlanner(config);
    long rowGroup =
        ParquetSettings.rowGroupBytes(
            planner.maxRowBytes(),
            Runtime.getRuntime().maxMemory(),
            spark.sparkContext().defaultParallelism());
    long start = System.nanoTime();
    double cpu0 = cpuSeconds();
    Dataset<Row> frame =
        internal
            ? OutputLayout.frame(spark, rows, TileRows.SCHEMA)
            : spark.createDataFrame(
                rows.map(
                    r -> {
                      Object[] external = new Object[r.numFields()];
                      for (int i = 0; i < external.length; i++) {
                        Object v = ((GenericInternalRow) r).genericGet(i);
                        external[i] = v instanceof UTF8String u ? u.toString() : v;
                      }
                      return RowFactory.create(external);
                    }),
                TileRows.SCHEMA);
    frame
        .write()
        .options(ParquetSettings.options(config.compression(), rowGroup))
        .mode("overwrite")
        .parquet(out.toString());
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpu = cpuSeconds() - cpu0;
    broadcast.destroy();
    return new double[] {seconds, cpu};
  }
}
