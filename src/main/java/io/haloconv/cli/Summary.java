package io.haloconv.cli;

import io.haloconv.spark.JobResult;
import java.io.PrintStream;
import java.util.Locale;

/**
 * The table {@code featurize} prints when it ends: what was written and failed, then the time of
 * each stage, wall-clock on the driver and summed over tasks, with the split of task time between
 * reading, convolving, encoding and the rest (Parquet writing and Spark's own work).
 */
final class Summary {
  /** How the first two stages are called for an input kind. */
  enum Stages {
    FILES("list files", "probe headers"),
    PARQUET("read input", "check ids");

    final String first;
    final String second;

    Stages(String first, String second) {
      this.first = first;
      this.second = second;
    }
  }

  private Summary() {}

  static void print(PrintStream out, String output, JobResult r, Stages stages) {
    print(out, output, r, stages, false);
  }

  /**
   * @param embeddings whether the stack ends in a pool: its Parquet holds embeddings, and the
   *     values counted are the map values pooled into them
   */
  static void print(
      PrintStream out, String output, JobResult r, Stages stages, boolean embeddings) {
    JobResult.StageTimes t = r.times();
    out.printf(Locale.ROOT, "haloconv: wrote %s%n", output);
    String unit = stages == Stages.PARQUET ? "rows" : "files";
    out.printf(
        Locale.ROOT,
        "  images   %s %s: %s written, %s failed%s%n",
        TextTable.count(r.filesListed()),
        unit,
        TextTable.count(r.imagesWritten()),
        TextTable.count(r.imagesFailed()),
        r.imagesFailed() > 0 ? " (see _errors/ or the manifest)" : "");
    out.printf(
        Locale.ROOT,
        "  tiles    %s%s%n",
        TextTable.count(r.tiles()),
        r.emptyTilesSkipped() > 0
            ? " (" + TextTable.count(r.emptyTilesSkipped()) + " empty left out, --skip-empty-tiles)"
            : "");
    out.printf(
        Locale.ROOT,
        embeddings
            ? "  written  %s of Parquet: embeddings of %s pooled map values%n"
            : "  written  %s of Parquet, %s feature values%n",
        TextTable.bytes(r.outputBytes()),
        TextTable.count(r.featureValues()));
    out.println();
    double tasks = Math.max(t.taskSeconds(), 1e-9);
    TextTable times = new TextTable("  ", "stage", "wall s", "task s", "of tasks");
    times.row(stages.first, seconds(t.listSeconds()), "", "");
    times.row(stages.second, seconds(t.probeSeconds()), "", "");
    times.row("convolve+write", seconds(t.writeWallSeconds()), seconds(t.taskSeconds()), "100%");
    share(times, "  read+decode", t.readTaskSeconds(), tasks);
    share(times, "  convolve", t.convolveTaskSeconds(), tasks);
    share(times, "  encode", t.encodeTaskSeconds(), tasks);
    share(times, "  write, other", t.otherTaskSeconds(), tasks);
    times.row("total", seconds(r.seconds()), "", "");
    times.print(out);
  }

  private static void share(TextTable table, String name, double seconds, double tasks) {
    table.row(
        name, "", seconds(seconds), String.format(Locale.ROOT, "%.0f%%", 100 * seconds / tasks));
  }

  private static String seconds(double s) {
    return String.format(Locale.ROOT, "%.2f", s);
  }
}
