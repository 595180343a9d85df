package io.haloconv.bench;

import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFiles;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.spark.FeaturizeJob;
import io.haloconv.spark.Featurizer;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.Sessions;
import io.haloconv.spark.output.OutputReader;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * jobs/bench-alternatives.sh's Spark side: the same images and bank through (1) haloconv's
 * featurize job, (2) the Featurizer API on Spark's image data source, (3) Spark's image data source
 * with a plain Java UDF convolving each whole image in nested loops, the way one would write it
 * without haloconv. Every variant writes Parquet. Not a test: a main.
 *
 * <p>Arguments: PNG directory, bank .npz, scratch directory, repetitions.
 */
public final class AlternativesBench {
  private AlternativesBench() {}

  public static void main(String[] args) throws Exception {
    String images = Path.of(args[0]).toAbsolutePath().toString();
    FilterBank bank;
    try (InputStream in = Files.newInputStream(Path.of(args[1]))) {
      bank = BankFiles.fromNpz(in);
    }
    Path scratch = Path.of(args[2]).toAbsolutePath();
    int repetitions = Integer.parseInt(args[3]);
    ConvSpec spec =
        ConvSpec.builder(bank).padding(Padding.SAME).activation(Activation.RELU).build();
    SparkSession.Builder builder =
        SparkSession.builder()
            .master("local[2]")
            .config("spark.ui.enabled", "false")
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1");
    for (Map.Entry<String, String> e : Sessions.defaults().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    SparkSession spark = builder.getOrCreate();
    spark.udf().register("naive_conv", new NaiveConv(bank), DataTypes.BinaryType);
    for (int rep = 0; rep <= repetitions; rep++) {
      String label = rep == 0 ? "warm-up" : "run " + rep;
      long t0 = System.nanoTime();
      FeaturizeJob.run(
          spark,
          JobConfig.builder(
                  images,
                  scratch.resolve("job" + rep).toString(),
                  LayerStack.of(bank, spec, "bench"))
              .build());
      long t1 = System.nanoTime();
      Featurizer featurizer =
          Featurizer.builder(bank).spec(spec).precision(Precision.FLOAT32).build();
      featurizer
          .featurizeImages(spark.read().format("image").load(images))
          .write()
          .parquet(scratch.resolve("api" + rep).toString());
      long t2 = System.nanoTime();
      Dataset<Row> udf =
          spark
              .read()
              .format("image")
              .load(images)
              .selectExpr("image.origin AS path", "naive_conv(image) AS features");
      udf.write().parquet(scratch.resolve("udf" + rep).toString());
      long t3 = System.nanoTime();
      System.out.printf(
          Locale.ROOT,
          "%s haloconv_job=%.2f haloconv_api_image_source=%.2f " + "image_source_naive_udf=%.2f%n",
          label,
          (t1 - t0) / 1e9,
          (t2 - t1) / 1e9,
          (t3 - t2) / 1e9);
    }
    // The variants compute the same thing: compare one image's maps.
    OutputReader job = OutputReader.open(spark, scratch.resolve("job" + repetitions).toString());
    String path = job.resolvePath("img0000.png");
    float[] want = job.featureMap(path, null).map().data();
    Row row =
        spark
            .read()
            .parquet(scratch.resolve("udf" + repetitions).toString())
            .filter(org.apache.spark.sql.functions.col("path").endsWith("/img0000.png"))
            .first();
    float[] got = Precision.FLOAT32.decode((byte[]) row.get(1), 0, want.length);
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(got[i] - want[i]));
    }
    System.out.printf(
        Locale.ROOT,
        "check: naive UDF vs haloconv, max |difference| %.3g over %d " + "values%n",
        worst,
        want.length);
    spark.stop();
  }

  /** A whole image in, its K feature planes out (float32 little-endian), in plain loops. */
  static final class NaiveConv implements UDF1<Row, byte[]> {
    private static final long serialVersionUID = 1L;
    private final FilterBank bank;

    NaiveConv(FilterBank bank) {
      this.bank = bank;
    }

    @Override
    public byte[] call(Row image) {
      int h = image.getInt(image.fieldIndex("height"));
      int w = image.getInt(image.fieldIndex("width"));
      int n = image.getInt(image.fieldIndex("nChannels"));
      byte[] data = (byte[]) image.get(image.fieldIndex("data"));
      int channels = bank.channelsPerGroup();
      float[][][] x = new float[channels][h][w];
      for (int y = 0; y < h; y++) {
        for (int c = 0; c < channels; c++) {
          for (int col = 0; col < w; col++) {
            // Spark stores B, G, R: channel c (R, G, B) is sample 2 - c
            x[c][y][col] = (data[(y * w + col) * n + (2 - c)] & 0xff) / 255f;
          }
        }
      }
      int k = bank.filters();
      int fh = bank.kernelHeight();
      int fw = bank.kernelWidth();
      ByteBuffer out = ByteBuffer.allocate(k * h * w * 4).order(ByteOrder.LITTLE_ENDIAN);
      for (int f = 0; f < k; f++) {
        for (int y = 0; y < h; y++) {
          for (int col = 0; col < w; col++) {
            float sum = bank.bias()[f];
            for (int c = 0; c < channels; c++) {
              for (int i = 0; i < fh; i++) {
                for (int j = 0; j < fw; j++) {
                  int yy = y + i - fh / 2;
                  int xx = col + j - fw / 2;
                  if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                    sum += bank.weight(f, c, i, j) * x[c][yy][xx];
                  }
                }
              }
            }
            out.putFloat(Math.max(sum, 0));
          }
        }
      }
      return out.array();
    }
  }
}
