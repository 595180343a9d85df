package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code --layers}: a valid stack file parses with banks relative to it; every bad stack exits with
 * code 2 and one line naming the layer, before any SparkSession exists.
 */
class LayersArgumentsTest {
  @TempDir static Path temp;

  static Path stackFile(String name, String json) throws Exception {
    Path dir = Files.createDirectories(temp.resolve(name));
    Files.copy(Path.of("data/banks/edges.npz"), dir.resolve("edges.npz"));
    return Files.writeString(dir.resolve("stack.json"), json);
  }

  static String[] featurize(Path stack, String... extra) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "featurize",
                "--input",
                "data/images",
                "--layers",
                stack.toString(),
                "--output",
                temp.resolve("never").toString()));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  static final String GOOD =
      "{\"layers\": ["
          + "{\"name\": \"edges\", \"type\": \"conv\", \"filters\": \"edges.npz\", \"padding\": \"same\","
          + " \"padding_mode\": \"reflect\", \"activation\": \"relu\", \"emit\": true},"
          + "{\"name\": \"pool\", \"type\": \"pool\", \"op\": \"max\", \"size\": 2},"
          + "{\"name\": \"blur\", \"type\": \"conv\", \"filters\": \"preset:gaussian\", \"padding\": [2, 2],"
          + " \"stride\": [1, 2], \"activation\": \"leaky_relu:0.1\"}]}";

  @Test
  void validStackResolvesBanksBesideTheFileAndPresetsForTheirInput() throws Exception {
    Path stack = stackFile("good", GOOD);
    String[] args = featurize(stack);
    FeaturizeCommand.Parsed parsed =
        FeaturizeCommand.parse(java.util.Arrays.copyOfRange(args, 1, args.length));
    LayerStack layers = parsed.config().stack();
    assertThat(layers.size()).isEqualTo(3);
    assertThat(layers.layer(0)).isInstanceOf(ConvLayer.class);
    assertThat(((ConvLayer) layers.layer(0)).bank().shapeString()).isEqualTo("(4, 3, 3, 3)");
    assertThat(((PoolLayer) layers.layer(1)).pool().strideHeight()).isEqualTo(2);
    // preset:gaussian is built for the 4 channels the edges layer gives
    assertThat(((ConvLayer) layers.layer(2)).bank().shapeString()).isEqualTo("(4, 4, 5, 5)");
    assertThat(((ConvLayer) layers.layer(2)).spec().groups()).isEqualTo(1);
    assertThat(layers.emitsLayers()).isTrue();
    assertThat(layers.writtenLayers()).containsExactly(0, 2);
    assertThat(parsed.config().layersFile()).isEqualTo(stack.toString());
  }

  static List<Arguments> badStacks() throws Exception {
    Path good = stackFile("good2", GOOD);
    return List.of(
        Arguments.of(
            featurize(good, "--filters", "data/banks/edges.npz"),
            "--layers cannot be combined with --filters; the stack file gives each layer"),
        Arguments.of(
            featurize(good, "--stride", "2", "--padding-mode", "reflect"),
            "--layers cannot be combined with --stride, --padding-mode"),
        Arguments.of(
            featurize(temp.resolve("missing.json")),
            "--layers " + temp.resolve("missing.json") + " does not exist"),
        Arguments.of(
            new String[] {"featurize", "--input", "data/images", "--output", "x"},
            "--filters (or --layers) is required"),
        Arguments.of(featurize(stackFile("json", "{\"layers\": [")), "not valid JSON"),
        Arguments.of(
            featurize(stackFile("top", "{\"layer\": []}")),
            "unknown key 'layer'; a stack file has only \"layers\" and \"weights\""),
        Arguments.of(
            featurize(stackFile("empty", "{\"layers\": []}")),
            "\"layers\" must be a non-empty array of layers"),
        Arguments.of(
            featurize(stackFile("type", "{\"layers\": [{\"name\": \"fc\", \"type\": \"dense\"}]}")),
            "layer fc: unknown layer type 'dense'; types are conv, pool"),
        Arguments.of(
            featurize(
                stackFile(
                    "key",
                    "{\"layers\": [{\"name\": \"c1\", \"type\": \"conv\", \"filters\": \"edges.npz\", \"strid\": 2}]}")),
            "layer c1: unknown key 'strid'; conv layers take activation, add_bias, batch_norm, bias,"
                + " dilation, emit, filters,"
                + " groups, name, padding, padding_mode, stride, type, weight"),
        Arguments.of(
            featurize(
                stackFile(
                    "poolkey",
                    "{\"layers\": [{\"type\": \"pool\", \"op\": \"max\", \"size\": 2, \"padding_mode\": \"reflect\"}]}")),
            "layer 1: unknown key 'padding_mode'; pool layers take emit, name, op, padding, size,"
                + " stride, type"),
        Arguments.of(
            featurize(
                stackFile(
                    "channels",
                    "{\"layers\": ["
                        + "{\"name\": \"c1\", \"type\": \"conv\", \"filters\": \"edges.npz\"},"
                        + "{\"name\": \"c2\", \"type\": \"conv\", \"filters\": \"edges.npz\"}]}")),
            "layer c2: filters (4, 3, 3, 3) expect 3 input channels (groups 1 x 3), layer c1 gives 4"),
        Arguments.of(
            featurize(
                stackFile(
                    "bank",
                    "{\"layers\": ["
                        + "{\"name\": \"c1\", \"type\": \"conv\", \"filters\": \"nope.npz\"}]}")),
            "layer c1: filters " + temp.resolve("bank").resolve("nope.npz") + " does not exist"),
        Arguments.of(
            featurize(
                stackFile("nobank", "{\"layers\": [" + "{\"name\": \"c1\", \"type\": \"conv\"}]}")),
            "layer c1: a conv layer needs \"filters\""),
        Arguments.of(
            featurize(
                stackFile(
                    "stride",
                    "{\"layers\": ["
                        + "{\"name\": \"c1\", \"type\": \"conv\", \"filters\": \"edges.npz\", \"stride\": [1, 2, 3]}]}")),
            "layer c1: stride must be N or [A, B] with integers in [1, 65536], got [1,2,3]"),
        Arguments.of(
            featurize(
                stackFile(
                    "padding",
                    "{\"layers\": ["
                        + "{\"name\": \"c1\", \"type\": \"conv\", \"filters\": \"edges.npz\", \"padding\": [1, 2, 3]}]}")),
            "layer c1: padding must be P, [PH, PW], [T, B, L, R], \"same\" or \"valid\", got [1,2,3]"),
        Arguments.of(
            featurize(
                stackFile(
                    "mode",
                    "{\"layers\": ["
                        + "{\"name\": \"c1\", \"type\": \"conv\", \"filters\": \"edges.npz\", \"padding_mode\": \"mirror\"}]}")),
            "layer c1: padding mode must be zeros, reflect, replicate or circular, got 'mirror'"),
        Arguments.of(
            featurize(
                stackFile(
                    "groups",
                    "{\"layers\": ["
                        + "{\"name\": \"c1\", \"type\": \"conv\", \"filters\": \"edges.npz\", \"groups\": 3}]}")),
            "layer c1: groups 3 must divide the bank's 4 filters"),
        Arguments.of(
            featurize(
                stackFile(
                    "op",
                    "{\"layers\": ["
                        + "{\"name\": \"p\", \"type\": \"pool\", \"op\": \"min\", \"size\": 2}]}")),
            "layer p: pool op must be max or avg, got 'min'"),
        Arguments.of(
            featurize(
                stackFile(
                    "poolpad",
                    "{\"layers\": ["
                        + "{\"name\": \"p\", \"type\": \"pool\", \"op\": \"max\", \"size\": 3, \"padding\": 2}]}")),
            "layer p: pool padding must be at most half the pool size, got top 2 for size 3"),
        Arguments.of(
            featurize(
                stackFile(
                    "emit",
                    "{\"layers\": ["
                        + "{\"name\": \"p\", \"type\": \"pool\", \"op\": \"max\", \"size\": 2, \"emit\": \"yes\"}]}")),
            "layer p: emit must be true or false, got \"yes\""),
        Arguments.of(
            featurize(
                stackFile(
                    "names",
                    "{\"layers\": ["
                        + "{\"name\": \"p\", \"type\": \"pool\", \"op\": \"max\", \"size\": 2},"
                        + "{\"name\": \"P\", \"type\": \"pool\", \"op\": \"avg\", \"size\": 2}]}")),
            "layer name 'P' is used twice"),
        Arguments.of(
            featurize(
                stackFile(
                    "badname",
                    "{\"layers\": ["
                        + "{\"name\": \"../x\", \"type\": \"pool\", \"op\": \"max\", \"size\": 2}]}")),
            "layer name must be a letter then up to 63 letters, digits, '_' or '-', got '../x'"),
        Arguments.of(
            featurize(stackFile("dup", "{\"layers\": [], \"layers\": []}")),
            "not valid JSON: Duplicate field 'layers'"),
        Arguments.of(
            featurize(good, "--channels", "gray"),
            "layer edges: filters expect 3 input channels (groups 1 x 3), --channels gray gives 1"),
        Arguments.of(
            featurize(
                stackFile(
                    "big",
                    "{\"layers\": ["
                        + "{\"name\": \"p1\", \"type\": \"pool\", \"op\": \"max\", \"size\": 64},"
                        + "{\"name\": \"p2\", \"type\": \"pool\", \"op\": \"avg\", \"size\": 64}]}"),
                "--max-pixels",
                "100000"),
            "the layers need images of at least 4096x4096 pixels, more than --max-pixels 100000"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badStacks")
  void badStackExitsTwoWithOneLineNamingTheLayer(String[] args, String expected) {
    CliRuns.Result r = CliRuns.run(args);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("haloconv: error: ").contains(expected);
    assertThat(r.err().strip())
        .doesNotContain("\n")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
