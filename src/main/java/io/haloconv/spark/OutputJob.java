package io.haloconv.spark;

import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.spark.output.Manifest;
import io.haloconv.spark.output.OutputCommit;
import io.haloconv.spark.output.OutputLayout;
import io.haloconv.spark.task.TaskMetrics;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * The skeleton both featurize jobs share, so the commit protocol of design.md §3-4 is written once:
 * qualify the output, take it ({@link OutputCommit#begin}), attach progress, run the job's own
 * stages into the staging directory, then write {@code _errors/} (permissive), count, reconcile,
 * write {@code _manifest.json} and {@code _SUCCESS}, and publish. Any failure becomes a {@link
 * JobException} and leaves the output as it was.
 */
final class OutputJob {
  /** Where a job's own stages write, and what watches them. */
  record Staging(Path dir, FileSystem fs, ProgressListener progress) {}

  /** What a job's own stages produced: the counts and times its result and manifest report. */
  record Written(
      long filesListed,
      long imagesWritten,
      Collection<BadRecord> bad,
      long tiles,
      long[] tilesPerWrittenLayer,
      long featureValues,
      double listSeconds,
      double probeSeconds,
      double writeSeconds,
      TaskMetrics metrics,
      long emptyTilesSkipped) {}

  /** A job's own stages: list (or read), probe (or check), convolve and write features. */
  interface Body {
    Written write(Staging staging) throws Exception;
  }

  private OutputJob() {}

  /**
   * Runs {@code body} under the commit protocol.
   *
   * @param start {@link System#nanoTime} when the job started, for its total seconds
   * @param input what the manifest says about the input beyond its path
   */
  static JobResult run(
      SparkSession spark,
      JobConfig config,
      PrintStream log,
      long start,
      Manifest.Input input,
      Body body) {
    SparkContext sc = spark.sparkContext();
    Path output = new Path(config.output());
    FileSystem fs;
    try {
      fs = output.getFileSystem(sc.hadoopConfiguration());
      output = fs.makeQualified(output);
    } catch (IOException e) {
      throw JobException.badInput("cannot open output " + config.output() + ": " + e.getMessage());
    }
    try (RunningTasks tasks = RunningTasks.attach(sc);
        OutputCommit commit =
            OutputCommit.begin(
                fs, output, config.writeMode(), () -> tasks.awaitNone(RunningTasks.ABORT_WAIT));
        ProgressListener progress = ProgressListener.attach(sc, log)) {
      Written w = body.write(new Staging(commit.staging(), fs, progress));
      if (config.mode() == FailureMode.PERMISSIVE) {
        OutputLayout.writeErrors(spark, w.bad(), commit.staging());
      }
      TaskMetrics m = w.metrics();
      JobResult result =
          new JobResult(
              w.filesListed(),
              w.imagesWritten(),
              w.bad().size(),
              w.tiles(),
              OutputLayout.parquetBytes(fs, commit.staging()),
              w.featureValues(),
              m.inputPixels.value(),
              (System.nanoTime() - start) / 1e9,
              new JobResult.StageTimes(
                  w.listSeconds(),
                  w.probeSeconds(),
                  w.writeSeconds(),
                  progress.taskSeconds(),
                  m.readNanos.value() / 1e9,
                  m.convolveNanos.value() / 1e9,
                  m.encodeNanos.value() / 1e9),
              w.emptyTilesSkipped());
      if (result.imagesWritten() + result.imagesFailed() != result.filesListed()) {
        throw new IllegalStateException("counts do not reconcile: " + result);
      }
      // Embedding rows are counted from the Parquet footers of what was written, so task retries
      // cannot count a cell twice.
      long embeddings =
          EmbeddingRows.embeds(config.stack())
              ? OutputLayout.rowCount(spark, fs, commit.staging())
              : -1;
      commit.writeFile(
          OutputLayout.MANIFEST,
          Manifest.json(config, input, result, sc.version(), w.tilesPerWrittenLayer(), embeddings)
              .getBytes(StandardCharsets.UTF_8));
      commit.writeFile(OutputLayout.SUCCESS, new byte[0]);
      commit.publish();
      return result;
    } catch (Exception e) { // SparkException is checked, yet thrown from Spark's Scala code
      throw JobException.from(e, output);
    }
  }
}
