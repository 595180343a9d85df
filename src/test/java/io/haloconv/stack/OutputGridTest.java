package io.haloconv.stack;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * {@link StackGeometry#outputGrid}: the footprint of every written level's pixels, against the
 * receptive field enumerated tap by tap; and {@link LayerStack#receptiveFieldStack}: its outputs
 * are positive exactly where the receptive field (padding modes included) holds a masked pixel.
 */
class OutputGridTest {
  private static ConvLayer conv(
      String name, int k, int stride, int dilation, Padding padding, PaddingMode mode) {
    FilterBank bank = FilterBanks.random(1, 1, k, 7);
    ConvSpec spec =
        ConvSpec.builder(bank)
            .stride(stride)
            .dilation(dilation)
            .padding(padding)
            .paddingMode(mode)
            .build();
    return new ConvLayer(name, "random", bank, spec, false);
  }

  private static PoolLayer pool(String name, int size, int stride, int padding) {
    return new PoolLayer(
        name,
        new PoolSpec(
            PoolOp.MAX,
            size,
            size,
            stride,
            stride,
            new Padding.Explicit(padding, padding, padding, padding)),
        false);
  }

  @Test
  void gdalsGridsForSameConvolutionsAndPools() {
    StackGeometry same =
        new LayerStack(List.of(conv("c", 3, 1, 1, Padding.SAME, PaddingMode.REFLECT)))
            .geometry(1, 40, 50);
    assertThat(same.outputGrid(1)).isEqualTo(new OutputGrid(0, 0, 1, 1));
    StackGeometry pooled =
        new LayerStack(
                List.of(conv("c", 3, 1, 1, Padding.SAME, PaddingMode.ZEROS), pool("p", 2, 2, 0)))
            .geometry(1, 40, 50);
    assertThat(pooled.outputGrid(2)).isEqualTo(new OutputGrid(0, 0, 2, 2));
    // A valid 3x3 conv's first output is centred on pixel 1; a valid 2x2 one between 0 and 1.
    assertThat(
            new LayerStack(List.of(conv("c", 3, 1, 1, Padding.VALID, PaddingMode.ZEROS)))
                .geometry(1, 40, 50)
                .outputGrid(1))
        .isEqualTo(new OutputGrid(1, 1, 1, 1));
    assertThat(
            new LayerStack(List.of(conv("c", 2, 1, 1, Padding.VALID, PaddingMode.ZEROS)))
                .geometry(1, 40, 50)
                .outputGrid(1))
        .isEqualTo(new OutputGrid(0.5, 0.5, 1, 1));
  }

  /** The image positions (padding included) output {@code out} of {@code level} reads. */
  private static TreeSet<Long> field(StackGeometry g, int level, long out, boolean rows) {
    TreeSet<Long> positions = new TreeSet<>(List.of(out));
    for (int i = level - 1; i >= 0; i--) {
      var a = rows ? g.layer(i).rows() : g.layer(i).cols();
      TreeSet<Long> below = new TreeSet<>();
      for (long p : positions) {
        for (int j = 0; j < a.kernel(); j++) {
          below.add(p * a.stride() - a.before() + (long) j * a.dilation());
        }
      }
      positions = below;
    }
    return positions;
  }

  @Test
  void footprintsOfRandomStridedDilatedPaddedStacksAreCentredOnTheirReceptiveFields() {
    Random random = new Random(13);
    for (int trial = 0; trial < 200; trial++) {
      List<Layer> layers = new ArrayList<>();
      int n = 1 + random.nextInt(4);
      for (int i = 0; i < n; i++) {
        if (random.nextInt(3) == 0) {
          int size = 1 + random.nextInt(4);
          layers.add(pool("l" + i, size, 1 + random.nextInt(3), random.nextInt(size / 2 + 1)));
        } else {
          int k = 1 + random.nextInt(5);
          Padding padding =
              switch (random.nextInt(3)) {
                case 0 -> Padding.SAME;
                case 1 -> Padding.VALID;
                default ->
                    new Padding.Explicit(
                        random.nextInt(4), random.nextInt(4), random.nextInt(4), random.nextInt(4));
              };
          layers.add(
              conv(
                  "l" + i,
                  k,
                  1 + random.nextInt(3),
                  1 + random.nextInt(3),
                  padding,
                  PaddingMode.ZEROS));
        }
      }
      StackGeometry g = new LayerStack(layers).geometry(1, 300, 257);
      for (int level = 1; level < g.levels(); level++) {
        OutputGrid grid = g.outputGrid(level);
        long stride = 1;
        for (int i = 0; i < level; i++) {
          stride *= g.layer(i).rows().stride();
        }
        assertThat(grid.rowStride()).isEqualTo(stride);
        for (int out : new int[] {0, 1, g.height(level) - 1}) {
          TreeSet<Long> f = field(g, level, out, true);
          double want = (f.first() + f.last() + 1) / 2.0 - stride / 2.0;
          assertThat(grid.row(out))
              .as("trial %d level %d row %d", trial, level, out)
              .isEqualTo(want);
        }
        for (int out : new int[] {0, 2, g.width(level) - 1}) {
          TreeSet<Long> f = field(g, level, out, false);
          long s = grid.colStride();
          double want = (f.first() + f.last() + 1) / 2.0 - s / 2.0;
          assertThat(grid.column(out))
              .as("trial %d level %d col %d", trial, level, out)
              .isEqualTo(want);
        }
      }
    }
  }

  @Test
  void receptiveFieldStackMarksExactlyTheOutputsThatReadAMaskedPixel() {
    // Reflect and replicate padding read masked pixels again from outside the image; zero and
    // pool padding read nothing. The brute force follows every tap through PaddingMode.
    LayerStack stack =
        new LayerStack(
            List.of(
                conv("a", 3, 1, 1, Padding.SAME, PaddingMode.REFLECT),
                pool("p", 2, 2, 0),
                conv("b", 3, 2, 2, new Padding.Explicit(2, 1, 2, 1), PaddingMode.REPLICATE)));
    int h = 23;
    int w = 29;
    Random random = new Random(5);
    for (int trial = 0; trial < 20; trial++) {
      Tensor3 mask = Tensor3.zeros(1, h, w);
      for (int i = 0; i < 1 + random.nextInt(4); i++) {
        mask.set(0, random.nextInt(h), random.nextInt(w), 1f);
      }
      Map<String, Tensor3> got = StackEvaluator.evaluateImage(stack.receptiveFieldStack(), mask);
      Tensor3 counts = got.get("b");
      StackGeometry g = stack.geometry(1, h, w);
      for (int y = 0; y < counts.height(); y++) {
        for (int x = 0; x < counts.width(); x++) {
          boolean want = readsMasked(g, mask, y, x);
          assertThat(counts.get(0, y, x) > 0)
              .as("trial %d output %d,%d", trial, y, x)
              .isEqualTo(want);
        }
      }
    }
  }

  /** Whether output (y, x) of the last level reads a masked pixel, tap by tap, through padding. */
  private static boolean readsMasked(StackGeometry g, Tensor3 mask, int y, int x) {
    List<int[]> positions = List.of(new int[] {y, x});
    for (int i = g.levels() - 2; i >= 0; i--) {
      var r = g.layer(i).rows();
      var c = g.layer(i).cols();
      PaddingMode mode = g.stack().layer(i).paddingMode();
      List<int[]> below = new ArrayList<>();
      for (int[] p : positions) {
        for (int a = 0; a < r.kernel(); a++) {
          for (int b = 0; b < c.kernel(); b++) {
            int vy = p[0] * r.stride() - r.before() + a * r.dilation();
            int vx = p[1] * c.stride() - c.before() + b * c.dilation();
            int sy = mode.sourceIndex(vy, g.height(i));
            int sx = mode.sourceIndex(vx, g.width(i));
            if (sy != PaddingMode.ZERO && sx != PaddingMode.ZERO) {
              below.add(new int[] {sy, sx});
            }
          }
        }
      }
      positions = below;
    }
    for (int[] p : positions) {
      if (mask.get(0, p[0], p[1]) != 0) {
        return true;
      }
    }
    return false;
  }

  @Test
  void receptiveFieldStackKeepsTheGeometryOnOneChannel() {
    LayerStack stack =
        new LayerStack(
            List.of(
                new ConvLayer(
                    "g",
                    "random",
                    FilterBanks.random(4, 1, 3, 1),
                    ConvSpec.builder(3, 3)
                        .groups(2)
                        .stride(2)
                        .padding(Padding.SAME)
                        .activation(Activation.RELU)
                        .build(),
                    true),
                pool("p", 3, 2, 1)));
    LayerStack counter = stack.receptiveFieldStack();
    StackGeometry a = stack.geometry(2, 31, 17);
    StackGeometry b = counter.geometry(1, 31, 17);
    for (int level = 0; level < a.levels(); level++) {
      assertThat(b.height(level)).isEqualTo(a.height(level));
      assertThat(b.width(level)).isEqualTo(a.width(level));
      assertThat(b.channels(level)).isEqualTo(1);
    }
    assertThat(counter.writtenLayers()).containsExactly(stack.writtenLayers());
  }
}
