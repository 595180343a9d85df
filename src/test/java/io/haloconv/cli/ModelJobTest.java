package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.ModelCases;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Trained models through a real featurize job from the command line: the ONNX model and the
 * state-dict stack file of each committed model, on both crops at once, on small tiles; the maps
 * read back from Parquet equal PyTorch's float64 evaluation.
 */
class ModelJobTest {
  @TempDir Path temp;

  @ParameterizedTest
  @ValueSource(strings = {"small_cnn.onnx", "mixed.json"})
  void featurizeWithATrainedModelMatchesPyTorch(String layers) throws IOException {
    SparkSession spark = SparkTests.session();
    Path input = Files.createDirectories(temp.resolve("in"));
    String model = layers.substring(0, layers.indexOf('.'));
    List<ModelCases.Case> cases =
        ModelCases.cases().stream().filter(c -> c.model().equals(model)).toList();
    for (ModelCases.Case c : cases) {
      Files.copy(c.inputFile(), input.resolve(c.input()));
    }
    Path out = temp.resolve("out");
    CliRuns.Result r =
        CliRuns.run(
            "featurize",
            "--input",
            input.toString(),
            "--layers",
            ModelCases.DIR.resolve(layers).toString(),
            "--output",
            out.toString(),
            "--tile",
            "5,7",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false");
    assertThat(r.code()).as(r.err()).isZero();
    Map<String, Tensor3> maps = FeatureMaps.viaSpark(spark, out.toString());
    assertThat(maps).hasSize(cases.size());
    for (ModelCases.Case c : cases) {
      Tensor3 got =
          maps.entrySet().stream()
              .filter(e -> e.getKey().endsWith("/" + c.input()))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no rows for " + c.input() + " in " + maps))
              .getValue();
      ModelCases.assertMatches(c, got);
    }
  }
}
