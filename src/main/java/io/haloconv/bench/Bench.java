package io.haloconv.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconv.conv.ConvKernel;
import io.haloconv.conv.ConvKernels;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.BiFunction;

/**
 * {@code haloconv bench [--shapes FILE] [--threads N] [--json FILE]}: times the convolution kernel
 * alone, without Spark, on each shape of a shapes file.
 *
 * <p>Method: for each shape, N threads cooperate on one convolution (see {@link ParallelConv});
 * warm-up runs for at least {@code --warmup} seconds and until the JIT has compiled nothing for 0.5
 * s (at most 60 s; {@code --warmup 0} runs 3 times and does not wait for the JIT), then {@code
 * --repeats} samples, each a batch of runs lasting at least 0.2 s, give one time per run each. It
 * prints the median time, the GFLOP/s at the median, and the spread ((max − min) / median) with the
 * extreme samples. The input is zero padded once, outside the timed region; the timed region is the
 * kernel's {@code convolve} on the padded windows, bias and relu included.
 *
 * <p>Other options: {@code --kernel auto|vector|lanes|direct} (default auto, as jobs choose; {@code
 * vector} and {@code lanes} force the output-column and the filter-lane Vector API kernels), {@code
 * --repeats N} (default 7), {@code --warmup SECONDS} (default 2), {@code --only NAME[,NAME]},
 * {@code --peak} (first a line with the machine's FMA peak on the same threads, see {@link
 * FmaPeak}; {@code --peak-only} prints only that).
 */
public final class Bench {
  static final String DEFAULT_SHAPES = "jobs/bench/shapes.json";
  private static final double SAMPLE_SECONDS = 0.2;

  /** How long the JIT must have compiled nothing before the warm-up may end. */
  private static final double JIT_IDLE_SECONDS = 0.5;

  /** A JIT that never settles (it recompiles forever) must not hold the bench up forever. */
  private static final double MAX_WARMUP_SECONDS = 60;

  private Bench() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err));
  }

  /** Runs the bench; returns the process exit code: 0, or 2 for bad arguments. */
  public static int run(String[] args, PrintStream out, PrintStream err) {
    Options options;
    List<BenchShape> shapes;
    try {
      options = Options.parse(args);
      shapes = options.shapes();
    } catch (IllegalArgumentException e) {
      err.println("haloconv bench: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("haloconv bench: cannot read shapes: " + e.getMessage());
      return 2;
    }
    BiFunction<FilterBank, ConvSpec, ConvKernel> factory;
    String implementation;
    switch (options.kernel) {
      case "direct":
        factory = ConvKernels::direct;
        implementation = "direct";
        break;
      case "vector":
        if (!ConvKernels.vectorAvailable()) {
          err.println(
              "haloconv bench: vector kernel unavailable: "
                  + ConvKernels.vectorUnavailableReason());
          return 2;
        }
        factory = ConvKernels::vector;
        implementation = "vector";
        break;
      case "lanes":
        if (!ConvKernels.vectorAvailable()) {
          err.println(
              "haloconv bench: vector kernel unavailable: "
                  + ConvKernels.vectorUnavailableReason());
          return 2;
        }
        factory = ConvKernels::filterLanes;
        implementation = "lanes";
        break;
      default:
        factory = ConvKernels::create;
        implementation = ConvKernels.implementation();
    }
    out.printf(
        Locale.ROOT,
        "# haloconv bench: kernel %s, %d thread(s), %d repeats, java %s%s%n",
        implementation,
        options.threads,
        options.repeats,
        Runtime.version(),
        implementation.equals("direct") && !ConvKernels.vectorAvailable()
            ? " (vector kernel unavailable: " + ConvKernels.vectorUnavailableReason() + ")"
            : "");
    if (options.peak) {
      if (ConvKernels.vectorAvailable()) {
        out.printf(
            Locale.ROOT,
            "%-24s %5s %10s %9.1f  (%d threads, %d lanes)%n",
            "fma_peak",
            "-",
            "-",
            FmaPeak.measure(options.threads, options.repeats),
            options.threads,
            FmaPeak.lanes());
      } else {
        out.println("fma_peak: unavailable: " + ConvKernels.vectorUnavailableReason());
      }
      out.flush();
      if (options.peakOnly) {
        return 0;
      }
    }
    out.printf(
        Locale.ROOT,
        "%-24s %5s %10s %9s %8s  %s%n",
        "name",
        "split",
        "ms",
        "GFLOP/s",
        "spread",
        "min..max ms");
    ObjectMapper json = new ObjectMapper();
    ArrayNode results = json.createArrayNode();
    for (BenchShape shape : shapes) {
      Result r = measure(shape, options, factory);
      out.printf(
          Locale.ROOT,
          "%-24s %5s %10.3f %9.1f %7.1f%%  %.3f..%.3f%n",
          shape.name(),
          r.split,
          r.medianMs,
          r.gflops,
          r.spreadPercent(),
          r.minMs,
          r.maxMs);
      out.flush();
      ObjectNode o = results.addObject();
      o.put("name", shape.name());
      o.put("ms", round(r.medianMs, 4));
      o.put("gflops", round(r.gflops, 2));
    }
    if (options.json != null) {
      try {
        json.writerWithDefaultPrettyPrinter().writeValue(options.json.toFile(), results);
      } catch (IOException e) {
        err.println("haloconv bench: cannot write " + options.json + ": " + e.getMessage());
        return 1;
      }
    }
    return 0;
  }

  private static double round(double v, int digits) {
    double scale = Math.pow(10, digits);
    return Math.round(v * scale) / scale;
  }

  /** The outcome of one shape: per-run times of every sample, in milliseconds. */
  record Result(String split, double medianMs, double minMs, double maxMs, double gflops) {
    double spreadPercent() {
      return 100 * (maxMs - minMs) / medianMs;
    }
  }

  static Result measure(
      BenchShape shape, Options options, BiFunction<FilterBank, ConvSpec, ConvKernel> factory) {
    try (ParallelConv conv = new ParallelConv(shape, options.threads, 42, factory)) {
      // Warm-up: at least --warmup seconds, then on until the JIT has been idle for a while. A time
      // alone is not enough: with every core running a bench thread, C2's compiler threads get
      // little CPU, and on 2 cores the micro-kernels were still being compiled after 2 s, so some
      // JVMs timed the profiling (C1) code, which boxes every vector: 2-thread runs of one shape
      // came out at 7.9 or at 14.5 ms from one JVM to the next (2026-12-06).
      CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
      boolean watchJit = options.warmupSeconds > 0 && jit.isCompilationTimeMonitoringSupported();
      long start = System.nanoTime();
      long compiled = watchJit ? jit.getTotalCompilationTime() : 0;
      long jitIdleSince = start;
      int runs = 0;
      long lastRun;
      while (true) {
        long runStart = System.nanoTime();
        conv.runOnce();
        runs++;
        long now = System.nanoTime();
        lastRun = now - runStart;
        if (watchJit) {
          long c = jit.getTotalCompilationTime();
          if (c != compiled) {
            compiled = c;
            jitIdleSince = now;
          }
        }
        boolean settled = !watchJit || now - jitIdleSince >= JIT_IDLE_SECONDS * 1e9;
        if (runs >= 3 && now - start >= options.warmupSeconds * 1e9 && settled
            || now - start >= MAX_WARMUP_SECONDS * 1e9) {
          break;
        }
      }
      // The last warm-up run, not their mean: the first ones ran uncompiled code.
      double perRun = lastRun / 1e9;
      int batch = (int) Math.max(1, Math.ceil(SAMPLE_SECONDS / perRun));
      double[] ms = new double[options.repeats];
      for (int s = 0; s < ms.length; s++) {
        long t0 = System.nanoTime();
        for (int i = 0; i < batch; i++) {
          conv.runOnce();
        }
        ms[s] = (System.nanoTime() - t0) / 1e6 / batch;
      }
      Arrays.sort(ms);
      double median =
          ms.length % 2 == 1 ? ms[ms.length / 2] : (ms[ms.length / 2 - 1] + ms[ms.length / 2]) / 2;
      return new Result(
          conv.split(), median, ms[0], ms[ms.length - 1], shape.flops() / (median * 1e6));
    }
  }

  /** Parsed command line. */
  static final class Options {
    Path shapesFile;
    int threads = Runtime.getRuntime().availableProcessors();
    Path json;
    String kernel = "auto";
    int repeats = 7;
    double warmupSeconds = 2;
    List<String> only;
    boolean peak;
    boolean peakOnly;

    static Options parse(String[] args) {
      Options o = new Options();
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        switch (a) {
          case "--shapes":
            o.shapesFile = Paths.get(value(args, ++i, a));
            break;
          case "--threads":
            o.threads = positive(value(args, ++i, a), a, 1024);
            break;
          case "--json":
            o.json = Paths.get(value(args, ++i, a));
            break;
          case "--kernel":
            o.kernel = value(args, ++i, a).toLowerCase(Locale.ROOT);
            if (!List.of("auto", "vector", "lanes", "direct").contains(o.kernel)) {
              throw new IllegalArgumentException(
                  "--kernel must be auto, vector, lanes or direct, got '" + o.kernel + "'");
            }
            break;
          case "--repeats":
            o.repeats = positive(value(args, ++i, a), a, 1000);
            break;
          case "--warmup":
            try {
              o.warmupSeconds = Double.parseDouble(value(args, ++i, a));
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException(
                  "--warmup must be a number of seconds, got '" + args[i] + "'");
            }
            if (!(o.warmupSeconds >= 0 && o.warmupSeconds <= 600)) {
              throw new IllegalArgumentException(
                  "--warmup must be in [0, 600] seconds, got " + args[i]);
            }
            break;
          case "--peak":
            o.peak = true;
            break;
          case "--peak-only":
            o.peak = true;
            o.peakOnly = true;
            break;
          case "--only":
            o.only = List.of(value(args, ++i, a).split(","));
            break;
          default:
            throw new IllegalArgumentException(
                "unknown argument '"
                    + a
                    + "'; usage: bench [--shapes FILE] [--threads N] "
                    + "[--json FILE] [--kernel auto|vector|lanes|direct] [--repeats N] [--warmup S] "
                    + "[--only NAME,...] [--peak|--peak-only]");
        }
      }
      return o;
    }

    private static String value(String[] args, int i, String option) {
      if (i >= args.length) {
        throw new IllegalArgumentException(option + " needs a value");
      }
      return args[i];
    }

    private static int positive(String text, String option, int max) {
      try {
        int v = Integer.parseInt(text);
        if (v >= 1 && v <= max) {
          return v;
        }
      } catch (NumberFormatException e) {
        // reported below
      }
      throw new IllegalArgumentException(
          option + " must be in [1, " + max + "], got '" + text + "'");
    }

    List<BenchShape> shapes() throws IOException {
      Path file = shapesFile != null ? shapesFile : defaultShapes();
      List<BenchShape> all;
      try (InputStream in = Files.newInputStream(file)) {
        all = BenchShape.readAll(in);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(file + ": " + e.getMessage());
      }
      if (only == null) {
        return all;
      }
      List<BenchShape> chosen = new ArrayList<>();
      for (BenchShape s : all) {
        if (only.contains(s.name())) {
          chosen.add(s);
        }
      }
      if (chosen.size() != only.size()) {
        throw new IllegalArgumentException("--only names shapes not in " + file + ": " + only);
      }
      return chosen;
    }

    /**
     * The project's {@code jobs/bench/shapes.json}: looked up from {@code haloconv.home} (the
     * launcher's project root) or else the working directory, and each parent.
     */
    static Path defaultShapes() {
      String home = System.getProperty("haloconv.home", System.getProperty("user.dir"));
      Path start = Paths.get(home).toAbsolutePath().normalize();
      for (Path d = start; d != null; d = d.getParent()) {
        Path candidate = d.resolve(DEFAULT_SHAPES);
        if (Files.isRegularFile(candidate)) {
          return candidate;
        }
      }
      throw new IllegalArgumentException(
          "no --shapes given and no " + DEFAULT_SHAPES + " found above " + start);
    }
  }
}
