package io.haloconv.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.FilterBank;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.SafeTensors;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.ModelCases;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Stack files naming the tensors of a PyTorch state_dict (jobs/models/make-models.py): BatchNorm
 * and added biases folded, the maps equal to PyTorch's float64 evaluation whole and at two tile
 * sizes; the BatchNorm fold itself against an independent float64 computation.
 */
class StateDictStackTest {
  static List<ModelCases.Case> cases() {
    return ModelCases.cases();
  }

  static LayerStack load(Path stackFile) throws IOException {
    try (InputStream in = Files.newInputStream(stackFile)) {
      return StackFile.read(
          in,
          (filters, channels) -> {
            throw new AssertionError("no bank files here");
          },
          weights -> weights(stackFile.resolveSibling(weights)));
    }
  }

  static Map<String, NpyArray> weights(Path file) {
    try (InputStream in = Files.newInputStream(file)) {
      return SafeTensors.read(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void stateDictStackMatchesPyTorchWholeAndTiled(ModelCases.Case c) throws IOException {
    LayerStack stack = load(c.stackFile());
    Tensor3 image = ModelCases.image(c);
    ModelCases.assertMatches(
        c, StackEvaluator.evaluateImage(stack, image).get(stack.last().name()));
    ModelCases.assertMatches(c, ModelCases.evaluateTiles(stack, image, 4, 3));
    ModelCases.assertMatches(c, ModelCases.evaluateTiles(stack, image, 9, 11));
  }

  @Test
  void batchNormFoldsIntoWeightsAndBiasInFloat64() throws IOException {
    Map<String, NpyArray> t = weights(ModelCases.DIR.resolve("small_cnn.safetensors"));
    FilterBank bank = ((ConvLayer) load(ModelCases.DIR.resolve("small_cnn.json")).layer(0)).bank();
    float[] w = t.get("conv1.weight").data();
    float[] b = t.get("conv1.bias").data();
    for (int k = 0; k < 8; k++) {
      double a =
          (double) t.get("bn1.weight").data()[k]
              / Math.sqrt((double) t.get("bn1.running_var").data()[k] + 1e-5);
      for (int i = 0; i < 27; i++) {
        assertThat(bank.weight()[k * 27 + i]).isEqualTo((float) (w[k * 27 + i] * a));
      }
      double bias =
          ((double) b[k] - t.get("bn1.running_mean").data()[k]) * a + t.get("bn1.bias").data()[k];
      assertThat(bank.bias()[k]).isEqualTo((float) bias);
    }
  }

  static LayerStack parse(String json, Map<String, NpyArray> tensors) throws IOException {
    return StackFile.read(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)),
        (filters, channels) -> {
          throw new AssertionError("no bank files here");
        },
        weights -> tensors);
  }

  @Test
  void badKeysAndShapesAreOneLineNamingTheLayer() throws IOException {
    Map<String, NpyArray> t = weights(ModelCases.DIR.resolve("small_cnn.safetensors"));
    String head =
        "{\"weights\": \"m.safetensors\", \"layers\": [{\"name\": \"c1\", \"type\": \"conv\", ";
    assertThatThrownBy(() -> parse(head + "\"weight\": \"conv1.wieght\"}]}", t))
        .hasMessageStartingWith(
            "layer c1: m.safetensors has no tensor 'conv1.wieght' (it has bn1.bias,");
    assertThatThrownBy(
            () -> parse(head + "\"weight\": \"conv1.weight\", \"batch_norm\": \"bn2\"}]}", t))
        .hasMessage(
            "layer c1: bn2.weight has shape [6], expected [8] (one per filter of"
                + " conv1.weight [8, 3, 3, 3])");
    assertThatThrownBy(() -> parse(head + "\"weight\": \"conv1.bias\"}]}", t))
        .hasMessage("layer c1: conv1.bias has shape [8], expected rank 4 (K, C/groups, Fh, Fw)");
    assertThatThrownBy(
            () ->
                parse(
                    head
                        + "\"weight\": \"conv1.weight\", \"batch_norm\": {\"running_mean\":"
                        + " \"bn1.running_mean\"}}]}",
                    t))
        .hasMessage("layer c1: batch_norm needs \"running_var\"");
    assertThatThrownBy(
            () ->
                parse(
                    "{\"layers\": [{\"name\": \"c1\", \"type\": \"conv\", \"weight\": \"w\"}]}", t))
        .hasMessage(
            "layer c1: \"weight\" names a tensor of the stack's \"weights\" file, and the stack"
                + " file has no \"weights\"");
    assertThatThrownBy(
            () -> parse(head + "\"weight\": \"conv1.weight\", \"filters\": \"x.npz\"}]}", t))
        .hasMessage("layer c1: a conv layer takes \"filters\" or \"weight\", not both");
  }
}
