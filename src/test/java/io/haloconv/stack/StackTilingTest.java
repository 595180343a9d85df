package io.haloconv.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.RandomSpecs;
import io.haloconv.testing.RandomStacks;
import io.haloconv.testing.WholeStack;
import io.haloconv.tiling.ConvTiles;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Stitched tiles of a stack equal the whole-image evaluation, bit for bit, and cover each map once.
 */
class StackTilingTest {

  @Test
  void stitchedTilesEqualWholeImageStackBitwiseForRandomStacksAndTileSizes() throws IOException {
    for (long seed = 0; seed < 400; seed++) {
      RandomStacks p = RandomStacks.draw(seed);
      Map<String, Tensor3> whole = WholeStack.evaluate(p.stack(), p.image());
      StackGeometry g =
          p.stack().geometry(p.image().channels(), p.image().height(), p.image().width());
      Random r = new Random(seed * 31 + 7);
      // 1 up to larger than the map
      int th = 1 + r.nextInt(g.outHeight() + 3);
      int tw = 1 + r.nextInt(g.outWidth() + 3);
      String what = "seed " + seed + " tile " + th + "x" + tw + ": " + p;
      assertStitchedEqualsWhole(p, g, g.grid(th, tw).tiles(), whole, what);
    }
  }

  @Test
  void everyTileSizeOfASmallCircularStackEqualsWholeImage() throws IOException {
    // Circular padding at an intermediate edge wraps to the far side of that map.
    for (long seed = 0; seed < 40; seed++) {
      RandomStacks p = circularStack(seed);
      Map<String, Tensor3> whole = WholeStack.evaluate(p.stack(), p.image());
      StackGeometry g =
          p.stack().geometry(p.image().channels(), p.image().height(), p.image().width());
      for (int t = 1; t <= Math.max(g.outHeight(), g.outWidth()) + 1; t++) {
        assertStitchedEqualsWhole(p, g, g.grid(t, t).tiles(), whole, "seed " + seed + " tile " + t);
      }
    }
  }

  private static RandomStacks circularStack(long seed) {
    Random r = new Random(seed);
    while (true) {
      RandomStacks p = RandomStacks.draw(1000 + seed * 7 + r.nextInt(1000));
      long circular =
          p.stack().layers().stream().filter(l -> l.paddingMode() == PaddingMode.CIRCULAR).count();
      if (circular > 0 && p.stack().size() > 1 && p.image().height() * p.image().width() < 600) {
        return p;
      }
    }
  }

  private static void assertStitchedEqualsWhole(
      RandomStacks p, StackGeometry g, List<Tile> tiles, Map<String, Tensor3> whole, String what)
      throws IOException {
    LayerStack stack = p.stack();
    StackEvaluator evaluator = new StackEvaluator(stack);
    Map<Integer, Tensor3> stitched = new HashMap<>();
    Map<Integer, int[]> covered = new HashMap<>();
    for (int i : stack.writtenLayers()) {
      Tensor3 w = whole.get(stack.layer(i).name());
      stitched.put(i, Tensor3.zeros(w.channels(), w.height(), w.width()));
      covered.put(i, new int[w.height() * w.width()]);
    }
    RegionReader reader = strictReader(p.image());
    for (Tile tile : tiles) {
      TilePlan plan = g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
      evaluator.evaluate(
          g,
          plan,
          reader,
          region -> {
            Tensor3 map = stitched.get(region.layer());
            int[] cover = covered.get(region.layer());
            assertThat(map).as(what + ": layer %d is written", region.layer()).isNotNull();
            for (int c = 0; c < region.channels(); c++) {
              for (int y = 0; y < region.height(); y++) {
                for (int x = 0; x < region.width(); x++) {
                  map.set(
                      c, region.y0() + y, region.x0() + x, region.data()[region.offset(c, y) + x]);
                  if (c == 0) {
                    cover[(region.y0() + y) * map.width() + region.x0() + x]++;
                  }
                }
              }
            }
          });
    }
    for (int i : stack.writtenLayers()) {
      String name = stack.layer(i).name();
      assertThat(covered.get(i)).as(what + ": tiles cover " + name + " once").containsOnly(1);
      assertThat(stitched.get(i).bitwiseEquals(whole.get(name))).as(what + ": " + name).isTrue();
    }
  }

  @Test
  void oneLayerStackTilesAreTheTileGridsTiles() {
    for (long seed = 0; seed < 200; seed++) {
      RandomSpecs p = RandomSpecs.draw(seed);
      ConvGeometry cg = p.spec().geometry(p.image().height(), p.image().width());
      StackGeometry sg =
          LayerStack.of(p.bank(), p.spec(), "random")
              .geometry(p.image().channels(), p.image().height(), p.image().width());
      Random r = new Random(seed);
      int th = 1 + r.nextInt(cg.outHeight() + 2);
      int tw = 1 + r.nextInt(cg.outWidth() + 2);
      assertThat(sg.grid(th, tw).tiles())
          .as("seed %d", seed)
          .isEqualTo(ConvTiles.grid(cg, th, tw).tiles());
    }
  }

  @Test
  void circularPaddingOfAnIntermediateMapComputesItsFarEdge() {
    // conv1 (3x3, valid) then conv2 (3x3, circular padding 1): the top-left output of conv2 reads
    // conv1's last row and column, which lie at the far side of conv1's map.
    FilterBank bank = new FilterBank(1, 1, 3, 3, new float[9], null);
    ConvSpec valid = ConvSpec.builder(bank).build();
    ConvSpec circular = ConvSpec.builder(bank).padding(1).paddingMode(PaddingMode.CIRCULAR).build();
    LayerStack stack =
        new LayerStack(
            List.of(
                new ConvLayer("conv1", "", bank, valid, false),
                new ConvLayer("conv2", "", bank, circular, false)));
    StackGeometry g = stack.geometry(1, 102, 102); // conv1: 100x100, conv2: 100x100
    TilePlan plan = g.plan(0, 0, 4, 4);
    // conv1 rows: [0, 5) near the tile, and 99 from the far edge
    assertThat(plan.rows().spanCount(1)).isEqualTo(2);
    assertThat(plan.rows().spanStart(1, 1)).isEqualTo(99);
    assertThat(plan.rows().total(1)).isEqualTo(6);
    // image rows: [0, 7) and [99, 102), never the 90 rows between
    assertThat(plan.rows().total(0)).isEqualTo(10);
    assertThat(plan.inputPixels()).isEqualTo(100);
    // The receptive field, ignoring the wrap, is the composed window.
    assertThat(g.inputWindow(0, 0, 4, 4)).isEqualTo(new io.haloconv.tiling.Window(-1, -1, 8, 8));
  }

  @Test
  void reflectPaddingOfAnIntermediateMapStaysNearTheEdge() {
    FilterBank bank = new FilterBank(1, 1, 5, 5, new float[25], null);
    ConvSpec reflect = ConvSpec.builder(bank).padding(2).paddingMode(PaddingMode.REFLECT).build();
    PoolSpec pool = new PoolSpec(PoolOp.MAX, 2, 2, 2, 2, Padding.VALID);
    LayerStack stack =
        new LayerStack(
            List.of(
                new PoolLayer("pool", pool, false),
                new ConvLayer("conv", "", bank, reflect, false)));
    StackGeometry g = stack.geometry(1, 200, 200);
    TilePlan plan = g.plan(0, 0, 8, 8);
    // conv reads pool rows -2..9, which reflect to 0..9; the image rows 0..19
    assertThat(plan.rows().spanCount(1)).isEqualTo(1);
    assertThat(plan.rows().total(1)).isEqualTo(10);
    assertThat(plan.rows().total(0)).isEqualTo(20);
  }

  /** A reader that fails on any read outside the image: padding never reaches the decoder. */
  static RegionReader strictReader(Tensor3 image) {
    RegionReader inner = RegionReader.of(image);
    return (y0, x0, h, w) -> {
      if (y0 < 0 || x0 < 0 || y0 + h > image.height() || x0 + w > image.width()) {
        throw new AssertionError("read outside the image: " + y0 + "," + x0 + " " + h + "x" + w);
      }
      return inner.read(y0, x0, h, w);
    };
  }
}
