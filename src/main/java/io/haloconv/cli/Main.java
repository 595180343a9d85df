package io.haloconv.cli;

import io.haloconv.Version;
import io.haloconv.spark.FeaturizeJob;
import io.haloconv.spark.JobException;
import io.haloconv.spark.JobResult;
import io.haloconv.spark.Sessions;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code haloconv} command. {@link #run} returns the exit code instead of exiting, so tests drive
 * it in-process: 0 success, 1 job failed, 2 bad arguments or input (one line on stderr).
 */
public final class Main {
  static final String USAGE = String.join("\n",
      "usage: haloconv featurize --input PATH --filters BANK --output DIR",
      "    [--stride S] [--padding P] [--dilation D] [--groups G] [--padding-mode M]",
      "    [--activation none|relu|leaky_relu:A|sigmoid|tanh]",
      "    [--tile N|TH,TW] [--channels keep|gray|rgb|rgba]",
      "    [--normalize unit|raw|mean-std:M,..;S,..] [--precision float32|float16|bfloat16]",
      "    [--mode permissive|dropmalformed|failfast] [--max-pixels N] [--pattern GLOB]",
      "    [--master URL] [--driver-memory SIZE] [--conf KEY=VALUE]... [--overwrite]",
      "       haloconv featurize --input PATH --layers STACK.json --output DIR [same options]",
      "       haloconv bench [--shapes FILE] [--threads N] [--json FILE]",
      "       haloconv bench-stack --layers FILE [--input PATH] [--images N] [--size S] [--tile N]",
      "       haloconv --version",
      "See README.md for every flag.");

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    try {
      if (args.length == 0 || args[0].equals("--help") || args[0].equals("help")) {
        out.println(USAGE);
        return args.length == 0 ? 2 : 0;
      }
      if (args[0].equals("--version")) {
        out.println("haloconv " + Version.VERSION);
        return 0;
      }
      String[] rest = Arrays.copyOfRange(args, 1, args.length);
      switch (args[0]) {
        case "featurize":
          return featurize(rest, out, err);
        case "bench":
          return io.haloconv.bench.Bench.run(rest, out, err);
        case "bench-stack":
          return benchStack(rest, out, err);
        default:
          throw new UsageException(
              "unknown command '" + args[0] + "'; commands: featurize, bench, bench-stack");
      }
    } catch (UsageException e) {
      err.println("haloconv: error: " + e.getMessage());
      return 2;
    } catch (JobException e) {
      err.println("haloconv: error: " + e.getMessage());
      return e.exitCode();
    }
  }

  /** {@code bench-stack}: loads {@code --layers} as featurize does, then runs the bench. */
  private static int benchStack(String[] args, PrintStream out, PrintStream err) {
    int at = Arrays.asList(args).indexOf("--layers");
    if (at < 0 || at + 1 >= args.length) {
      throw new UsageException("bench-stack needs --layers FILE");
    }
    return io.haloconv.bench.StackBench.run(args,
        StackLoader.load(args[at + 1], 3, new org.apache.hadoop.conf.Configuration()), out, err);
  }

  private static int featurize(String[] args, PrintStream out, PrintStream err) {
    if (Arrays.asList(args).contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    FeaturizeCommand.Parsed parsed = FeaturizeCommand.parse(args);
    String confDir = System.getProperty("haloconv.conf.dir");
    // A session the caller already runs (Main embedded, or in tests) is used and left running.
    boolean callersSession = SparkSession.getDefaultSession().isDefined()
        && !SparkSession.getDefaultSession().get().sparkContext().isStopped();
    SparkSession spark;
    try {
      spark = Sessions.create(parsed.master(), confDir == null ? null : Path.of(confDir),
          parsed.sparkConf());
    } catch (java.io.IOException | RuntimeException e) {
      throw new UsageException("cannot start Spark: " + e.getMessage());
    }
    try {
      JobResult result = FeaturizeJob.run(spark, parsed.config(), err);
      printSummary(out, parsed.config().output(), result);
      return 0;
    } finally {
      if (!callersSession) {
        spark.stop();
      }
    }
  }

  static void printSummary(PrintStream out, String output, JobResult r) {
    JobResult.StageTimes t = r.times();
    out.printf(Locale.ROOT, "haloconv: wrote %s%n", output);
    out.printf(Locale.ROOT, "  files     %d listed: %d written, %d failed%s%n", r.filesListed(),
        r.imagesWritten(), r.imagesFailed(), r.imagesFailed() > 0 ? " (see _errors/ or the manifest)" : "");
    out.printf(Locale.ROOT, "  tiles     %d, %.1f MB of Parquet%n", r.tiles(), r.outputBytes() / 1e6);
    out.printf(Locale.ROOT, "  time      %.1f s: list %.1f, probe %.1f, convolve+write %.1f%n",
        r.seconds(), t.listSeconds(), t.probeSeconds(), t.writeWallSeconds());
    double total = Math.max(t.taskSeconds(), 1e-9);
    out.printf(Locale.ROOT,
        "  in tasks  %.2f s: read %.2f (%.0f%%), convolve %.2f (%.0f%%), encode %.2f (%.0f%%), "
            + "write+other %.2f (%.0f%%)%n",
        t.taskSeconds(), t.readTaskSeconds(), 100 * t.readTaskSeconds() / total,
        t.convolveTaskSeconds(), 100 * t.convolveTaskSeconds() / total,
        t.encodeTaskSeconds(), 100 * t.encodeTaskSeconds() / total,
        t.otherTaskSeconds(), 100 * t.otherTaskSeconds() / total);
  }
}
