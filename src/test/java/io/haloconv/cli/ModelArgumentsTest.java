package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.haloconv.model.proto.OnnxProto.AttributeProto;
import io.haloconv.model.proto.OnnxProto.GraphProto;
import io.haloconv.model.proto.OnnxProto.ModelProto;
import io.haloconv.model.proto.OnnxProto.NodeProto;
import io.haloconv.stack.LayerStack;
import io.haloconv.testing.ModelCases;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --layers MODEL.onnx [--onnx-until NODE]} and stack files over a safetensors state_dict
 * through {@link Main}: the committed models parse; every bad model (an unsupported op, a branch,
 * an unknown node, a missing tensor key, a shape mismatch, semantics the core cannot express) exits
 * with code 2 and one line naming the node or layer, before any SparkSession exists.
 */
class ModelArgumentsTest {
  @TempDir static Path temp;

  static final Path SMALL_CNN = ModelCases.DIR.resolve("small_cnn.onnx");

  static String[] featurize(Path layers, String... extra) {
    return CliRuns.append(
        new String[] {
          "featurize",
          "--input",
          "data/images",
          "--layers",
          layers.toString(),
          "--output",
          temp.resolve("never").toString()
        },
        extra);
  }

  /** small_cnn.onnx with its graph changed by {@code edit}, written to a temporary file. */
  static Path edited(String name, UnaryOperator<GraphProto.Builder> edit) throws IOException {
    ModelProto.Builder model = ModelProto.parseFrom(Files.readAllBytes(SMALL_CNN)).toBuilder();
    edit.apply(model.getGraphBuilder());
    return Files.write(temp.resolve(name + ".onnx"), model.build().toByteArray());
  }

  static int index(GraphProto.Builder g, String node) {
    for (int i = 0; i < g.getNodeCount(); i++) {
      if (g.getNode(i).getName().equals(node)) {
        return i;
      }
    }
    throw new AssertionError("no node " + node);
  }

  static GraphProto.Builder attribute(GraphProto.Builder g, String node, AttributeProto a) {
    NodeProto.Builder n = g.getNodeBuilder(index(g, node));
    List<AttributeProto> kept = new ArrayList<>();
    for (AttributeProto old : n.getAttributeList()) {
      if (!old.getName().equals(a.getName())) {
        kept.add(old);
      }
    }
    n.clearAttribute().addAllAttribute(kept).addAttribute(a);
    return g;
  }

  static AttributeProto integer(String name, long v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.INT)
        .setI(v)
        .build();
  }

  static AttributeProto text(String name, String v) {
    return AttributeProto.newBuilder()
        .setName(name)
        .setType(AttributeProto.AttributeType.STRING)
        .setS(ByteString.copyFromUtf8(v))
        .build();
  }

  /** A stack file over small_cnn.safetensors, copied beside it. */
  static Path stateDictStack(String name, String layers) throws IOException {
    Path dir = Files.createDirectories(temp.resolve(name));
    Files.copy(
        ModelCases.DIR.resolve("small_cnn.safetensors"), dir.resolve("small_cnn.safetensors"));
    return Files.writeString(
        dir.resolve("stack.json"),
        "{\"weights\": \"small_cnn.safetensors\", \"layers\": [" + layers + "]}");
  }

  @Test
  void committedModelsParseIntoTheSameLayers() {
    for (Path layers : new Path[] {SMALL_CNN, ModelCases.DIR.resolve("small_cnn.json")}) {
      String[] args = featurize(layers);
      LayerStack stack =
          FeaturizeCommand.parse(java.util.Arrays.copyOfRange(args, 1, args.length))
              .config()
              .stack();
      assertThat(stack.size()).as(layers.toString()).isEqualTo(3);
      assertThat(stack.layer(1).type()).isEqualTo("pool");
    }
    String[] until = featurize(SMALL_CNN, "--onnx-until", "/pool1/MaxPool");
    assertThat(
            FeaturizeCommand.parse(java.util.Arrays.copyOfRange(until, 1, until.length))
                .config()
                .stack()
                .toString())
        .isEqualTo("LayerStack[conv1_Conv:conv, pool1_MaxPool:pool]");
  }

  static List<Arguments> badModels() throws IOException {
    String imports =
        "haloconv imports Conv, BatchNormalization, Add (of a constant bias), Relu, LeakyRelu,"
            + " Sigmoid, Tanh, MaxPool, AveragePool, Pad (before a Conv or AveragePool),"
            + " GlobalAveragePool and GlobalMaxPool (as the last node)";
    Path softmax =
        edited(
            "softmax",
            g -> {
              g.getNodeBuilder(index(g, "/Relu_1")).setOpType("Softmax");
              return g;
            });
    Path global =
        edited(
            "global",
            g -> {
              g.getNodeBuilder(index(g, "/Relu")).setOpType("GlobalAveragePool");
              return g;
            });
    Path branch =
        edited(
            "branch",
            g ->
                g.addNode(
                    NodeProto.newBuilder()
                        .setName("side")
                        .setOpType("Relu")
                        .addInput(g.getNode(index(g, "/Relu")).getOutput(0))
                        .addOutput("side_out")));
    return List.of(
        Arguments.of(
            featurize(softmax),
            "node /Relu_1 (Softmax) is not supported; "
                + imports
                + "; stop before it with --onnx-until /bn2/BatchNormalization"),
        Arguments.of(
            featurize(global),
            "node /pool1/MaxPool (MaxPool) follows the global pool node /Relu (GlobalAveragePool),"
                + " which must be the last node (it makes the embeddings); stop there with"
                + " --onnx-until /Relu"),
        Arguments.of(
            featurize(branch),
            "the graph is not a single chain: '/Relu_output_0' (the output of node /Relu (Relu))"
                + " is read by node /pool1/MaxPool (MaxPool) and node side (Relu); haloconv imports"
                + " chains only (use --onnx-until to stop before the branch)"),
        Arguments.of(
            featurize(SMALL_CNN, "--onnx-until", "/conv9/Conv"),
            "--onnx-until /conv9/Conv: the model has no node or output named '/conv9/Conv'"),
        Arguments.of(
            featurize(edited("ceil", g -> attribute(g, "/pool1/MaxPool", integer("ceil_mode", 1)))),
            "node /pool1/MaxPool (MaxPool): ceil_mode=1 is not supported; haloconv's pools round"
                + " the output size down (ceil_mode=0)"),
        Arguments.of(
            featurize(
                edited(
                    "countpad",
                    g -> {
                      g.getNodeBuilder(index(g, "/pool1/MaxPool")).setOpType("AveragePool");
                      attribute(g, "/pool1/MaxPool", integer("count_include_pad", 0));
                      return attribute(
                          g,
                          "/pool1/MaxPool",
                          AttributeProto.newBuilder()
                              .setName("pads")
                              .setType(AttributeProto.AttributeType.INTS)
                              .addAllInts(List.of(1L, 1L, 1L, 1L))
                              .build());
                    })),
            "node /pool1/MaxPool (AveragePool): count_include_pad=0 with padding is not supported;"
                + " haloconv's average pool counts padding (count_include_pad=1)"),
        Arguments.of(
            featurize(
                edited("lower", g -> attribute(g, "/conv2/Conv", text("auto_pad", "SAME_LOWER")))),
            "node /conv2/Conv (Conv): auto_pad=SAME_LOWER is not supported; haloconv's \"same\""
                + " puts the odd padding pixel after (SAME_UPPER)"),
        Arguments.of(
            featurize(
                edited(
                    "training",
                    g -> attribute(g, "/bn1/BatchNormalization", integer("training_mode", 1)))),
            "node /bn1/BatchNormalization (BatchNormalization): training_mode=1 is not supported;"
                + " export the model in eval mode"),
        Arguments.of(
            featurize(edited("unknownattr", g -> attribute(g, "/conv1/Conv", integer("fancy", 1)))),
            "node /conv1/Conv (Conv) has attribute 'fancy', which haloconv does not know"),
        Arguments.of(
            featurize(Files.write(temp.resolve("garbage.onnx"), new byte[] {1, 2, 3, 4, 5})),
            "not an ONNX model: "),
        Arguments.of(
            featurize(
                stateDictStack(
                    "missing",
                    "{\"name\": \"c1\", \"type\": \"conv\", \"weight\": \"conv1.wieght\"}")),
            "layer c1: small_cnn.safetensors has no tensor 'conv1.wieght' (it has bn1.bias,"),
        Arguments.of(
            featurize(
                stateDictStack(
                    "shape",
                    "{\"name\": \"c1\", \"type\": \"conv\", \"weight\": \"conv1.weight\","
                        + " \"batch_norm\": \"bn2\"}")),
            "layer c1: bn2.weight has shape [6], expected [8] (one per filter of conv1.weight"
                + " [8, 3, 3, 3])"),
        Arguments.of(
            featurize(ModelCases.DIR.resolve("small_cnn.json"), "--onnx-until", "conv1"),
            "--onnx-until needs --layers MODEL.onnx, got --layers "));
  }

  @ParameterizedTest
  @MethodSource("badModels")
  void badModelExitsTwoWithOneLineNamingTheNode(String[] args, String message) {
    CliRuns.Result r = CliRuns.run(args);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err().strip().lines()).as(r.err()).hasSize(1);
    assertThat(r.err()).startsWith("haloconv: error: ").contains(message);
    assertThat(r.out()).isEmpty();
  }
}
