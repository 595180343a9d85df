package io.haloconv.model;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.haloconv.conv.Activation;
import io.haloconv.conv.PaddingMode;
import io.haloconv.model.proto.OnnxProto.AttributeProto;
import io.haloconv.model.proto.OnnxProto.GraphProto;
import io.haloconv.model.proto.OnnxProto.ModelProto;
import io.haloconv.model.proto.OnnxProto.NodeProto;
import io.haloconv.model.proto.OnnxProto.TensorProto;
import io.haloconv.stack.CellStats;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.PoolOp;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.EmbeddingCells;
import io.haloconv.testing.ModelCases;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * ONNX models exported from PyTorch (jobs/models/make-models.py) imported as layer stacks: their
 * maps equal PyTorch's float64 evaluation on the whole image and at two tile sizes.
 */
class OnnxImportTest {
  static List<ModelCases.Case> cases() {
    return ModelCases.cases();
  }

  static LayerStack load(ModelCases.Case c) throws IOException {
    return OnnxImport.read(Files.readAllBytes(c.onnx()), null, c.onnx().toString());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void importedModelMatchesPyTorchOnTheWholeImage(ModelCases.Case c) throws IOException {
    LayerStack stack = load(c);
    Tensor3 image = ModelCases.image(c);
    ModelCases.assertMatches(
        c, StackEvaluator.evaluateImage(stack, image).get(stack.last().name()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void importedModelMatchesPyTorchAtTwoTileSizes(ModelCases.Case c) throws IOException {
    LayerStack stack = load(c);
    Tensor3 image = ModelCases.image(c);
    ModelCases.assertMatches(c, ModelCases.evaluateTiles(stack, image, 3, 5));
    ModelCases.assertMatches(c, ModelCases.evaluateTiles(stack, image, 8, 7));
  }

  static List<ModelCases.Case> embeddingCases() {
    return ModelCases.embeddingCases().stream().filter(c -> c.input().endsWith(".npy")).toList();
  }

  /**
   * A ResNet-like block ending in GlobalAveragePool or GlobalMaxPool imports as a stack ending in a
   * global pool; its embedding equals PyTorch's float64 one, and is bitwise the same at every tile
   * size.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("embeddingCases")
  void globalPoolModelMatchesPyTorchAtEveryTileSize(ModelCases.Case c) throws IOException {
    LayerStack stack = load(c);
    assertThat(stack.embedding()).isPresent();
    assertThat(stack.embedding().get().describe())
        .isEqualTo(c.model().endsWith("_max") ? "global_pool max" : "global_pool avg");
    assertThat(stack.toString())
        .isEqualTo(
            "LayerStack[conv1_Conv:conv, maxpool_MaxPool:pool, conv2_Conv:conv, pool_Global"
                + (c.model().endsWith("_max") ? "Max" : "Average")
                + "Pool:global_pool]");
    Tensor3 image = ModelCases.image(c);
    float[] whole = null;
    for (int[] tile : new int[][] {{100, 100}, {1, 1}, {3, 5}, {8, 7}}) {
      Map<String, CellStats> cells =
          EmbeddingCells.evaluate(stack, image, tile[0], tile[1], tile[0]);
      assertThat(cells.keySet()).containsExactly("0,0");
      float[] got = cells.get("0,0").embedding();
      ModelCases.assertEmbeddingMatches(c, got);
      if (whole == null) {
        whole = got;
      } else {
        assertThat(got).as("tile %dx%d", tile[0], tile[1]).containsExactly(whole);
      }
    }
  }

  @Test
  void smallCnnBecomesTwoFoldedConvsAroundAMaxPool() throws IOException {
    LayerStack stack = load(ModelCases.cases().get(0));
    assertThat(stack.toString())
        .isEqualTo("LayerStack[conv1_Conv:conv, pool1_MaxPool:pool, conv2_Conv:conv]");
    ConvLayer conv1 = (ConvLayer) stack.layer(0);
    assertThat(conv1.bank().shapeString()).isEqualTo("(8, 3, 3, 3)");
    assertThat(conv1.spec().activation()).isEqualTo(Activation.RELU);
    assertThat(conv1.source()).endsWith("small_cnn.onnx#/conv1/Conv");
    assertThat(((PoolLayer) stack.layer(1)).pool().op()).isEqualTo(PoolOp.MAX);
    assertThat(((PoolLayer) stack.layer(1)).pool().strideHeight()).isEqualTo(2);
  }

  @Test
  void mixedModelFoldsAddAndTakesPadAsThePoolsPadding() throws IOException {
    LayerStack stack =
        OnnxImport.read(
            Files.readAllBytes(ModelCases.DIR.resolve("mixed.onnx")), null, "mixed.onnx");
    assertThat(stack.toString())
        .isEqualTo(
            "LayerStack[conv1_Conv:conv, pool1_AveragePool:pool, conv2_Conv:conv,"
                + " conv3_Conv:conv]");
    assertThat(((ConvLayer) stack.layer(0)).spec().activation().toString())
        .isEqualTo("leaky_relu:0.2");
    assertThat(((PoolLayer) stack.layer(1)).pool().padding().toString()).isEqualTo("1,1,1,1");
    assertThat(((ConvLayer) stack.layer(2)).spec().groups()).isEqualTo(2);
    assertThat(((ConvLayer) stack.layer(2)).spec().paddingMode()).isEqualTo(PaddingMode.ZEROS);
  }

  @Test
  void untilStopsAtTheNamedNodeOrOutput() throws IOException {
    byte[] model = Files.readAllBytes(ModelCases.DIR.resolve("small_cnn.onnx"));
    assertThat(OnnxImport.read(model, "/Relu", "m").toString())
        .isEqualTo("LayerStack[conv1_Conv:conv]");
    assertThat(OnnxImport.read(model, "/pool1/MaxPool", "m").size()).isEqualTo(2);
    assertThat(OnnxImport.read(model, "/Relu_output_0", "m").toString())
        .isEqualTo("LayerStack[conv1_Conv:conv]");
  }

  @Test
  void reflectPadBeforeAConvBecomesItsPaddingAndMode() throws IOException {
    ModelProto.Builder m =
        ModelProto.parseFrom(Files.readAllBytes(ModelCases.DIR.resolve("small_cnn.onnx")))
            .toBuilder();
    GraphProto.Builder g = m.getGraphBuilder();
    NodeProto.Builder conv = g.getNodeBuilder(0);
    assertThat(conv.getName()).isEqualTo("/conv1/Conv");
    String image = conv.getInput(0);
    conv.setInput(0, "padded");
    for (int i = 0; i < conv.getAttributeCount(); i++) {
      if (conv.getAttribute(i).getName().equals("pads")) {
        conv.setAttribute(
            i, conv.getAttribute(i).toBuilder().clearInts().addAllInts(List.of(0L, 0L, 0L, 0L)));
      }
    }
    // [N, C, H, W] begins, then ends: 2 rows above and below, 1 column left and right
    g.addInitializer(
        TensorProto.newBuilder()
            .setName("pads")
            .setDataType(TensorProto.DataType.INT64_VALUE)
            .addDims(8)
            .addAllInt64Data(List.of(0L, 0L, 2L, 1L, 0L, 0L, 2L, 1L)));
    g.addNode(
        0,
        NodeProto.newBuilder()
            .setName("pad")
            .setOpType("Pad")
            .addInput(image)
            .addInput("pads")
            .addOutput("padded")
            .addAttribute(
                AttributeProto.newBuilder()
                    .setName("mode")
                    .setType(AttributeProto.AttributeType.STRING)
                    .setS(ByteString.copyFromUtf8("reflect"))));
    LayerStack stack = OnnxImport.read(m.build().toByteArray(), null, "m");
    ConvLayer conv1 = (ConvLayer) stack.layer(0);
    assertThat(conv1.spec().paddingMode()).isEqualTo(PaddingMode.REFLECT);
    assertThat(conv1.spec().padding().toString()).isEqualTo("2,2,1,1");
    assertThat(stack.size()).isEqualTo(3);
  }
}
