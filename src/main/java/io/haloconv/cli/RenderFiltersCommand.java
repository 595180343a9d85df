package io.haloconv.cli;

import io.haloconv.conv.FilterBank;
import io.haloconv.render.FilterGrid;
import io.haloconv.render.Rendering;
import io.haloconv.spark.JobException;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;

/**
 * {@code haloconv render-filters BANK --out filters.png}: the filter bank itself, a row per filter
 * and a column per input channel, weights in a diverging colormap on one shared scale. Needs no
 * Spark.
 */
final class RenderFiltersCommand {
  static final String USAGE =
      "haloconv render-filters BANK --out FILE.png [--channels C] " + "[--overwrite]";
  private static final Set<String> VALUED = Set.of("--out", "--channels", "--conf");
  private static final Set<String> SWITCHES = Set.of("--overwrite", "--help");

  private RenderFiltersCommand() {}

  static int run(String[] argv, PrintStream out) {
    Args args = Args.parse(argv, VALUED, Set.of("--conf"), SWITCHES);
    if (args.has("--help")) {
      out.println("usage: " + USAGE);
      return 0;
    }
    String ref = Commands.onePositional(args, "render-filters", "BANK");
    String target = args.require("--out");
    int channels =
        args.has("--channels") ? Values.integer("--channels", args.get("--channels"), 1, 4096) : 3;
    Map<String, String> conf = SparkFlags.from(args).conf();
    Configuration hadoop = FeaturizeCommand.hadoopConf(conf);
    OutputFiles.check(target, args.has("--overwrite"), hadoop);
    FilterBank bank = BankLoader.load(ref, channels, hadoop);
    Rendering picture = FilterGrid.render(bank, ref);
    try {
      OutputFiles.write(target, hadoop, picture::writePng);
    } catch (IOException e) {
      throw JobException.failed("cannot write " + target + ": " + e.getMessage(), e);
    }
    out.println(
        "haloconv: wrote "
            + target
            + " ("
            + picture.image().getWidth()
            + "x"
            + picture.image().getHeight()
            + ", filters "
            + bank.shapeString()
            + ")");
    return 0;
  }
}
