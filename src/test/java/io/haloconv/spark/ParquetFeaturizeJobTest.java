package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.listing.ParquetInput;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.SparkTests;
import io.haloconv.tiling.TileConvolver;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code featurize --input-format parquet} on a Hugging Face-style dataset: image structs with
 * bytes, ids, and bad rows of every kind.
 */
class ParquetFeaturizeJobTest {
  @TempDir static Path temp;
  static String dataset;
  static FilterBank bank = FilterBanks.preset("sobel", 3);
  static ConvSpec spec =
      ConvSpec.builder(bank).padding(Padding.SAME).activation(Activation.RELU).build();
  static final String[] NAMES = {"shapes.png", "texture.png", "more/stripes.png"};

  @BeforeAll
  static void writeDataset() throws IOException {
    StructType image =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("bytes", DataTypes.BinaryType, true),
              DataTypes.createStructField("path", DataTypes.StringType, true)
            });
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.StringType, true),
              DataTypes.createStructField("image", image, true)
            });
    List<Row> rows = new ArrayList<>();
    for (String name : NAMES) {
      rows.add(RowFactory.create(name, RowFactory.create(bytes(name), name)));
    }
    rows.add(RowFactory.create("garbage", RowFactory.create("not a png".getBytes(), "g.png")));
    rows.add(RowFactory.create("no-image", null));
    rows.add(RowFactory.create("twice", RowFactory.create(bytes("texture.png"), "a.png")));
    rows.add(RowFactory.create("twice", RowFactory.create(bytes("shapes.png"), "b.png")));
    rows.add(RowFactory.create(null, RowFactory.create(bytes("shapes.png"), "c.png")));
    dataset = temp.resolve("hf").toString();
    // One file, so row indices are the order above.
    SparkTests.session().createDataFrame(rows, schema).coalesce(1).write().parquet(dataset);
  }

  static byte[] bytes(String name) {
    try {
      return Files.readAllBytes(Path.of("data/images", name));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  static Tensor3 reference(String name) throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    org.apache.hadoop.fs.Path path =
        new org.apache.hadoop.fs.Path(Path.of("data/images", name).toAbsolutePath().toString());
    ImageInfo info = ImageProbe.probe(fs, path, ImageProbe.DEFAULT_MAX_PIXELS);
    try (ImageSource source = ImageSource.open(fs, info, ChannelMode.KEEP, Normalization.UNIT)) {
      return TileConvolver.convolveImage(source.readAll(), bank, spec);
    }
  }

  JobConfig config(String out) {
    return JobConfig.builder(
            dataset, temp.resolve(out).toString(), LayerStack.of(bank, spec, "preset:sobel"))
        .tile(64, 64)
        .build();
  }

  @Test
  void goodRowsAreFeaturizedAndEveryBadRowIsAnError() throws IOException {
    SparkSession spark = SparkTests.session();
    JobResult result =
        ParquetFeaturizeJob.run(spark, config("ids"), new ParquetInput("image", "id"), System.err);
    assertThat(result.filesListed()).isEqualTo(8);
    assertThat(result.imagesWritten()).isEqualTo(3);
    assertThat(result.imagesFailed()).isEqualTo(5);

    Map<String, Tensor3> maps = FeatureMaps.viaSpark(spark, temp.resolve("ids").toString());
    assertThat(maps.keySet()).containsExactlyInAnyOrder(NAMES);
    for (String name : NAMES) {
      assertThat(maps.get(name).bitwiseEquals(reference(name))).as(name).isTrue();
    }

    List<Row> errors =
        spark
            .read()
            .parquet(temp.resolve("ids/_errors").toString())
            .orderBy("path", "message")
            .collectAsList();
    assertThat(errors)
        .extracting(r -> r.getString(0) + " " + r.getString(1) + " " + r.getString(2))
        .containsExactly(
            // a null id: the row's location names it
            "file:" + dataset + "/" + partFile() + "#7 list missing-id",
            "garbage probe not-an-image",
            "no-image probe missing-image",
            "twice list duplicate-id",
            "twice list duplicate-id");
    assertThat(errors.get(3).getString(3))
        .isEqualTo(
            "--id-column id value is shared by 2 rows; "
                + "this one is file:"
                + dataset
                + "/"
                + partFile()
                + "#5");

    JsonNode manifest = new ObjectMapper().readTree(temp.resolve("ids/_manifest.json").toFile());
    assertThat(manifest.path("input_format").asText()).isEqualTo("parquet");
    assertThat(manifest.path("image_column").asText()).isEqualTo("image");
    assertThat(manifest.path("id_column").asText()).isEqualTo("id");
    assertThat(manifest.path("counts").path("rows_read").asLong()).isEqualTo(8);
    assertThat(manifest.path("counts").path("images_written").asLong()).isEqualTo(3);
  }

  static String partFile() {
    try (var files = Files.list(Path.of(dataset))) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".parquet"))
          .findFirst()
          .orElseThrow();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void withoutAnIdColumnPathsAreFileAndRowIndex() {
    SparkSession spark = SparkTests.session();
    ParquetFeaturizeJob.run(
        spark,
        config("locations").toBuilder().mode(FailureMode.DROPMALFORMED).build(),
        new ParquetInput("image", null),
        System.err);
    List<String> paths =
        spark
            .read()
            .parquet(temp.resolve("locations").toString())
            .select("path")
            .distinct()
            .orderBy("path")
            .as(org.apache.spark.sql.Encoders.STRING())
            .collectAsList();
    String file = "file:" + dataset + "/" + partFile();
    assertThat(paths)
        .containsExactly(
            file + "#0", file + "#1", file + "#2", file + "#5", file + "#6", file + "#7");
    assertThat(temp.resolve("locations/_errors")).doesNotExist();
  }

  @Test
  void aLayerStackWritesEveryEmittedLayer() throws IOException {
    SparkSession spark = SparkTests.session();
    io.haloconv.stack.LayerStack stack;
    try (java.io.InputStream in = Files.newInputStream(Path.of("data/stacks/small-cnn.json"))) {
      stack =
          io.haloconv.stack.StackFile.read(
              in, (filters, channels) -> FilterBanks.random(filters.substring("random:".length())));
    }
    JobConfig config =
        JobConfig.builder(dataset, temp.resolve("stack").toString(), stack)
            .layersFile("small-cnn.json")
            .mode(FailureMode.DROPMALFORMED)
            .build();
    JobResult result =
        ParquetFeaturizeJob.run(spark, config, new ParquetInput("image", "id"), System.err);
    assertThat(result.imagesWritten()).isEqualTo(3);
    assertThat(temp.resolve("stack/layer=conv1")).isDirectory();
    assertThat(temp.resolve("stack/layer=conv3")).isDirectory();
    List<Row> counts =
        spark
            .read()
            .parquet(temp.resolve("stack").toString())
            .groupBy("layer")
            .agg(org.apache.spark.sql.functions.countDistinct("path"))
            .orderBy("layer")
            .collectAsList();
    assertThat(counts)
        .extracting(r -> r.getString(0) + "=" + r.getLong(1))
        .containsExactly("conv1=3", "conv3=3");
    JsonNode manifest = new ObjectMapper().readTree(temp.resolve("stack/_manifest.json").toFile());
    assertThat(manifest.path("counts").path("tiles").asLong()).isEqualTo(result.tiles());
  }

  @Test
  void failfastStopsAtTheFirstBadRowAndWrongColumnsAreBadInput() {
    SparkSession spark = SparkTests.session();
    assertThatThrownBy(
            () ->
                ParquetFeaturizeJob.run(
                    spark,
                    config("ff").toBuilder().mode(FailureMode.FAILFAST).build(),
                    new ParquetInput("image", "id"),
                    System.err))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("twice: list failed: --id-column id value is shared by 2 rows");
    assertThat(temp.resolve("ff")).doesNotExist();

    assertThatThrownBy(
            () ->
                ParquetFeaturizeJob.run(
                    spark, config("bad"), new ParquetInput("picture", null), System.err))
        .isInstanceOf(JobException.class)
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(2))
        .hasMessage("--image-column picture is not a column of the input; its columns: id, image");
    assertThatThrownBy(
            () ->
                ParquetFeaturizeJob.run(
                    spark, config("bad"), new ParquetInput("id", null), System.err))
        .hasMessage(
            "--image-column id must be binary or a struct with a binary 'bytes' field, "
                + "it is string");
  }
}
