package io.haloconv.spark;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.model.OnnxImport;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.EmbeddingPool;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolOp;
import io.haloconv.testing.ModelCases;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stacks ending in a global or grid pool through the featurize job of image files: one row per
 * image (or cell), bitwise the same whatever the tile size and partition count, equal to PyTorch's
 * float64 embedding of the committed ResNet-like block, with bad images routed by {@code --mode}.
 */
class EmbeddingJobTest {
  @TempDir static Path temp;
  private static Path input;

  @BeforeAll
  static void images() throws IOException {
    input = Files.createDirectories(temp.resolve("in"));
    for (String name : new String[] {"shapes.png", "texture.png", "shapes_large.png"}) {
      Files.copy(Path.of("data/images").resolve(name), input.resolve(name));
    }
    Files.writeString(input.resolve("broken.png"), "not an image");
  }

  private static LayerStack model(String name) throws IOException {
    Path onnx = ModelCases.DIR.resolve(name + ".onnx");
    return OnnxImport.read(Files.readAllBytes(onnx), null, onnx.toString());
  }

  /** The embeddings of {@code dir} by "file name cell_row,cell_col", as float bits. */
  private static Map<String, float[]> read(String dir) {
    Map<String, float[]> out = new TreeMap<>();
    for (Row r : SparkTests.session().read().parquet(dir).collectAsList()) {
      EmbeddingRows.Embedding e = EmbeddingRows.decode(r);
      String name = e.path().substring(e.path().lastIndexOf('/') + 1);
      assertThat(out.put(name + " " + e.cellRow() + "," + e.cellCol(), e.values())).isNull();
    }
    return out;
  }

  @Test
  void resnetBlockEmbeddingsMatchPyTorchAndIgnoreTilesAndPartitions() throws IOException {
    SparkSession spark = SparkTests.session();
    for (String model : new String[] {"resnet_block", "resnet_block_max"}) {
      LayerStack stack = model(model);
      Map<String, float[]> first = null;
      int[][] runs = {{0, 0}, {16, 1}, {37, 5}, {61, 3}}; // tile side (0: auto), partitions
      for (int[] run : runs) {
        String out = temp.resolve(model + "-" + run[0] + "-" + run[1]).toString();
        JobConfig config =
            JobConfig.builder(input.toString(), out, stack)
                .layersFile(model + ".onnx")
                .tile(run[0], run[0])
                .partitions(run[1])
                .build();
        JobResult result = FeaturizeJob.run(spark, config);
        assertThat(result.imagesWritten()).isEqualTo(3);
        assertThat(result.imagesFailed()).isEqualTo(1);
        Map<String, float[]> got = read(out);
        assertThat(got.keySet())
            .containsExactly("shapes.png 0,0", "shapes_large.png 0,0", "texture.png 0,0");
        for (ModelCases.Case c : ModelCases.embeddingCases()) {
          if (c.model().equals(model) && c.input().endsWith(".png")) {
            ModelCases.assertEmbeddingMatches(c, got.get(c.input() + " 0,0"));
          }
        }
        if (first == null) {
          first = got;
        } else {
          for (String key : first.keySet()) {
            assertThat(got.get(key))
                .as("%s %s tile %d", model, key, run[0])
                .containsExactly(first.get(key));
          }
        }
        List<Row> errors =
            spark.read().parquet(out + "/_errors").select("path", "stage").collectAsList();
        assertThat(errors).hasSize(1);
        assertThat(errors.get(0).getString(0)).endsWith("/broken.png");
        JsonNode manifest = new ObjectMapper().readTree(Path.of(out, "_manifest.json").toFile());
        assertThat(manifest.path("counts").path("embeddings").asLong()).isEqualTo(3);
        JsonNode layers = manifest.path("layers");
        JsonNode pool = layers.get(layers.size() - 1);
        assertThat(pool.path("type").asText()).isEqualTo("global_pool");
        assertThat(pool.path("mode").asText()).isEqualTo(model.endsWith("max") ? "max" : "avg");
        assertThat(layers.get(layers.size() - 2).path("written").asBoolean()).isFalse();
      }
    }
  }

  @Test
  void schemaIsArrayOfFloatThatSparkMlTakesAsAVector() throws IOException {
    SparkSession spark = SparkTests.session();
    String out = temp.resolve("schema").toString();
    FeaturizeJob.run(
        spark,
        JobConfig.builder(input.toString(), out, model("resnet_block"))
            .layersFile("m.onnx")
            .build());
    var frame = spark.read().parquet(out);
    assertThat(frame.schema().fieldNames())
        .containsExactly(
            "path",
            "cell_row",
            "cell_col",
            "y0",
            "x0",
            "height",
            "width",
            "pixels",
            "channels",
            "embedding");
    // Spark reads every Parquet column back as nullable; the values are never null.
    assertThat(((ArrayType) frame.schema().apply("embedding").dataType()).elementType())
        .isEqualTo(DataTypes.FloatType);
    Row shapes =
        frame
            .filter(col("path").endsWith("/shapes.png"))
            .select(
                col("y0"),
                col("x0"),
                col("height"),
                col("width"),
                col("channels"),
                org.apache.spark.ml.functions.array_to_vector(col("embedding")).as("v"))
            .first();
    assertThat(List.of(shapes.getInt(0), shapes.getInt(1), shapes.getInt(2), shapes.getInt(3)))
        .containsExactly(0, 0, 240, 320);
    assertThat(shapes.getInt(4)).isEqualTo(16);
    org.apache.spark.ml.linalg.Vector v = (org.apache.spark.ml.linalg.Vector) shapes.get(5);
    assertThat(v.size()).isEqualTo(16);
    float[] stored = read(out).get("shapes.png 0,0");
    for (int i = 0; i < 16; i++) {
      assertThat(v.apply(i)).isEqualTo((double) stored[i]);
    }
  }

  @Test
  void gridPoolCellsAreTheSameForEveryTileSize() throws IOException {
    SparkSession spark = SparkTests.session();
    FilterBank bank = FilterBanks.random(4, 3, 3, 11);
    ConvSpec spec = ConvSpec.builder(bank).padding(new Padding.Explicit(1, 1, 1, 1)).build();
    LayerStack stack =
        new LayerStack(
            List.of(new ConvLayer("c", "random", bank, spec, false)),
            new EmbeddingPool("cells", PoolOp.AVG, 0, 100));
    Map<String, float[]> first = null;
    for (int tile : new int[] {13, 256}) {
      String out = temp.resolve("grid-" + tile).toString();
      FeaturizeJob.run(
          spark,
          JobConfig.builder(input.toString(), out, stack)
              .layersFile("s.json")
              .tile(tile, tile)
              .partitions(tile == 13 ? 4 : 1)
              .build());
      Map<String, float[]> got = read(out);
      // shapes 320x240 -> 4x3 cells of 100 px (the last ones smaller); texture 256x256 -> 3x3;
      // shapes_large 640x480 -> 7x5
      assertThat(got).hasSize(12 + 9 + 35);
      if (first == null) {
        first = got;
      } else {
        for (String key : first.keySet()) {
          assertThat(got.get(key)).as(key).containsExactly(first.get(key));
        }
      }
      Row corner =
          spark
              .read()
              .parquet(out)
              .filter(col("path").endsWith("/shapes.png").and(col("cell_row").equalTo(2)))
              .filter(col("cell_col").equalTo(3))
              .first();
      EmbeddingRows.Embedding e = EmbeddingRows.decode(corner);
      assertThat(List.of(e.y0(), e.x0(), e.height(), e.width())).containsExactly(200, 300, 40, 20);
      assertThat(e.pixels()).isEqualTo(40L * 20); // stride 1, same padding: one map pixel a pixel
    }
  }

  @Test
  void failfastFailsOnTheBrokenImageAndLeavesNoOutput() throws IOException {
    Path out = temp.resolve("failfast");
    JobConfig config =
        JobConfig.builder(input.toString(), out.toString(), model("resnet_block"))
            .layersFile("m.onnx")
            .mode(FailureMode.FAILFAST)
            .build();
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), config))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("broken.png");
    assertThat(out).doesNotExist();
  }

  @Test
  void dropmalformedCountsTheBrokenImage() throws IOException {
    Path out = temp.resolve("drop");
    JobResult result =
        FeaturizeJob.run(
            SparkTests.session(),
            JobConfig.builder(input.toString(), out.toString(), model("resnet_block"))
                .layersFile("m.onnx")
                .mode(FailureMode.DROPMALFORMED)
                .build());
    assertThat(result.imagesFailed()).isEqualTo(1);
    assertThat(out.resolve("_errors")).doesNotExist();
    assertThat(read(out.toString())).hasSize(3);
  }

  /**
   * The library API merges each image's cells in its task: the same rows as the job, bit for bit,
   * and in permissive mode an error row for the broken file.
   */
  @Test
  void theLibraryApiGivesTheJobsEmbeddings() throws IOException {
    SparkSession spark = SparkTests.session();
    LayerStack stack = model("resnet_block");
    String out = temp.resolve("api-job").toString();
    FeaturizeJob.run(
        spark, JobConfig.builder(input.toString(), out, stack).layersFile("m.onnx").build());
    Map<String, float[]> job = read(out);
    List<String> paths = new java.util.ArrayList<>();
    for (String name : new String[] {"shapes.png", "texture.png", "broken.png"}) {
      paths.add(input.resolve(name).toString());
    }
    Featurizer featurizer = Featurizer.builder(stack).tile(29).mode(FailureMode.PERMISSIVE).build();
    assertThat(featurizer.schema().fieldNames())
        .containsExactly(
            "path",
            "cell_row",
            "cell_col",
            "y0",
            "x0",
            "height",
            "width",
            "pixels",
            "channels",
            "embedding",
            "error");
    List<Row> rows =
        featurizer
            .featurizePaths(spark.createDataset(paths, org.apache.spark.sql.Encoders.STRING()))
            .collectAsList();
    assertThat(rows).hasSize(3);
    int good = 0;
    for (Row r : rows) {
      String name = r.getString(0).substring(r.getString(0).lastIndexOf('/') + 1);
      if (name.equals("broken.png")) {
        assertThat(r.isNullAt(r.fieldIndex("error"))).isFalse();
        assertThat(r.isNullAt(r.fieldIndex("embedding"))).isTrue();
        continue;
      }
      assertThat(r.isNullAt(r.fieldIndex("error"))).isTrue();
      assertThat(EmbeddingRows.decode(r).values()).containsExactly(job.get(name + " 0,0"));
      good++;
    }
    assertThat(good).isEqualTo(2);
  }
}
