package io.haloconv.cli;

import io.haloconv.bench.StageBench;
import io.haloconv.spark.Sessions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * A benchmark entry point, not a command of the CLI: measures the stages of a featurize job alone
 * ({@link StageBench}) with the featurize flags, plus {@code --threads N} (default 2) and {@code
 * --stages LIST} (some of decode, kernel, write, write_rows; default all but write_rows; a stage
 * left out prints NaN) and {@code --write-repeats N} (the write stages N times after a warm-up,
 * alternating, medians). The output directory is scratch space, deleted afterwards. Prints one line
 * per stage and a last line {@code stages-json {...}} for scripts.
 *
 * <pre>
 *   java ... io.haloconv.cli.BenchStages --input IMG --filters random:16,3,3 --padding same \
 *       --output /tmp/scratch --overwrite [--threads 2] [--stages decode,kernel,write,write_rows]
 *       [--write-repeats N]
 * </pre>
 */
public final class BenchStages {
  private BenchStages() {}

  public static void main(String[] argv) throws Exception {
    List<String> rest = new ArrayList<>();
    int threads = 2;
    int repeats = 1;
    Set<StageBench.Stage> stages =
        EnumSet.of(StageBench.Stage.DECODE, StageBench.Stage.KERNEL, StageBench.Stage.WRITE);
    for (int i = 0; i < argv.length; i++) {
      if (argv[i].equals("--threads")) {
        threads = Values.integer("--threads", argv[++i], 1, 1024);
      } else if (argv[i].equals("--write-repeats")) {
        repeats = Values.integer("--write-repeats", argv[++i], 1, 100);
      } else if (argv[i].equals("--stages")) {
        stages = EnumSet.noneOf(StageBench.Stage.class);
        for (String name : argv[++i].split(",")) {
          try {
            stages.add(StageBench.Stage.valueOf(name.trim().toUpperCase(Locale.ROOT)));
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "--stages must list decode, kernel, write or write_rows, got '" + name + "'");
          }
        }
      } else {
        rest.add(argv[i]);
      }
    }
    FeaturizeCommand.Parsed parsed = FeaturizeCommand.parse(rest.toArray(new String[0]));
    String confDir = System.getProperty("haloconv.conf.dir");
    SparkSession spark =
        Sessions.create(
            parsed.spark().master(),
            confDir == null ? null : Path.of(confDir),
            parsed.spark().conf());
    try {
      StageBench.Report r =
          StageBench.run(
              spark,
              parsed.config(),
              threads,
              parsed.config().output(),
              System.out,
              stages,
              repeats);
      double mp = r.imagePixels() / 1e6;
      System.out.printf(
          Locale.ROOT,
          "stages-json {\"megapixels\": %.3f, \"tiles\": %d,"
              + " \"groups\": %d, \"decode_s\": %.3f, \"kernel_s\": %.3f, \"write_s\": %.3f,"
              + " \"write_bytes\": %d, \"decode_mps\": %.2f, \"kernel_mps\": %.2f,"
              + " \"write_mps\": %.2f, \"decode_cpu_s\": %.3f, \"kernel_cpu_s\": %.3f,"
              + " \"write_cpu_s\": %.3f, \"write_rows_s\": %.3f, \"write_rows_cpu_s\": %.3f}%n",
          mp,
          r.tiles(),
          r.groups(),
          r.decodeSeconds(),
          r.kernelSeconds(),
          r.writeSeconds(),
          r.writeBytes(),
          mp / r.decodeSeconds(),
          mp / r.kernelSeconds(),
          mp / r.writeSeconds(),
          r.decodeCpuSeconds(),
          r.kernelCpuSeconds(),
          r.writeCpuSeconds(),
          r.writeRows()[0],
          r.writeRows()[1]);
    } finally {
      spark.stop();
    }
  }
}
