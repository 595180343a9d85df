package io.haloconv.stack;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconv.conv.BankFiles;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.Golden;
import io.haloconv.testing.NaiveConv;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stacks of ../shared/golden/stacks, read from their stack files, against PyTorch's float64
 * result for every written layer: on the whole image and on small tiles.
 */
class GoldenStacksTest {

  static List<Golden.Case> cases() {
    return Golden.cases("stacks");
  }

  /** A stack case's files sit in a directory named after it. */
  static Path file(Golden.Case c, String field) {
    return c.dir().resolve(c.name()).resolve(c.json().get(field).asText());
  }

  /** The case's stack, banks resolved relative to the stack file as the CLI does. */
  static LayerStack stack(Golden.Case c) throws IOException {
    Path file = file(c, "stack");
    try (InputStream in = Files.newInputStream(file)) {
      return StackFile.read(in, (filters, channels) -> {
        try (InputStream bank = Files.newInputStream(file.resolveSibling(filters))) {
          return BankFiles.fromNpz(bank);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }

  static NpyArray read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Npy.read(in);
    }
  }

  static Tensor3 image(Golden.Case c) throws IOException {
    NpyArray a = read(file(c, "input"));
    return Tensor3.wrap(a.dimension(0), a.dimension(1), a.dimension(2), a.data());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writtenLayersMatchPyTorchOnTheWholeImage(Golden.Case c) throws IOException {
    LayerStack stack = stack(c);
    Map<String, Tensor3> got = StackEvaluator.evaluateImage(stack, image(c));
    assertMatches(c, got);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writtenLayersMatchPyTorchOnSmallTiles(Golden.Case c) throws IOException {
    LayerStack stack = stack(c);
    Tensor3 image = image(c);
    StackGeometry g = stack.geometry(image.channels(), image.height(), image.width());
    Map<String, Tensor3> got = new java.util.LinkedHashMap<>();
    StackEvaluator evaluator = new StackEvaluator(stack);
    for (Tile tile : g.grid(5, 7).tiles()) {
      evaluator.evaluate(g, g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth()),
          RegionReader.of(image), region -> {
            int level = region.layer() + 1;
            Tensor3 map = got.computeIfAbsent(stack.layer(region.layer()).name(),
                k -> Tensor3.zeros(g.channels(level), g.height(level), g.width(level)));
            for (int ch = 0; ch < region.channels(); ch++) {
              for (int y = 0; y < region.height(); y++) {
                for (int x = 0; x < region.width(); x++) {
                  map.set(ch, region.y0() + y, region.x0() + x, region.data()[region.offset(ch, y) + x]);
                }
              }
            }
          });
    }
    assertMatches(c, got);
  }

  private static void assertMatches(Golden.Case c, Map<String, Tensor3> got) throws IOException {
    JsonNode expected = c.json().get("expected");
    assertThat(got.keySet()).as("written layers").containsExactlyInAnyOrderElementsOf(() -> expected.fieldNames());
    for (Iterator<String> it = expected.fieldNames(); it.hasNext(); ) {
      String layer = it.next();
      NpyArray want = read(c.dir().resolve(c.name()).resolve(expected.get(layer).asText()));
      Tensor3 map = got.get(layer);
      assertThat(new int[] {map.channels(), map.height(), map.width()}).as(layer)
          .containsExactly(want.shape());
      NaiveConv.assertClose(map.data(), want.data(), c.name() + " " + layer);
    }
  }
}
