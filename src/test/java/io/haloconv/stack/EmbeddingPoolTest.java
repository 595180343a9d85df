package io.haloconv.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.EmbeddingCells;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Global and grid pools: sums are exact and merge in any order, so embeddings are bitwise the same
 * for every tile size and grouping of partials, and equal an independent float64 computation over
 * the whole map, with cells assigned by an independent formula.
 */
class EmbeddingPoolTest {
  /** conv 3x3 stride 2 pad 1 (relu) then max pool 2: map pixel p is centred on input 4p + 1. */
  private static List<Layer> layers(int channels) {
    FilterBank bank = FilterBanks.random(5, channels, 3, 7);
    ConvSpec spec =
        ConvSpec.builder(bank)
            .stride(2, 2)
            .padding(new Padding.Explicit(1, 1, 1, 1))
            .activation(Activation.RELU)
            .build();
    return List.of(
        new ConvLayer("c1", "random", bank, spec, false),
        new PoolLayer(
            "p1", new PoolSpec(PoolOp.MAX, 2, 2, 2, 2, new Padding.Explicit(0, 0, 0, 0)), false));
  }

  private static Tensor3 image(int h, int w, long seed) {
    Random r = new Random(seed);
    Tensor3 t = Tensor3.zeros(3, h, w);
    for (int i = 0; i < t.data().length; i++) {
      t.data()[i] = r.nextFloat() * 2 - 0.7f;
    }
    return t;
  }

  static EmbeddingPool[] pools() {
    return new EmbeddingPool[] {
      EmbeddingPool.global("g", PoolOp.AVG),
      EmbeddingPool.global("g", PoolOp.MAX),
      new EmbeddingPool("g", PoolOp.AVG, 3, 0),
      new EmbeddingPool("g", PoolOp.MAX, 3, 0),
      new EmbeddingPool("g", PoolOp.AVG, 0, 7),
      new EmbeddingPool("g", PoolOp.AVG, 0, 2),
    };
  }

  @Test
  void embeddingsAreBitwiseEqualForEveryTileSizeAndGrouping() throws IOException {
    Tensor3 image = image(37, 45, 1);
    for (EmbeddingPool pool : pools()) {
      LayerStack stack = new LayerStack(layers(3), pool);
      Map<String, CellStats> first = EmbeddingCells.evaluate(stack, image, 100, 100, 0);
      int[][] tiles = {{1, 1}, {2, 3}, {3, 5}, {4, 4}, {5, 1}, {9, 11}};
      for (int t = 0; t < tiles.length; t++) {
        Map<String, CellStats> got =
            EmbeddingCells.evaluate(stack, image, tiles[t][0], tiles[t][1], t + 1);
        assertThat(got.keySet()).as(pool.describe()).isEqualTo(first.keySet());
        for (String key : first.keySet()) {
          assertThat(got.get(key)).as(pool.describe() + " cell " + key).isEqualTo(first.get(key));
          assertThat(bits(got.get(key).embedding())).isEqualTo(bits(first.get(key).embedding()));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {0, 1, 2, 3, 4, 5})
  void embeddingsEqualAFloat64PoolOfTheWholeMap(int which) throws IOException {
    EmbeddingPool pool = pools()[which];
    Tensor3 image = image(37, 45, 2);
    LayerStack stack = new LayerStack(layers(3), pool);
    Tensor3 map = StackEvaluator.evaluateImage(new LayerStack(layers(3)), image).get("p1");
    Map<String, CellStats> got = EmbeddingCells.evaluate(stack, image, 3, 4, 9);
    // The reference's cells: map row p is centred on input row 4p + 1 (clamped into the image).
    int rowsOfCells = cellCount(pool, 37);
    int colsOfCells = cellCount(pool, 45);
    int found = 0;
    for (int r = 0; r < rowsOfCells; r++) {
      for (int c = 0; c < colsOfCells; c++) {
        double[] sum = new double[map.channels()];
        double[] max = new double[map.channels()];
        java.util.Arrays.fill(max, Double.NEGATIVE_INFINITY);
        long n = 0;
        for (int y = 0; y < map.height(); y++) {
          for (int x = 0; x < map.width(); x++) {
            if (cell(pool, Math.min(36, 4 * y + 1), 37) != r
                || cell(pool, Math.min(44, 4 * x + 1), 45) != c) {
              continue;
            }
            n++;
            for (int ch = 0; ch < map.channels(); ch++) {
              sum[ch] += map.get(ch, y, x);
              max[ch] = Math.max(max[ch], map.get(ch, y, x));
            }
          }
        }
        CellStats cell = got.get(r + "," + c);
        if (n == 0) {
          assertThat(cell).as("cell %d,%d pools nothing and has no row", r, c).isNull();
          continue;
        }
        found++;
        assertThat(cell.pixels()).isEqualTo(n);
        float[] e = cell.embedding();
        for (int ch = 0; ch < e.length; ch++) {
          double want = pool.op() == PoolOp.AVG ? sum[ch] / n : max[ch];
          assertThat((double) e[ch]).isCloseTo(want, org.assertj.core.data.Offset.offset(1e-6));
        }
      }
    }
    assertThat(got).hasSize(found);
    assertThat(found).isPositive();
  }

  private static int cellCount(EmbeddingPool pool, int size) {
    return pool.grid() > 0
        ? pool.grid()
        : pool.cell() > 0 ? (size + pool.cell() - 1) / pool.cell() : 1;
  }

  /** The cell of input index p: boxes [floor(c*size/G), floor((c+1)*size/G)), or of P pixels. */
  private static int cell(EmbeddingPool pool, int p, int size) {
    if (pool.grid() > 0) {
      for (int c = 0; c < pool.grid(); c++) {
        if ((long) c * size / pool.grid() <= p && p < (long) (c + 1) * size / pool.grid()) {
          return c;
        }
      }
      throw new AssertionError(p);
    }
    return pool.cell() > 0 ? p / pool.cell() : 0;
  }

  @Test
  void boxesTileTheImage() {
    LayerStack stack = new LayerStack(layers(3), new EmbeddingPool("g", PoolOp.AVG, 4, 0));
    PoolCells cells = PoolCells.of(stack.geometry(3, 37, 45), stack.embedding().orElseThrow());
    assertThat(cells.rows().boxStart()).containsExactly(0, 9, 18, 27);
    assertThat(cells.rows().boxEnd()).containsExactly(9, 18, 27, 37);
    // map rows 0..8 (37 -> 19 -> 9) centred on 1, 5, 9, ..., 33: cell 0 pools 0-1, cell 1 2-3, ...
    assertThat(cells.rows().mapStart()).containsExactly(0, 2, 5, 7);
    assertThat(cells.rows().mapEnd()).containsExactly(2, 5, 7, 9);
    LayerStack byCell = new LayerStack(layers(3), new EmbeddingPool("g", PoolOp.AVG, 0, 16));
    PoolCells c16 = PoolCells.of(byCell.geometry(3, 37, 45), byCell.embedding().orElseThrow());
    assertThat(c16.cols().boxStart()).containsExactly(0, 16, 32);
    assertThat(c16.cols().boxEnd()).containsExactly(16, 32, 45);
  }

  /** Values of every magnitude, subnormals and signed zeros: the mean is the exact one, rounded. */
  @Test
  void meanIsTheExactMeanRoundedOnce() {
    Random r = new Random(5);
    for (int trial = 0; trial < 200; trial++) {
      int n = 1 + r.nextInt(300);
      float[] values = new float[n];
      for (int i = 0; i < n; i++) {
        int kind = r.nextInt(6);
        values[i] =
            switch (kind) {
              case 0 -> Float.intBitsToFloat(r.nextInt(0x800000)); // subnormal
              case 1 -> -0f;
              case 2 -> (float) Math.scalb(r.nextDouble(), r.nextInt(200) - 100);
              case 3 -> -(float) Math.scalb(r.nextDouble(), r.nextInt(200) - 100);
              case 4 -> 1e30f * (r.nextBoolean() ? 1 : -1);
              default -> r.nextFloat();
            };
      }
      List<CellStats> parts = split(values, r);
      CellStats merged = parts.get(0);
      for (int i = 1; i < parts.size(); i++) {
        merged = CellStats.merge(merged, parts.get(i));
      }
      BigDecimal exact = BigDecimal.ZERO;
      for (float v : values) {
        exact = exact.add(new BigDecimal(v));
      }
      float want =
          exact.divide(BigDecimal.valueOf(n), new MathContext(80)).floatValue(); // correct rounding
      assertThat(merged.pixels()).isEqualTo(n);
      assertThat(Float.floatToIntBits(merged.embedding()[0]))
          .as("trial %d", trial)
          .isEqualTo(Float.floatToIntBits(want == 0 ? 0f : want));
    }
  }

  @Test
  void nonFiniteValuesGiveTheIeeeMeanAndMaxPropagatesNaN() {
    assertThat(mean(1f, Float.POSITIVE_INFINITY)).isEqualTo(Float.POSITIVE_INFINITY);
    assertThat(mean(Float.NEGATIVE_INFINITY, 1f)).isEqualTo(Float.NEGATIVE_INFINITY);
    assertThat(mean(Float.NEGATIVE_INFINITY, Float.POSITIVE_INFINITY)).isNaN();
    assertThat(mean(Float.NaN, 2f)).isNaN();
    assertThat(mean(Float.MAX_VALUE, Float.MAX_VALUE)).isEqualTo(Float.MAX_VALUE); // no overflow
    assertThat(max(1f, Float.NaN, 3f)).isNaN();
    assertThat(Float.floatToIntBits(max(-0f, 0f))).isEqualTo(Float.floatToIntBits(0f));
    assertThat(Float.floatToIntBits(max(0f, -0f))).isEqualTo(Float.floatToIntBits(0f));
  }

  private static float mean(float... values) {
    return reduce(PoolOp.AVG, values);
  }

  private static float max(float... values) {
    return reduce(PoolOp.MAX, values);
  }

  private static float reduce(PoolOp op, float... values) {
    CellStats merged = null;
    for (float v : values) {
      CellStats s = one(op, new float[] {v});
      merged = merged == null ? s : CellStats.merge(merged, s);
    }
    return merged.embedding()[0];
  }

  /** Random consecutive pieces of {@code values}, each reduced as a 1-channel 1-row tile. */
  private static List<CellStats> split(float[] values, Random r) {
    List<CellStats> parts = new ArrayList<>();
    int at = 0;
    while (at < values.length) {
      int n = 1 + r.nextInt(values.length - at);
      parts.add(one(PoolOp.AVG, java.util.Arrays.copyOfRange(values, at, at + n)));
      at += n;
    }
    java.util.Collections.shuffle(parts, r);
    return parts;
  }

  /** One channel of {@code values} as a 1×n map region, reduced as one global cell. */
  private static CellStats one(PoolOp op, float[] values) {
    MapRegion region = new MapRegion();
    region.set(0, 0, 0, 1, values.length, 1, values, 1, values.length, 0, 0);
    int n = values.length;
    PoolCells.Axis rows =
        new PoolCells.Axis(new int[] {0}, new int[] {1}, new int[] {0}, new int[] {1});
    PoolCells.Axis cols =
        new PoolCells.Axis(new int[] {0}, new int[] {n}, new int[] {0}, new int[] {n});
    List<CellStats> out = new ArrayList<>();
    new CellReducer(EmbeddingPool.global("g", op))
        .reduce(PoolCells.wrap(rows, cols), region, out::add);
    return out.get(0);
  }

  private static int[] bits(float[] values) {
    int[] out = new int[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = Float.floatToIntBits(values[i]);
    }
    return out;
  }

  @Test
  void embeddingPoolsAreCheckedWhenBuilt() {
    assertThatThrownBy(() -> new EmbeddingPool("g", PoolOp.AVG, 2, 4))
        .hasMessage("layer g: a grid_pool takes \"grid\" or \"cell\", not both");
    assertThatThrownBy(() -> new EmbeddingPool("g", PoolOp.AVG, 2000, 0))
        .hasMessage("layer g: grid must be in [1, 1024], got 2000");
    List<Layer> emitted =
        List.of(
            new PoolLayer(
                "p", new PoolSpec(PoolOp.MAX, 2, 2, 2, 2, new Padding.Explicit(0, 0, 0, 0)), true));
    assertThatThrownBy(() -> new LayerStack(emitted, EmbeddingPool.global("g", PoolOp.AVG)))
        .hasMessage(
            "layer p: \"emit\" cannot be used in a stack that ends in a global_pool (it writes"
                + " embeddings, not maps)");
    assertThatThrownBy(() -> new LayerStack(List.of(), EmbeddingPool.global("g", PoolOp.AVG)))
        .hasMessage("layer g: a global_pool needs a conv or pool layer before it");
  }
}
