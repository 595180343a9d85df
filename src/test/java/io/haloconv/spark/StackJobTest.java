package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.Golden;
import io.haloconv.testing.GoldenStacks;
import io.haloconv.testing.SparkTests;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Layer stacks through the whole job on local[2]: the golden stacks on small tiles against PyTorch,
 * the {@code DIR/layer=NAME} layout of emitted layers, the manifest's layers, and an image too
 * small for an intermediate layer as a bad record naming that layer.
 */
class StackJobTest {
  @TempDir Path temp;

  static List<Golden.Case> cases() {
    return GoldenStacks.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void goldenStacksMatchPyTorchThroughTheJob(Golden.Case c) throws IOException {
    SparkSession spark = SparkTests.session();
    LayerStack stack = GoldenStacks.stack(c);
    String out = temp.resolve("out").toString();
    JobConfig config =
        JobConfig.builder(GoldenStacks.input(c).toString(), out, stack)
            .layersFile(GoldenStacks.stackFile(c).toString())
            .tile(8, 12)
            .build();
    JobResult result = FeaturizeJob.run(spark, config);
    assertThat(result.imagesWritten()).isEqualTo(1);
    assertThat(result.imagesFailed()).isZero();

    Map<String, Tensor3> got = new LinkedHashMap<>();
    boolean layered = stack.emitsLayers();
    for (int index : stack.writtenLayers()) {
      String name = stack.layer(index).name();
      String dir = layered ? out + "/layer=" + name : out;
      Map<String, Tensor3> maps = FeatureMaps.viaSpark(spark, dir);
      assertThat(maps).as(name).hasSize(1);
      got.put(name, maps.values().iterator().next());
      Map<String, Tensor3> direct = FeatureMaps.viaParquetHadoop(dir);
      assertThat(direct.values().iterator().next().bitwiseEquals(got.get(name)))
          .as("parquet-hadoop reads the same bits of %s", name)
          .isTrue();
    }
    GoldenStacks.assertMatches(c, got);

    Dataset<Row> all = spark.read().parquet(out);
    JsonNode manifest = new ObjectMapper().readTree(temp.resolve("out/_manifest.json").toFile());
    assertThat(manifest.get("layers")).hasSize(stack.size());
    assertThat(manifest.at("/spec/layers_file").asText()).endsWith("stack.json");
    if (layered) {
      assertThat(all.columns()).contains("layer");
      Map<String, Long> rowsPerLayer = new LinkedHashMap<>();
      for (String layer : all.select("layer").as(Encoders.STRING()).collectAsList()) {
        rowsPerLayer.merge(layer, 1L, Long::sum);
      }
      assertThat(rowsPerLayer.keySet())
          .containsExactlyInAnyOrderElementsOf(GoldenStacks.expected(c).keySet());
      for (JsonNode layer : manifest.get("layers")) {
        if (layer.get("written").asBoolean()) {
          assertThat(layer.get("directory").asText())
              .isEqualTo("layer=" + layer.get("name").asText());
          assertThat(rowsPerLayer.get(layer.get("name").asText()))
              .isEqualTo(layer.get("tiles").asLong());
        }
      }
    } else {
      assertThat(all.columns()).doesNotContain("layer");
      assertThat(all.count()).isEqualTo(result.tiles());
    }
    assertThat(temp.resolve("out/_SUCCESS")).exists();
    assertThat(temp.resolve("out/_errors")).exists();
  }

  @Test
  void imageTooSmallForALayerIsABadRecordNamingIt() throws IOException {
    Golden.Case c =
        GoldenStacks.cases().stream()
            .filter(k -> k.name().equals("reflect_pool_leaky"))
            .findFirst()
            .orElseThrow();
    Path input = Files.createDirectories(temp.resolve("in"));
    Files.copy(GoldenStacks.input(c), input.resolve("good.npy"));
    // 3x2 RGB: conv1's reflect padding 2 needs at least 3 rows and 3 columns.
    ImageIO.write(
        new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB),
        "png",
        input.resolve("tiny.png").toFile());
    String out = temp.resolve("out").toString();
    JobResult result =
        FeaturizeJob.run(
            SparkTests.session(),
            JobConfig.builder(input.toString(), out, GoldenStacks.stack(c))
                .layersFile("stack.json")
                .build());
    assertThat(result.imagesWritten()).isEqualTo(1);
    assertThat(result.imagesFailed()).isEqualTo(1);
    List<Row> errors = SparkTests.session().read().parquet(out + "/_errors").collectAsList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getString(0)).endsWith("tiny.png");
    assertThat(errors.get(0).getString(3))
        .isEqualTo("image is 3x2: layer conv1: reflect padding 2 must be < the input height 2");
  }
}
