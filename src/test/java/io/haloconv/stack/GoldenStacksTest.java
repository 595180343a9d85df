package io.haloconv.stack;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.Golden;
import io.haloconv.testing.GoldenStacks;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The golden stacks (the repository's, and ../shared/golden's when present), read from their stack
 * files, against PyTorch's float64 result for every written layer: on the whole image and on small
 * tiles.
 */
class GoldenStacksTest {

  static List<Golden.Case> cases() {
    return GoldenStacks.cases();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writtenLayersMatchPyTorchOnTheWholeImage(Golden.Case c) throws IOException {
    GoldenStacks.assertMatches(
        c, StackEvaluator.evaluateImage(GoldenStacks.stack(c), GoldenStacks.image(c)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void writtenLayersMatchPyTorchOnSmallTiles(Golden.Case c) throws IOException {
    LayerStack stack = GoldenStacks.stack(c);
    Tensor3 image = GoldenStacks.image(c);
    StackGeometry g = stack.geometry(image.channels(), image.height(), image.width());
    Map<String, Tensor3> got = new LinkedHashMap<>();
    StackEvaluator evaluator = new StackEvaluator(stack);
    for (Tile tile : g.grid(5, 7).tiles()) {
      evaluator.evaluate(
          g,
          g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth()),
          RegionReader.of(image),
          region -> {
            int level = region.layer() + 1;
            Tensor3 map =
                got.computeIfAbsent(
                    stack.layer(region.layer()).name(),
                    k -> Tensor3.zeros(g.channels(level), g.height(level), g.width(level)));
            for (int ch = 0; ch < region.channels(); ch++) {
              for (int y = 0; y < region.height(); y++) {
                for (int x = 0; x < region.width(); x++) {
                  map.set(
                      ch,
                      region.y0() + y,
                      region.x0() + x,
                      region.data()[region.offset(ch, y) + x]);
                }
              }
            }
          });
    }
    GoldenStacks.assertMatches(c, got);
  }
}
