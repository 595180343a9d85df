package io.haloconv.cli;

import io.haloconv.render.Colormap;
import io.haloconv.render.FeatureGrid;
import io.haloconv.render.Rendering;
import io.haloconv.spark.JobException;
import io.haloconv.spark.output.OutputReader;
import io.haloconv.spark.output.SourceImages;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Set;
import org.apache.spark.sql.SparkSession;

/**
 * {@code haloconv render DIR --image PATH --out grid.png}: one image's feature maps as a PNG grid,
 * each channel normalised to its own range in viridis and labelled with its index, the source image
 * beside them.
 */
final class RenderCommand {
  static final String USAGE =
      "haloconv render DIR --image PATH --out FILE.png [--layer NAME] "
          + "[--cell N] [--no-source] [--overwrite]";
  private static final Set<String> VALUED =
      SparkFlags.with(SparkFlags.VALUED, "--image", "--out", "--layer", "--cell");
  private static final Set<String> SWITCHES = Set.of("--no-source", "--overwrite", "--help");

  private RenderCommand() {}

  static int run(String[] argv, PrintStream out, PrintStream err, Spark sparkSource) {
    Args args = Args.parse(argv, VALUED, SparkFlags.REPEATABLE, SWITCHES);
    if (args.has("--help")) {
      out.println("usage: " + USAGE);
      return 0;
    }
    String dir = Commands.onePositional(args, "render", "DIR");
    String image = args.require("--image");
    String target = args.require("--out");
    int cell =
        args.has("--cell")
            ? Values.integer("--cell", args.get("--cell"), 8, 4096)
            : FeatureGrid.AUTO_CELL;
    SparkFlags flags = SparkFlags.from(args);
    OutputFiles.check(target, args.has("--overwrite"), FeaturizeCommand.hadoopConf(flags.conf()));
    SparkSession spark = sparkSource.start(flags);
    try {
      OutputReader reader = OutputReader.open(spark, dir);
      String layer = reader.chooseLayer(args.get("--layer"));
      String path = reader.resolvePath(image);
      OutputReader.FeatureMap read = reader.featureMap(path, layer);
      Tensor3 map = read.map();
      SourceImages.Source source =
          args.has("--no-source")
              ? new SourceImages.Source(null, null)
              : SourceImages.load(spark, path, reader.manifest());
      String subtitle =
          map.channels()
              + " channel"
              + (map.channels() == 1 ? "" : "s")
              + " of "
              + map.width()
              + "x"
              + map.height()
              + " (WxH), "
              + read.dtype()
              + (layer == null ? "" : ", layer " + layer)
              + "; each channel scaled from its min to its max";
      String sourceLabel =
          source.pixels() == null
              ? null
              : "input "
                  + source.pixels().width()
                  + "x"
                  + source.pixels().height()
                  + ", "
                  + source.pixels().channels()
                  + " channel"
                  + (source.pixels().channels() == 1 ? "" : "s");
      Rendering picture =
          FeatureGrid.render(
              map,
              source.pixels(),
              sourceLabel,
              new FeatureGrid.Options(cell, Colormap.VIRIDIS, path, subtitle));
      try {
        OutputFiles.write(target, spark.sparkContext().hadoopConfiguration(), picture::writePng);
      } catch (IOException e) {
        throw JobException.failed("cannot write " + target + ": " + e.getMessage(), e);
      }
      if (source.pixels() == null && source.note() != null) {
        err.println("haloconv: the source image is not shown: " + source.note());
      }
      out.println(
          "haloconv: wrote "
              + target
              + " ("
              + picture.image().getWidth()
              + "x"
              + picture.image().getHeight()
              + ", "
              + map.channels()
              + " maps of "
              + path
              + ")");
      return 0;
    } finally {
      sparkSource.finish(spark);
    }
  }
}
