package io.haloconv.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.not;

import io.haloconv.io.ImageProbe;
import io.haloconv.io.MemoryBudget;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.listing.DistributedListing;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.spark.output.Manifest;
import io.haloconv.spark.output.OutputLayout;
import io.haloconv.spark.output.ParquetSettings;
import io.haloconv.spark.output.RowFormat;
import io.haloconv.spark.output.TileRows;
import io.haloconv.spark.plan.ImagePlanner;
import io.haloconv.spark.plan.ProbeOutcome;
import io.haloconv.spark.plan.ScratchStage;
import io.haloconv.spark.plan.TaskMemory;
import io.haloconv.spark.plan.TileTask;
import io.haloconv.spark.plan.WorkPlan;
import io.haloconv.spark.task.StackBroadcast;
import io.haloconv.spark.task.TaskMetrics;
import io.haloconv.spark.task.TaskSettings;
import io.haloconv.spark.task.TileBatches;
import io.haloconv.spark.task.TileProcessor;
import io.haloconv.stack.CellStats;
import java.io.IOException;
import java.io.PrintStream;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.storage.StorageLevel;
import org.apache.spark.util.CollectionAccumulator;
import scala.Tuple2;

/**
 * The featurize job of image files: list → probe headers in parallel → plan tiles in the probe
 * partitions (the driver gets counts, never a per-image plan) → split them into tasks of equal work
 * → broadcast the layer stack once → evaluate in {@code mapPartitions} → Parquet. {@link OutputJob}
 * then writes {@code _errors/}, {@code _manifest.json} and {@code _SUCCESS}, all in a staging
 * directory that replaces the output only when complete.
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
    return OutputJob.run(
        spark, config, log, System.nanoTime(), Manifest.Input.FILES, this::writeFeatures);
  }

  /** List, probe, plan, stage, convolve and write: this job's part of {@link OutputJob}. */
  private OutputJob.Written writeFeatures(OutputJob.Staging staging) throws IOException {
    long start = System.nanoTime();
    SparkContext sc = spark.sparkContext();
    Configuration hadoopConf = sc.hadoopConfiguration();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    HadoopConf hadoop = new HadoopConf(hadoopConf);
    ProgressListener progress = staging.progress();
    int cores = jsc.defaultParallelism();
    JavaRDD<ProbeOutcome> probes = null;
    // Beside the staging directory, not in it (Spark writes there only into a new directory); a
    // stale one is removed with stale staging directories when a dead job's lock is taken.
    Path scratchDir = new Path(staging.dir().getParent(), staging.dir().getName() + "-scratch");
    try {
      DistributedListing.Plan listing =
          DistributedListing.plan(hadoopConf, config.input(), config.pattern(), 4 * cores);
      double listSeconds = seconds(start);
      progress.phase("probe", listing.describe());
      long probeStart = System.nanoTime();
      probes =
          probe(DistributedListing.entries(jsc, listing, hadoop, 4 * cores), hadoop)
              .persist(StorageLevel.MEMORY_AND_DISK_SER());
      MemoryBudget memory = TaskMemory.of(sc);
      ImagePlanner planner = new ImagePlanner(config, memory, scratchMinBytes());
      jsc.setJobDescription("haloconv probe");
      WorkPlan plan;
      try {
        plan = WorkPlan.of(probes, planner, cores, config.partitions());
      } finally {
        jsc.setJobDescription(null);
      }
      double probeSeconds = seconds(probeStart);
      if (plan.files == 0) {
        throw JobException.badInput(
            "input "
                + config.input()
                + " holds no files"
                + (config.pattern() == null ? "" : " matching --pattern " + config.pattern()));
      }

      Map<String, BadRecord> bad = new LinkedHashMap<>();
      plan.bad.forEach(record -> bad.put(record.path(), record));
      failFastOn(bad);

      long writeStart = System.nanoTime();
      ScratchStage.Outcome scratch = ScratchStage.Outcome.NONE;
      if (!plan.scratch.isEmpty()) {
        progress.phase(
            "scratch",
            plan.scratch.size()
                + " image(s) too large to decode whole, streamed once into scratch rasters");
        scratch = ScratchStage.run(jsc, plan.scratch, scratchDir, hadoop);
        scratch.failures().forEach(record -> bad.put(record.path(), record));
        failFastOn(bad);
      }
      Set<String> skipped = new HashSet<>();
      scratch.failures().forEach(record -> skipped.add(record.path()));
      Map<String, long[]> skippedTiles = plan.tileCounts(probes, skipped);

      TaskMetrics metrics = new TaskMetrics(sc);
      CollectionAccumulator<BadRecord> taskErrors = sc.collectionAccumulator("haloconv.errors");
      if (plan.tiles > sum(skippedTiles, 0)) {
        writeFeatures(
            plan,
            probes,
            skipped,
            scratch.scratch(),
            planner,
            staging.dir(),
            taskErrors,
            metrics,
            progress);
      }
      Set<String> failedInTasks = new TreeSet<>();
      for (BadRecord record : taskErrors.value()) {
        if (bad.putIfAbsent(record.path(), record) == null) {
          failedInTasks.add(record.path());
        }
      }
      Map<String, long[]> failedTiles = plan.tileCounts(probes, failedInTasks);
      removePartialImages(failedTiles, staging.dir());
      OutputLayout.writeMissing(spark, config.stack(), staging.dir(), writeOptions(planner));
      deleteQuietly(staging.fs(), scratchDir);
      double writeSeconds = seconds(writeStart);
      progress.drain();

      long tiles = plan.tiles - sum(skippedTiles, 0) - sum(failedTiles, 0);
      long[] tilesPerLayer = plan.tilesPerWrittenLayer.clone();
      for (int l = 0; l < tilesPerLayer.length; l++) {
        tilesPerLayer[l] -= sum(skippedTiles, l + 1) + sum(failedTiles, l + 1);
      }
      // Rows --skip-empty-tiles left out, of images that were written (failed images' tiles are
      // subtracted whole above).
      long emptyRows = 0;
      for (String entry : metrics.emptyTiles.value()) {
        String path = TaskMetrics.emptyPath(entry);
        if (skipped.contains(path) || failedInTasks.contains(path)) {
          continue;
        }
        for (int l = 0; l < tilesPerLayer.length; l++) {
          if (TaskMetrics.emptyRow(entry, l)) {
            tilesPerLayer[l]--;
            emptyRows++;
          }
        }
        if (TaskMetrics.emptyTile(entry)) {
          tiles--;
        }
      }
      return new OutputJob.Written(
          plan.files,
          plan.images - skipped.size() - failedInTasks.size(),
          bad.values(),
          tiles,
          tilesPerLayer,
          metrics.outputValues.value(),
          listSeconds,
          probeSeconds,
          writeSeconds,
          metrics,
          emptyRows);
    } finally {
      if (probes != null) {
        probes.unpersist(false);
      }
      deleteQuietly(staging.fs(), scratchDir);
    }
  }

  private static void deleteQuietly(FileSystem fs, Path dir) {
    if (dir == null) {
      return;
    }
    try {
      fs.delete(dir, true);
    } catch (IOException ignored) {
      // hidden, and removed with stale staging directories by the next job writing here
    }
  }

  /** The sum of element {@code index} of the counts. */
  private static long sum(Map<String, long[]> counts, int index) {
    return counts.values().stream().mapToLong(c -> c[index]).sum();
  }

  /** {@link ScratchStage#MIN_BYTES_KEY}, from the session's settings. */
  private long scratchMinBytes() {
    String value =
        spark.conf().get(ScratchStage.MIN_BYTES_KEY, Long.toString(ScratchStage.DEFAULT_MIN_BYTES));
    try {
      return Long.parseLong(value.trim());
    } catch (NumberFormatException e) {
      throw JobException.badInput(
          ScratchStage.MIN_BYTES_KEY + " must be a number of bytes, got '" + value + "'");
    }
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

  /** Probes every listed file, in the listing's partitions: no file is probed on the driver. */
  private JavaRDD<ProbeOutcome> probe(
      JavaRDD<DistributedListing.Listed> entries, HadoopConf hadoop) {
    return probe(entries, hadoop, config.maxPixels(), config.level());
  }

  /** Static, so the tasks' closures hold only their arguments, never the job. */
  private static JavaRDD<ProbeOutcome> probe(
      JavaRDD<DistributedListing.Listed> entries, HadoopConf hadoop, long maxPixels, int level) {
    // One file at a time, in listing order, as a map would; the file system is looked up once per
    // task rather than once per file.
    return entries.mapPartitions(
        listed -> {
          HadoopConf.FileSystems fileSystems = hadoop.fileSystems();
          return new Iterator<ProbeOutcome>() {
            @Override
            public boolean hasNext() {
              return listed.hasNext();
            }

            @Override
            public ProbeOutcome next() {
              DistributedListing.Listed entry = listed.next();
              return entry.failure() != null
                  ? ProbeOutcome.failed(entry.failure())
                  : probeOne(entry.file(), fileSystems, maxPixels, level);
            }
          };
        },
        true);
  }

  private static ProbeOutcome probeOne(
      String file, HadoopConf.FileSystems fileSystems, long maxPixels, int level) {
    try {
      Path path = new Path(file);
      FileSystem fs = fileSystems.of(path);
      return ProbeOutcome.ok(
          ImageProbe.probe(fs, path, maxPixels, ImageProbe.DEFAULT_TIMEOUT, level));
    } catch (Exception e) {
      return ProbeOutcome.failed(BadRecords.of(file, "probe", e));
    }
  }

  private void writeFeatures(
      WorkPlan plan,
      JavaRDD<ProbeOutcome> probes,
      Set<String> skipped,
      Map<String, String> scratch,
      ImagePlanner planner,
      Path staging,
      CollectionAccumulator<BadRecord> errors,
      TaskMetrics metrics,
      ProgressListener progress) {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    long[][] sizes = plan.groupSizes(probes, skipped);
    TaskSettings settings =
        config.taskSettings(StackBroadcast.of(jsc, config.stack()), TaskMemory.of(jsc.sc()));
    HadoopConf hadoop = new HadoopConf(spark.sparkContext().hadoopConfiguration());
    JavaRDD<TileTask> tileTasks = plan.tiles(probes, skipped);
    long tiles = 0;
    for (long t : sizes[0]) {
      tiles += t;
    }
    progress.phase("convolve", tiles + " tiles in " + plan.groups() + " tasks");
    progress.trackTiles(sizes[0], sizes[1], EmbeddingRows.embeds(config.stack()));
    jsc.setJobDescription("haloconv convolve");
    try {
      Dataset<Row> frame;
      if (EmbeddingRows.embeds(config.stack())) {
        JavaRDD<Row> rows =
            tileTasks.mapPartitions(
                new TileBatches<>(
                    new TileProcessor<>(
                        RowFormat.ROWS, settings, hadoop, errors, metrics, scratch)));
        // Each tile yields its cells' partials; partials of one cell merge in any order to the
        // same exact value (CellStats), first within each task (map-side combine), then by key
        // across tasks: no map is ever gathered in one place.
        int partitions = (int) Math.max(1, Math.min(plan.groups(), plan.images / 20_000 + 1));
        JavaRDD<Row> embeddings =
            rows.mapToPair(r -> new Tuple2<>(EmbeddingRows.key(r), EmbeddingRows.stats(r)))
                .reduceByKey(CellStats::merge, partitions)
                .map(cell -> EmbeddingRows.encode(cell._1().path(), cell._2()));
        frame = spark.createDataFrame(embeddings, EmbeddingRows.SCHEMA);
      } else {
        // Feature rows in Spark's internal form: the writer reads each tile's features from the
        // array the encoder filled (OutputLayout.frame).
        JavaRDD<InternalRow> rows =
            tileTasks.mapPartitions(
                new TileBatches<>(
                    new TileProcessor<>(
                        RowFormat.INTERNAL, settings, hadoop, errors, metrics, scratch)));
        frame = OutputLayout.frame(spark, rows, TileRows.schema(config.stack()));
      }
      OutputLayout.write(frame, config.stack(), staging, writeOptions(planner));
    } finally {
      jsc.setJobDescription(null);
      settings.stack().destroy();
    }
  }

  /** The Parquet writer's settings ({@link ParquetSettings}) for this job's largest row. */
  private Map<String, String> writeOptions(ImagePlanner planner) {
    return ParquetSettings.writeOptions(
        spark.sparkContext(),
        config.compression(),
        planner.maxRowBytes(),
        OutputLayout.filesPerTask(config.stack()));
  }

  /** Enough tasks to keep every core busy with room to balance, never more than the tiles. */
  public static int autoPartitions(int cores, long totalWork, int tiles) {
    // 20 G multiply-adds a task: for a first-layer bank, whose tasks mostly decode and write,
    // about 7 s of task time (the gigapixel benchmark's 25 tasks). At least two tasks a core;
    // four measured no faster on a 67-megapixel strip TIFF (median 11.1 s against 10.9 s).
    long byWork = totalWork / 20_000_000_000L + 1;
    long wanted = Math.max(cores * 2L, byWork);
    return (int) Math.max(1, Math.min(tiles, Math.min(wanted, 100_000)));
  }

  /**
   * Removes the tiles of images that failed part-way: a multi-tile image whose later tile failed in
   * one task may have earlier tiles written by another. Rare, so the fix rewrites the dataset.
   */
  private void removePartialImages(Map<String, long[]> failedTiles, Path staging)
      throws IOException {
    Set<String> partial = new TreeSet<>();
    failedTiles.forEach(
        (path, counts) -> {
          if (counts[0] > 1) {
            partial.add(path);
          }
        });
    if (partial.isEmpty()) {
      return;
    }
    Path cleaned = new Path(staging.getParent(), staging.getName() + "-cleaned");
    Dataset<Row> all = OutputLayout.read(spark, config.stack(), staging);
    OutputLayout.write(
        all.filter(not(col("path").isin(partial.toArray()))),
        config.stack(),
        cleaned,
        ParquetSettings.options(
            config.compression(),
            ParquetSettings.READER_BYTES / 2 / OutputLayout.filesPerTask(config.stack())));
    FileSystem fs = staging.getFileSystem(spark.sparkContext().hadoopConfiguration());
    fs.delete(staging, true);
    if (!fs.rename(cleaned, staging)) {
      throw new IOException("could not move " + cleaned + " to " + staging);
    }
  }
}
