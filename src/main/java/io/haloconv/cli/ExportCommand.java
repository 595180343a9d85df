package io.haloconv.cli;

import io.haloconv.spark.JobException;
import io.haloconv.spark.output.OutputReader;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpzWriter;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code haloconv export}: whole feature maps, reassembled from their tiles, in numpy's formats.
 * {@code .npy} holds one image's (K, H, W) float32 map; {@code .npz} holds many, one member per
 * image named by its {@code path} value. float16 and bfloat16 outputs are widened to float32
 * exactly (numpy has no bfloat16).
 */
final class ExportCommand {
  static final String USAGE =
      "haloconv export DIR --image PATH --out FILE.npy [--layer NAME]\n"
          + "       haloconv export DIR --format npz --out FILE.npz [--image PATH]... [--layer NAME]";
  private static final Set<String> VALUED =
      SparkFlags.with(SparkFlags.VALUED, "--image", "--out", "--layer", "--format");
  private static final Set<String> REPEATABLE = SparkFlags.with(SparkFlags.REPEATABLE, "--image");
  private static final Set<String> SWITCHES = Set.of("--overwrite", "--help");

  private ExportCommand() {}

  static int run(String[] argv, PrintStream out, Spark sparkSource) {
    Args args = Args.parse(argv, VALUED, REPEATABLE, SWITCHES);
    if (args.has("--help")) {
      out.println("usage: " + USAGE);
      return 0;
    }
    String dir = Commands.onePositional(args, "export", "DIR");
    String target = args.require("--out");
    String format =
        args.has("--format")
            ? args.get("--format").toLowerCase(Locale.ROOT)
            : target.toLowerCase(Locale.ROOT).endsWith(".npz") ? "npz" : "npy";
    if (!format.equals("npy") && !format.equals("npz")) {
      throw new UsageException("--format must be npy or npz, got '" + args.get("--format") + "'");
    }
    List<String> images = args.all("--image");
    if (format.equals("npy") && images.size() != 1) {
      throw new UsageException(
          images.isEmpty()
              ? "export to .npy needs --image PATH (or --format npz for many images)"
              : "export to .npy takes one --image; use --format npz for several");
    }
    SparkFlags flags = SparkFlags.from(args);
    OutputFiles.check(target, args.has("--overwrite"), FeaturizeCommand.hadoopConf(flags.conf()));
    SparkSession spark = sparkSource.start(flags);
    try {
      OutputReader reader = OutputReader.open(spark, dir);
      String layer = reader.chooseLayer(args.get("--layer"));
      List<String> paths = new ArrayList<>();
      for (String image : images) {
        paths.add(reader.resolvePath(image));
      }
      long[] written = {0, 0};
      try {
        if (format.equals("npy")) {
          Tensor3 map = reader.featureMap(paths.get(0), layer).map();
          OutputFiles.write(
              target,
              spark.sparkContext().hadoopConfiguration(),
              o -> Npy.write(o, new int[] {map.channels(), map.height(), map.width()}, map.data()));
          written[0] = 1;
          written[1] = map.size();
        } else {
          OutputFiles.write(
              target,
              spark.sparkContext().hadoopConfiguration(),
              o -> {
                try (NpzWriter npz = new NpzWriter(o)) {
                  Iterator<OutputReader.FeatureMap> maps =
                      reader.featureMaps(paths.isEmpty() ? null : paths, layer);
                  while (maps.hasNext()) {
                    OutputReader.FeatureMap m = maps.next();
                    Tensor3 map = m.map();
                    npz.add(
                        m.path(),
                        new int[] {map.channels(), map.height(), map.width()},
                        map.data());
                    written[0]++;
                    written[1] += map.size();
                  }
                }
              });
        }
      } catch (IOException e) {
        throw JobException.failed("cannot write " + target + ": " + e.getMessage(), e);
      }
      out.println(
          "haloconv: wrote "
              + target
              + " ("
              + written[0]
              + " feature map"
              + (written[0] == 1 ? "" : "s")
              + ", "
              + TextTable.count(written[1])
              + " float32 values)");
      return 0;
    } finally {
      sparkSource.finish(spark);
    }
  }
}
