package io.haloconv.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.haloconv.io.ImageProbe;
import io.haloconv.stack.LayerStack;
import io.haloconv.tiling.WorkSplit;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.util.CollectionAccumulator;

/**
 * The featurize job: list → probe headers in parallel → plan tiles on the driver → split them into
 * tasks of equal pixel work → broadcast the layer stack once → evaluate it per tile in {@code
 * mapPartitions} → Parquet (one dataset, or one per written layer; see {@link LayerLayout}),
 * then {@code _errors/}, {@code _manifest.json} and {@code _SUCCESS}, all in a staging directory
 * that replaces the output only when complete.
 *
 * <p>{@link #run} is what the CLI and tests call; it leaves the SparkSession open.
 */
public final class FeaturizeJob {
  private final SparkSession spark;
  private final JobConfig config;
  private final PrintStream log;

  private FeaturizeJob(SparkSession spark, JobConfig config, PrintStream log) {
    this.spark = spark;
    this.config = config;
    this.log = log;
  }

  /** Runs the job; progress goes to {@code log}. */
  public static JobResult run(SparkSession spark, JobConfig config, PrintStream log) {
    return new FeaturizeJob(spark, config, log).run();
  }

  /** Runs the job quietly. */
  public static JobResult run(SparkSession spark, JobConfig config) {
    return run(spark, config, new PrintStream(PrintStream.nullOutputStream()));
  }

  private JobResult run() {
    long start = System.nanoTime();
    SparkContext sc = spark.sparkContext();
    Configuration hadoopConf = sc.hadoopConfiguration();
    Path output = new Path(config.output());
    FileSystem outFs;
    try {
      outFs = output.getFileSystem(hadoopConf);
      output = outFs.makeQualified(output);
    } catch (IOException e) {
      throw JobException.badInput("cannot open output " + config.output() + ": " + e.getMessage());
    }
    try (OutputCommit commit = OutputCommit.begin(outFs, output, config.writeMode());
        ProgressListener progress = ProgressListener.attach(sc, log)) {
      InputListing.Listing listing =
          InputListing.list(hadoopConf, config.input(), config.pattern());
      List<String> files = listing.files();
      double listSeconds = seconds(start);
      progress.phase("probe", files.size() + " files");
      long probeStart = System.nanoTime();
      List<ProbeOutcome> probes = probe(files, new HadoopConf(hadoopConf));
      double probeSeconds = seconds(probeStart);

      Map<String, BadRecord> bad = new LinkedHashMap<>();
      listing.failures().forEach(record -> bad.put(record.path(), record));
      StackPlanner.Planned planned = StackPlanner.plan(config, probes, bad);
      List<TileTask> tasks = planned.tasks();
      failFastOn(bad);

      long writeStart = System.nanoTime();
      TaskMetrics metrics = new TaskMetrics(sc);
      CollectionAccumulator<BadRecord> taskErrors = sc.collectionAccumulator("haloconv.errors");
      long imagesPlanned = tasks.stream().map(t -> t.image().path()).distinct().count();
      if (!tasks.isEmpty()) {
        writeFeatures(tasks, planned.work(), commit.staging(), taskErrors, metrics, progress);
      }
      for (BadRecord record : taskErrors.value()) {
        bad.putIfAbsent(record.path(), record);
      }
      removePartialImages(tasks, bad, commit.staging());
      LayerLayout.writeMissing(spark, config.stack(), commit.staging());
      double writeSeconds = seconds(writeStart);
      progress.drain();

      if (config.mode() == FailureMode.PERMISSIVE) {
        writeErrors(new ArrayList<>(bad.values()), new Path(commit.staging(), "_errors"));
      }
      long tiles = countTiles(tasks, bad.keySet());
      long outputBytes = LayerLayout.parquetBytes(outFs, commit.staging());
      long failedDuringTasks = tasks.stream().map(t -> t.image().path()).distinct()
          .filter(bad::containsKey).count();
      JobResult result = new JobResult(
          listing.entries(),
          imagesPlanned - failedDuringTasks,
          bad.size(),
          tiles,
          outputBytes,
          metrics.outputValues.value(),
          metrics.inputPixels.value(),
          seconds(start),
          new JobResult.StageTimes(listSeconds, probeSeconds, writeSeconds, progress.taskSeconds(),
              metrics.readNanos.value() / 1e9, metrics.convolveNanos.value() / 1e9,
              metrics.encodeNanos.value() / 1e9));
      if (result.imagesWritten() + result.imagesFailed() != result.filesListed()) {
        throw new IllegalStateException("counts do not reconcile: " + result);
      }
      commit.writeFile("_manifest.json",
          Manifest.json(config, result, sc.version(), planned.tilesPerWrittenLayer(bad.keySet()))
              .getBytes(StandardCharsets.UTF_8));
      commit.writeFile("_SUCCESS", new byte[0]);
      commit.publish();
      return result;
    } catch (JobException e) {
      throw e;
    } catch (IOException e) {
      throw JobException.failed("writing " + output + " failed: " + BadRecords.oneLine(e.getMessage()), e);
    } catch (Exception e) { // SparkException is checked, yet thrown from Spark's Scala code
      String line = BadRecordException.find(e);
      if (line != null) {
        throw JobException.failed(line, e);
      }
      throw JobException.failed("job failed: " + BadRecords.oneLine(rootMessage(e)), e);
    }
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.toString() : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  private void failFastOn(Map<String, BadRecord> bad) {
    if (config.mode() == FailureMode.FAILFAST && !bad.isEmpty()) {
      BadRecord first = bad.values().iterator().next();
      throw JobException.failed(first.describe(), null);
    }
  }

  private List<ProbeOutcome> probe(List<String> files, HadoopConf hadoop) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    int slices = Math.max(1, Math.min(files.size(), jsc.defaultParallelism() * 4));
    long maxPixels = config.maxPixels();
    jsc.setJobDescription("haloconv probe");
    List<ProbeOutcome> outcomes = jsc.parallelize(files, slices)
        .map(path -> probeOne(path, hadoop, maxPixels))
        .collect();
    jsc.setJobDescription(null);
    return outcomes;
  }

  private static ProbeOutcome probeOne(String file, HadoopConf hadoop, long maxPixels) {
    try {
      Path path = new Path(file);
      FileSystem fs = path.getFileSystem(hadoop.get());
      return ProbeOutcome.ok(ImageProbe.probe(fs, path, maxPixels));
    } catch (Exception e) {
      return ProbeOutcome.failed(BadRecords.of(file, "probe", e));
    }
  }

  private void writeFeatures(
      List<TileTask> tasks,
      long[] work,
      Path staging,
      CollectionAccumulator<BadRecord> errors,
      TaskMetrics metrics,
      ProgressListener progress) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long totalWork = 0;
    for (long w : work) {
      totalWork += w;
    }
    int partitions = config.partitions() > 0 ? config.partitions()
        : autoPartitions(jsc.defaultParallelism(), totalWork, tasks.size());
    int[] starts = WorkSplit.contiguous(work, partitions);
    List<TileTask[]> chunks = new ArrayList<>();
    long[] tilesPerChunk = new long[starts.length - 1];
    long[] pixelsPerChunk = new long[starts.length - 1];
    for (int g = 0; g + 1 < starts.length; g++) {
      TileTask[] chunk = tasks.subList(starts[g], starts[g + 1]).toArray(new TileTask[0]);
      chunks.add(chunk);
      tilesPerChunk[g] = chunk.length;
      for (TileTask t : chunk) {
        pixelsPerChunk[g] += (long) t.tile().input().height() * t.tile().input().width();
      }
    }
    Broadcast<LayerStack> stack = jsc.broadcast(config.stack());
    DecodeSettings settings = new DecodeSettings(
        config.channels(), config.normalization(), config.precision(), config.mode());
    TileProcessor processor = new TileProcessor(
        stack, settings, new HadoopConf(spark.sparkContext().hadoopConfiguration()), errors, metrics);
    JavaRDD<Row> rows = jsc.parallelize(chunks, chunks.size()).mapPartitions(processor);
    progress.phase("convolve", tasks.size() + " tiles in " + chunks.size() + " tasks");
    progress.trackTiles(tilesPerChunk, pixelsPerChunk);
    jsc.setJobDescription("haloconv convolve");
    try {
      LayerLayout.write(spark.createDataFrame(rows, LayerLayout.schema(config.stack())),
          config.stack(), staging);
    } finally {
      jsc.setJobDescription(null);
      stack.destroy();
    }
  }

  /** Enough tasks to keep every core busy with room to balance, never more than the tiles. */
  static int autoPartitions(int cores, long totalWork, int tiles) {
    long byWork = totalWork / 20_000_000_000L + 1; // about 10 s of kernel time per task at 2 GFLOP/s
    long wanted = Math.max(cores * 2L, byWork);
    return (int) Math.max(1, Math.min(tiles, Math.min(wanted, 100_000)));
  }

  /**
   * Removes the tiles of images that failed part-way: a multi-tile image whose later tile failed
   * in one task may have earlier tiles written by another. Rare, so the fix rewrites the dataset.
   */
  private void removePartialImages(List<TileTask> tasks, Map<String, BadRecord> bad, Path staging)
      throws IOException {
    Set<String> partial = new TreeSet<>();
    for (TileTask t : tasks) {
      if (t.tilesOfImage() > 1 && bad.containsKey(t.image().path())) {
        partial.add(t.image().path());
      }
    }
    if (partial.isEmpty()) {
      return;
    }
    Path cleaned = new Path(staging.getParent(), staging.getName() + "-cleaned");
    Dataset<Row> all =
        spark.read().schema(LayerLayout.schema(config.stack())).parquet(staging.toString());
    LayerLayout.write(all.filter(not(col("path").isin(partial.toArray()))), config.stack(), cleaned);
    FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
    fs.delete(staging, true);
    if (!fs.rename(cleaned, staging)) {
      throw new IOException("could not move " + cleaned + " to " + staging);
    }
  }

  private void writeErrors(List<BadRecord> records, Path dir) {
    List<Row> rows = new ArrayList<>();
    for (BadRecord r : records) {
      rows.add(RowFactory.create(r.path(), r.stage(), r.error(), r.message()));
    }
    spark.createDataFrame(rows, Schemas.ERRORS).coalesce(1).write().parquet(dir.toString());
  }

  private static long countTiles(List<TileTask> tasks, Set<String> failed) {
    return tasks.stream().filter(t -> !failed.contains(t.image().path())).count();
  }
}
