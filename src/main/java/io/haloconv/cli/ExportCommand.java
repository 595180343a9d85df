package io.haloconv.cli;

import io.haloconv.spark.JobException;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.spark.output.OutputReader;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpzWriter;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * {@code haloconv export}: whole feature maps, reassembled from their tiles, in numpy's formats.
 * {@code .npy} holds one image's (K, H, W) float32 map; {@code .npz} holds many, one member per
 * image named by its {@code path} value. float16 and bfloat16 outputs are widened to float32
 * exactly (numpy has no bfloat16). An embeddings output (a stack ending in a global or grid pool)
 * exports whole: one (N, K) float32 {@code .npy} with {@code .paths.txt} and {@code .cells.tsv}
 * beside it.
 */
final class ExportCommand {
  static final String USAGE =
      "haloconv export DIR --image PATH --out FILE.npy [--layer NAME]\n"
          + "       haloconv export DIR --out FILE.npy   (an embeddings output: all rows)\n"
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
    if (format.equals("npy") && images.size() > 1) {
      throw new UsageException("export to .npy takes one --image; use --format npz for several");
    }
    SparkFlags flags = SparkFlags.from(args);
    OutputFiles.check(target, args.has("--overwrite"), FeaturizeCommand.hadoopConf(flags.conf()));
    SparkSession spark = sparkSource.start(flags);
    try {
      OutputReader reader = OutputReader.open(spark, dir);
      if (reader.embeddings()) {
        return exportEmbeddings(reader, args, format, target, spark, out);
      }
      if (format.equals("npy") && images.isEmpty()) {
        throw new UsageException(
            "export to .npy needs --image PATH (or --format npz for many images)");
      }
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

  /**
   * An embeddings output as one (N, K) float32 {@code .npy}, rows ordered by path, cell row and
   * cell column, with {@code STEM.paths.txt} (row i's path on line i) and {@code STEM.cells.tsv}
   * (row i's cell and box in input pixels, after a header line) beside it.
   */
  private static int exportEmbeddings(
      OutputReader reader,
      Args args,
      String format,
      String target,
      SparkSession spark,
      PrintStream out) {
    for (String flag : new String[] {"--image", "--layer"}) {
      if (args.has(flag)) {
        throw new UsageException(
            reader.dir()
                + " holds embeddings; export writes them all to one .npy, without "
                + flag);
      }
    }
    if (!format.equals("npy")) {
      throw new UsageException(
          reader.dir() + " holds embeddings; export writes them to one .npy, not ." + format);
    }
    String stem =
        target.toLowerCase(Locale.ROOT).endsWith(".npy")
            ? target.substring(0, target.length() - 4)
            : target;
    List<EmbeddingRows.Embedding> rows = new ArrayList<>();
    Iterator<Row> it = reader.embeddingRows().toLocalIterator();
    long values = 0;
    int k = -1;
    while (it.hasNext()) {
      EmbeddingRows.Embedding e = EmbeddingRows.decode(it.next());
      if (k >= 0 && e.values().length != k) {
        throw JobException.badInput(
            reader.dir() + " mixes embeddings of " + k + " and " + e.values().length + " values");
      }
      k = e.values().length;
      values += k;
      if (values > Integer.MAX_VALUE - 8) {
        throw JobException.badInput(
            reader.dir() + " holds more than 2^31 embedding values, too many for one .npy");
      }
      if (e.path().indexOf('\n') >= 0 || e.path().indexOf('\t') >= 0) {
        throw JobException.badInput(
            "path " + e.path() + " holds a tab or newline; it cannot go in " + stem + ".paths.txt");
      }
      rows.add(e);
    }
    int n = rows.size();
    int width = Math.max(k, 0);
    float[] data = new float[n * width];
    StringBuilder paths = new StringBuilder();
    StringBuilder cells = new StringBuilder("cell_row\tcell_col\ty0\tx0\theight\twidth\tpixels\n");
    for (int i = 0; i < n; i++) {
      EmbeddingRows.Embedding e = rows.get(i);
      System.arraycopy(e.values(), 0, data, i * width, width);
      paths.append(e.path()).append('\n');
      cells
          .append(e.cellRow())
          .append('\t')
          .append(e.cellCol())
          .append('\t')
          .append(e.y0())
          .append('\t')
          .append(e.x0())
          .append('\t')
          .append(e.height())
          .append('\t')
          .append(e.width())
          .append('\t')
          .append(e.pixels())
          .append('\n');
    }
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    try {
      OutputFiles.write(target, conf, o -> Npy.write(o, new int[] {n, width}, data));
      OutputFiles.write(
          stem + ".paths.txt",
          conf,
          o -> o.write(paths.toString().getBytes(StandardCharsets.UTF_8)));
      OutputFiles.write(
          stem + ".cells.tsv",
          conf,
          o -> o.write(cells.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw JobException.failed("cannot write " + target + ": " + e.getMessage(), e);
    }
    out.println(
        "haloconv: wrote "
            + target
            + " ("
            + TextTable.count(n)
            + " embedding"
            + (n == 1 ? "" : "s")
            + " of "
            + width
            + " float32 values), "
            + stem
            + ".paths.txt and "
            + stem
            + ".cells.tsv");
    return 0;
  }
}
