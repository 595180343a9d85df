package io.haloconv.cli;

import io.haloconv.Version;
import io.haloconv.bench.Bench;
import io.haloconv.bench.StackBench;
import io.haloconv.spark.FeaturizeJob;
import io.haloconv.spark.JobException;
import io.haloconv.spark.JobResult;
import io.haloconv.spark.ParquetFeaturizeJob;
import io.haloconv.spark.Sessions;
import java.io.PrintStream;
import java.util.Arrays;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.SparkSession;

/**
 * The {@code haloconv} command. {@link #run} returns the exit code instead of exiting, so tests
 * drive it in-process: 0 success, 1 job failed, 2 bad arguments or input (one line on stderr).
 */
public final class Main {
  static final String USAGE =
      String.join(
          "\n",
          "usage: haloconv featurize --input PATH --filters BANK --output DIR",
          "    [--stride S] [--padding P] [--dilation D] [--groups G] [--padding-mode M]",
          "    [--activation none|relu|leaky_relu:A|sigmoid|tanh]",
          "    [--tile N|TH,TW] [--channels keep|gray|rgb|rgba]",
          "    [--normalize unit|raw|mean-std:M,..;S,..] [--precision float32|float16|bfloat16]",
          "    [--compression zstd|snappy|none]",
          "    [--mode permissive|dropmalformed|failfast] [--max-pixels N] [--level N]",
          "    [--pattern GLOB]",
          "    [--input-format files|parquet] [--image-column NAME] [--id-column NAME]",
          "    [--master URL] [--driver-memory SIZE] [--conf KEY=VALUE]... [--overwrite]",
          "       haloconv featurize --input PATH --layers STACK.json --output DIR [same options]",
          "       haloconv featurize --input PATH --layers MODEL.onnx [--onnx-until NODE] --output DIR"
              + " [same options]",
          "       haloconv inspect DIR [--json]",
          "       haloconv probe FILE... [--level N]",
          "       haloconv render DIR --image PATH --out FILE.png [--layer NAME] [--cell N]",
          "       haloconv render-filters BANK --out FILE.png",
          "       haloconv export DIR --image PATH --out FILE.npy [--layer NAME]",
          "       haloconv export DIR --format npz --out FILE.npz [--image PATH]...",
          "       haloconv bench [--shapes FILE] [--threads N] [--json FILE]",
          "       haloconv bench-stack --layers FILE [--input PATH] [--images N] [--size S] [--tile N]",
          "       haloconv --version",
          "See README.md for every flag.");

  private Main() {}

  public static void main(String[] args) {
    Sessions.installHadoopDefaults();
    int code = run(args, System.out, System.err);
    System.out.flush();
    System.err.flush();
    System.exit(code);
  }

  public static int run(String[] args, PrintStream out, PrintStream err) {
    return run(args, out, err, Spark.OWN);
  }

  /** {@link #run(String[], PrintStream, PrintStream)} with the session from {@code spark}. */
  static int run(String[] args, PrintStream out, PrintStream err, Spark spark) {
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
          return featurize(rest, out, err, spark);
        case "inspect":
          return InspectCommand.run(rest, out, spark);
        case "probe":
          return ProbeCommand.run(rest, out);
        case "render":
          return RenderCommand.run(rest, out, err, spark);
        case "render-filters":
          return RenderFiltersCommand.run(rest, out);
        case "export":
          return ExportCommand.run(rest, out, spark);
        case "bench":
          return Bench.run(rest, out, err);
        case "bench-stack":
          return benchStack(rest, out, err);
        default:
          throw new UsageException(
              "unknown command '"
                  + args[0]
                  + "'; commands: featurize, "
                  + "inspect, probe, render, render-filters, export, bench, bench-stack");
      }
    } catch (UsageException e) {
      err.println("haloconv: error: " + e.getMessage());
      return 2;
    } catch (JobException e) {
      err.println("haloconv: error: " + e.getMessage());
      return e.exitCode();
    } catch (RuntimeException e) {
      // Spark's own failures: one line, the root cause's message, exit code 1.
      Throwable root = e;
      while (root.getCause() != null && root.getCause() != root) {
        root = root.getCause();
      }
      err.println(
          "haloconv: error: "
              + root.getClass().getSimpleName()
              + ": "
              + firstLine(root.getMessage()));
      return JobException.FAILED;
    }
  }

  /** {@code bench-stack}: loads {@code --layers} as featurize does, then runs the bench. */
  private static int benchStack(String[] args, PrintStream out, PrintStream err) {
    int at = Arrays.asList(args).indexOf("--layers");
    if (at < 0 || at + 1 >= args.length) {
      throw new UsageException("bench-stack needs --layers FILE");
    }
    return StackBench.run(args, StackLoader.load(args[at + 1], 3, new Configuration()), out, err);
  }

  private static int featurize(String[] args, PrintStream out, PrintStream err, Spark source) {
    if (Arrays.asList(args).contains("--help")) {
      out.println(USAGE);
      return 0;
    }
    FeaturizeCommand.Parsed parsed = FeaturizeCommand.parse(args);
    SparkSession spark = source.start(parsed.spark());
    try {
      JobResult result =
          parsed.parquet() == null
              ? FeaturizeJob.run(spark, parsed.config(), err)
              : ParquetFeaturizeJob.run(spark, parsed.config(), parsed.parquet(), err);
      Summary.print(
          out,
          parsed.config().output(),
          result,
          parsed.parquet() == null ? Summary.Stages.FILES : Summary.Stages.PARQUET,
          parsed.config().stack().embedding().isPresent());
      return 0;
    } finally {
      source.finish(spark);
    }
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "(no message)";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
