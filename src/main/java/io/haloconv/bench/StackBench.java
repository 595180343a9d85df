package io.haloconv.bench;

import io.haloconv.spark.FeaturizeJob;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.JobResult;
import io.haloconv.spark.Sessions;
import io.haloconv.spark.output.TileRows;
import io.haloconv.spark.output.WriteMode;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.Layer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileGrid;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * {@code haloconv bench-stack --layers FILE [--input PATH] [--images N] [--size S] [--tile N]
 * [--repeats R] [--master URL] [--work DIR]}: times a layer stack run fused, one job evaluating
 * every layer per tile (the featurize job), against one job per layer, each writing its Parquet
 * features and the next one reading them back.
 *
 * <p>The per-layer jobs are what a pipeline without stacks would do: layer 1 is a featurize job;
 * each later layer reads the previous dataset, groups its tiles by image (a shuffle: a tile needs
 * its neighbours' values for its halo), reassembles the map, and writes its own tiles. Both ways
 * give bitwise equal final maps, which the bench checks. Without {@code --input} it writes {@code
 * --images} random {@code 3×S×S} float32 {@code .npy} images (default 8 of 1024²) into the work
 * directory. Each way runs {@code --repeats} times (default 3) after one warm-up; it prints every
 * time and the medians.
 */
public final class StackBench {
  private StackBench() {}

  /**
   * @param stack the stack {@code --layers} names, already loaded by the CLI
   */
  public static int run(String[] args, LayerStack stack, PrintStream out, PrintStream err) {
    Map<String, String> o =
        new LinkedHashMap<>(
            Map.of(
                "--images",
                "8",
                "--size",
                "1024",
                "--tile",
                "256",
                "--repeats",
                "3",
                "--master",
                "local[2]",
                "--work",
                "target/bench-stack"));
    for (int i = 0; i < args.length; i += 2) {
      if (!args[i].startsWith("--")
          || i + 1 >= args.length
          || !List.of(
                  "--layers",
                  "--input",
                  "--images",
                  "--size",
                  "--tile",
                  "--repeats",
                  "--master",
                  "--work")
              .contains(args[i])) {
        err.println(
            "haloconv bench-stack: usage: --layers FILE [--input PATH] [--images N]"
                + " [--size S] [--tile N] [--repeats R] [--master URL] [--work DIR]");
        return 2;
      }
      o.put(args[i], args[i + 1]);
    }
    Path work = Path.of(o.get("--work")).toAbsolutePath();
    int tile = Integer.parseInt(o.get("--tile"));
    int repeats = Integer.parseInt(o.get("--repeats"));
    try {
      String input = o.get("--input");
      if (input == null) {
        input =
            syntheticImages(
                work.resolve("input"),
                Integer.parseInt(o.get("--images")),
                Integer.parseInt(o.get("--size")));
      }
      Map<String, String> conf = new LinkedHashMap<>();
      // The per-layer jobs shuffle Spark rows, which haloconv's registrator does not list.
      conf.put("spark.kryo.registrationRequired", "false");
      conf.put("spark.ui.enabled", "false");
      SparkSession spark = Sessions.create(o.get("--master"), null, conf);
      try {
        out.printf(
            Locale.ROOT,
            "bench-stack: %s on %s, tile %d, master %s, %d cores%n",
            stack,
            input,
            tile,
            o.get("--master"),
            spark.sparkContext().defaultParallelism());
        List<Double> fused = new ArrayList<>();
        List<Double> perLayer = new ArrayList<>();
        long[] bytes = new long[2];
        for (int r = 0; r <= repeats; r++) {
          double f = fused(spark, stack, input, work.resolve("fused"), tile, bytes);
          double p = perLayer(spark, stack, input, work.resolve("per-layer"), tile, bytes, out);
          String label = r == 0 ? "warm-up" : "run " + r;
          out.printf(Locale.ROOT, "  %-8s fused %.2f s, per-layer %.2f s%n", label, f, p);
          if (r > 0) {
            fused.add(f);
            perLayer.add(p);
          }
        }
        boolean same = sameFinalMaps(spark, stack, work);
        double mf = median(fused);
        double mp = median(perLayer);
        out.printf(
            Locale.ROOT,
            "median: fused %.2f s, per-layer jobs %.2f s (%.2fx);"
                + " Parquet written: fused %.1f MB, per-layer %.1f MB; final maps bitwise equal: %s%n",
            mf,
            mp,
            mp / mf,
            bytes[0] / 1e6,
            bytes[1] / 1e6,
            same);
        return same ? 0 : 1;
      } finally {
        spark.stop();
      }
    } catch (IOException | RuntimeException e) {
      err.println("haloconv bench-stack: " + e.getMessage());
      return 2;
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    sorted.sort(null);
    return sorted.get(sorted.size() / 2);
  }

  private static String syntheticImages(Path dir, int count, int size) throws IOException {
    Files.createDirectories(dir);
    Random random = new Random(42);
    for (int i = 0; i < count; i++) {
      Path file = dir.resolve(String.format(Locale.ROOT, "image%03d.npy", i));
      if (Files.exists(file)) {
        continue;
      }
      float[] data = new float[3 * size * size];
      for (int j = 0; j < data.length; j++) {
        data[j] = random.nextFloat();
      }
      try (OutputStream out = Files.newOutputStream(file)) {
        Npy.write(out, new int[] {3, size, size}, data);
      }
    }
    return dir.toString();
  }

  /** The whole stack as one featurize job; only the last layer is written. */
  private static double fused(
      SparkSession spark, LayerStack stack, String input, Path dir, int tile, long[] bytes)
      throws IOException {
    LayerStack lastOnly = new LayerStack(withoutEmits(stack.layers()));
    long start = System.nanoTime();
    JobResult result =
        FeaturizeJob.run(
            spark,
            JobConfig.builder(input, dir.toString(), lastOnly)
                .tile(tile, tile)
                .writeMode(WriteMode.OVERWRITE)
                .build());
    bytes[0] = result.outputBytes();
    return (System.nanoTime() - start) / 1e9;
  }

  private static List<Layer> withoutEmits(List<Layer> layers) {
    List<Layer> out = new ArrayList<>();
    for (Layer l : layers) {
      if (l instanceof ConvLayer c) {
        out.add(new ConvLayer(c.name(), c.source(), c.bank(), c.spec(), false));
      } else {
        PoolLayer p = (PoolLayer) l;
        out.add(new PoolLayer(p.name(), p.pool(), false));
      }
    }
    return out;
  }

  /** One job per layer, Parquet in between; returns the total wall time. */
  private static double perLayer(
      SparkSession spark,
      LayerStack stack,
      String input,
      Path dir,
      int tile,
      long[] bytes,
      PrintStream out)
      throws IOException {
    List<Layer> layers = withoutEmits(stack.layers());
    long start = System.nanoTime();
    String previous = dir.resolve("layer0").toString();
    JobResult first =
        FeaturizeJob.run(
            spark,
            JobConfig.builder(input, previous, new LayerStack(layers.subList(0, 1)))
                .tile(tile, tile)
                .writeMode(WriteMode.OVERWRITE)
                .build());
    long written = first.outputBytes();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    for (int i = 1; i < layers.size(); i++) {
      String next = dir.resolve("layer" + i).toString();
      Broadcast<LayerStack> one = jsc.broadcast(new LayerStack(layers.subList(i, i + 1)));
      JavaRDD<Row> rows =
          spark
              .read()
              .parquet(previous)
              .javaRDD()
              .groupBy(r -> r.getString(0))
              .flatMap(image -> layerRows(image._1(), image._2(), one.value(), tile));
      spark
          .createDataFrame(rows, TileRows.SCHEMA)
          .write()
          .mode("overwrite")
          .option("compression", "zstd")
          .parquet(next);
      one.destroy();
      written += parquetBytes(Path.of(next));
      previous = next;
    }
    bytes[1] = written;
    return (System.nanoTime() - start) / 1e9;
  }

  private static long parquetBytes(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files
          .filter(f -> f.toString().endsWith(".parquet"))
          .mapToLong(f -> f.toFile().length())
          .sum();
    }
  }

  /** Reassembles one image's map from its tiles, then writes the next layer's tiles of it. */
  private static Iterator<Row> layerRows(
      String path, Iterable<Row> tiles, LayerStack layer, int tile) throws IOException {
    Tensor3 map = assemble(tiles);
    StackGeometry g = layer.geometry(map.channels(), map.height(), map.width());
    TileGrid grid = g.grid(tile, tile);
    StackEvaluator evaluator = new StackEvaluator(layer);
    List<Row> rows = new ArrayList<>();
    for (Tile t : grid.tiles()) {
      evaluator.evaluate(
          g,
          g.plan(t.outY0(), t.outX0(), t.outHeight(), t.outWidth()),
          RegionReader.of(map),
          region -> {
            byte[] bytes = new byte[region.size() * 4];
            int at = 0;
            for (int c = 0; c < region.channels(); c++) {
              for (int y = 0; y < region.height(); y++) {
                int from = region.offset(c, y);
                Precision.FLOAT32.encode(region.data(), from, from + region.width(), bytes, at);
                at += region.width() * 4;
              }
            }
            rows.add(
                RowFactory.create(
                    path,
                    region.y0(),
                    region.x0(),
                    region.height(),
                    region.width(),
                    region.channels(),
                    g.outHeight(),
                    g.outWidth(),
                    "float32",
                    bytes,
                    null,
                    null,
                    null,
                    null,
                    1.0));
          });
    }
    return rows.iterator();
  }

  /** A whole feature map from its tile rows (columns of {@link TileRows#SCHEMA}). */
  private static Tensor3 assemble(Iterable<Row> tiles) {
    Tensor3 map = null;
    for (Row r : tiles) {
      int y0 = r.getInt(1);
      int x0 = r.getInt(2);
      int h = r.getInt(3);
      int w = r.getInt(4);
      int channels = r.getInt(5);
      if (map == null) {
        map = Tensor3.zeros(channels, r.getInt(6), r.getInt(7));
      }
      float[] values = Precision.FLOAT32.decode((byte[]) r.get(9), 0, channels * h * w);
      for (int c = 0; c < channels; c++) {
        for (int y = 0; y < h; y++) {
          System.arraycopy(
              values,
              (c * h + y) * w,
              map.data(),
              (c * map.height() + y0 + y) * map.width() + x0,
              w);
        }
      }
    }
    return map;
  }

  private static boolean sameFinalMaps(SparkSession spark, LayerStack stack, Path work) {
    Function<String, Map<String, Tensor3>> read =
        dir -> {
          Map<String, List<Row>> byPath = new LinkedHashMap<>();
          for (Row r : spark.read().parquet(dir).collectAsList()) {
            byPath.computeIfAbsent(r.getString(0), k -> new ArrayList<>()).add(r);
          }
          Map<String, Tensor3> maps = new LinkedHashMap<>();
          byPath.forEach((k, v) -> maps.put(k, assemble(v)));
          return maps;
        };
    Map<String, Tensor3> fused = read.apply(work.resolve("fused").toString());
    Map<String, Tensor3> perLayer =
        read.apply(work.resolve("per-layer").resolve("layer" + (stack.size() - 1)).toString());
    if (!fused.keySet().equals(perLayer.keySet())) {
      return false;
    }
    for (String path : fused.keySet()) {
      if (!fused.get(path).bitwiseEquals(perLayer.get(path))) {
        return false;
      }
    }
    return true;
  }
}
