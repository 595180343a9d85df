// Featurizes images from your own Spark code with haloconv's Featurizer (docs/library.md).
// Run from the repository root:   jobs/run-example jobs/examples/FeaturizerExample.java
import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFiles;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.spark.Featurizer;
import io.haloconv.spark.HaloconvKryoRegistrator;
import io.haloconv.tensor.Precision;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

public class FeaturizerExample {
  public static void main(String[] args) throws Exception {
    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("example")
            .config("spark.ui.enabled", "false")
            // Optional: haloconv's Kryo registrator; Spark's default serializer works as well.
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .config("spark.kryo.registrator", HaloconvKryoRegistrator.class.getName())
            .getOrCreate();
    run(spark, Path.of(args.length > 0 ? args[0] : "target/example"));
    spark.stop();
  }

  /** Returns the number of feature rows of each of the three inputs. */
  public static long[] run(SparkSession spark, Path out) throws Exception {
    // 1. A bank and a convolution, as `featurize --filters ... --padding same --activation relu`.
    FilterBank bank;
    try (InputStream in = Files.newInputStream(Path.of("data/banks/edges.npz"))) {
      bank = BankFiles.fromNpz(in);
    }
    Featurizer featurizer =
        Featurizer.builder(bank)
            .spec(ConvSpec.builder(bank).padding(Padding.SAME).activation(Activation.RELU).build())
            .tile(256)
            .precision(Precision.FLOAT16)
            .build();

    // 2a. A Dataset of paths (any Hadoop URI).
    List<String> paths = List.of("data/images/shapes.png", "data/images/texture.png");
    Dataset<Row> fromPaths =
        featurizer.featurizePaths(spark.createDataset(paths, Encoders.STRING()));

    // 2b. Binary content, e.g. a Hugging Face dataset's Parquet with an image struct {bytes, path}.
    Dataset<Row> table =
        spark
            .read()
            .format("binaryFile")
            .option("pathGlobFilter", "*.png")
            .load("data/images")
            .selectExpr("path AS id", "named_struct('bytes', content, 'path', path) AS image");
    Dataset<Row> fromBytes = featurizer.featurizeBinary(table, "image", "id");

    // 2c. Spark's image data source (it ships with spark-mllib), whose BGR pixels become RGB.
    long imageRows = -1;
    if (hasImageSource()) {
      Dataset<Row> images = spark.read().format("image").load("data/images");
      imageRows = featurizer.featurizeImages(images).count();
    }

    // 3. design.md §3 rows: write them, join them, or decode `features` in Python with numpy.
    fromBytes.write().mode("overwrite").parquet(out.resolve("features").toString());
    fromBytes.groupBy("path").count().show(false);
    return new long[] {fromPaths.count(), fromBytes.count(), imageRows};
  }

  private static boolean hasImageSource() {
    try {
      Class.forName("org.apache.spark.ml.source.image.ImageFileFormat");
      return true;
    } catch (ClassNotFoundException e) {
      System.out.println("(spark-mllib is not on the classpath: skipping the image data source)");
      return false;
    }
  }
}
