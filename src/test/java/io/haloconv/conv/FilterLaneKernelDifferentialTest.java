package io.haloconv.conv;

import static io.haloconv.conv.VectorKernelDifferentialTest.randomBank;
import static io.haloconv.conv.VectorKernelDifferentialTest.randomImage;
import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.NaiveConv;
import io.haloconv.tiling.ConvTiles;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileConvolver;
import io.haloconv.tiling.TileGrid;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The filter-lane kernel against the portable kernel, bitwise, on awkward sizes: widths of 1,
 * around one position block (13, 14, 15 for 32 vector registers, and rows that end in a 7-position
 * step there: 15, 17, 21, …; 5, 6, 7 for 16, and rows that end in a 4-position step there: 10, 13,
 * 16, …) and primes; channel and filter counts that are not multiples of the 16 lanes (so packed
 * blocks carry zero filters); every padding mode, strides 1 and 2 (and 2×1, whose rows step by
 * two), dilations, the flat 1×1 path, every activation, and tiles of every size stitched against
 * the whole image.
 */
class FilterLaneKernelDifferentialTest {
  private static final int[][] SIZES = {
    {1, 1}, {3, 3}, {3, 4}, {2, 5}, {3, 6}, {4, 7}, {3, 10}, {2, 16}, {1, 14}, {2, 13}, {3, 15},
    {5, 17}, {2, 21}, {3, 22}, {7, 29}, {4, 31}, {11, 61}, {17, 14}, {6, 97}
  };

  private static final int[] FILTERS = {1, 15, 16, 17, 31, 33, 48, 50};
  private static final int[] CHANNELS = {1, 3, 16, 17, 33};

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void awkwardSizesMatchDirectBitwise(PaddingMode mode) {
    Random r = new Random(31 + mode.ordinal());
    int checked = 0;
    for (int[] size : SIZES) {
      for (int variant = 0; variant < 6; variant++) {
        int fh = 1 + r.nextInt(5);
        int fw = variant == 0 ? 1 : 1 + r.nextInt(5);
        int sh = 1 + r.nextInt(2);
        int sw = variant == 1 ? 1 : 1 + r.nextInt(2);
        ConvSpec spec =
            ConvSpec.builder(fh, fw)
                .stride(sh, sw)
                .dilation(variant == 2 ? 2 : 1, variant == 3 ? 3 : 1)
                .padding(
                    variant == 4
                        ? Padding.SAME
                        : new Padding.Explicit(
                            r.nextInt(fh), r.nextInt(fh), r.nextInt(fw), r.nextInt(fw)))
                .paddingMode(mode)
                .activation(r.nextBoolean() ? Activation.RELU : Activation.NONE)
                .build();
        try {
          spec.geometry(size[0], size[1]);
        } catch (IllegalArgumentException cannotPad) {
          continue;
        }
        int channels = CHANNELS[r.nextInt(CHANNELS.length)];
        FilterBank bank = randomBank(r, FILTERS[r.nextInt(FILTERS.length)], channels, fh, fw);
        assertAgrees(randomImage(r, channels, size[0], size[1]), bank, spec, variant == 5);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(SIZES.length * 3);
  }

  @Test
  void flatPathOfPointwiseLayersMatchesDirectBitwise() {
    // 1×1 and k×1 filters with no horizontal padding: window rows are output rows, so position
    // blocks run across row ends; 14 positions per block against 1·1, 3·5, 7·2, 14·14 outputs,
    // and runs of 42 that leave 28 (196), 9 (51: a full step shifted back) and 5 (47).
    Random r = new Random(3);
    for (int[] size :
        new int[][] {{1, 1}, {3, 5}, {7, 2}, {14, 14}, {1, 29}, {9, 9}, {3, 17}, {1, 47}}) {
      for (int fh : new int[] {1, 3}) {
        FilterBank bank = randomBank(r, 40, 19, fh, 1);
        ConvSpec spec =
            ConvSpec.builder(bank).padding(new Padding.Explicit(fh / 2, fh / 2, 0, 0)).build();
        assertAgrees(randomImage(r, 19, size[0], size[1]), bank, spec, true);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(Activation.Kind.class)
  void everyActivationMatchesDirectBitwise(Activation.Kind kind) {
    Activation activation =
        kind == Activation.Kind.LEAKY_RELU ? new Activation(kind, 0.1f) : new Activation(kind, 0f);
    Random r = new Random(kind.ordinal() + 200);
    for (int[] size : new int[][] {{1, 1}, {5, 15}, {9, 61}}) {
      for (int filters : new int[] {16, 17, 40}) {
        FilterBank bank = randomBank(r, filters, 17, 3, 3);
        for (int stride : new int[] {1, 2}) {
          ConvSpec spec =
              ConvSpec.builder(bank).stride(stride).padding(1).activation(activation).build();
          assertAgrees(randomImage(r, 17, size[0], size[1]), bank, spec, false);
        }
      }
    }
  }

  @Test
  void stitchedTilesOfEverySizeEqualTheWholeImageBitwise() throws IOException {
    Random r = new Random(17);
    for (int round = 0; round < 12; round++) {
      int channels = CHANNELS[r.nextInt(CHANNELS.length)];
      int f = 1 + 2 * r.nextInt(3);
      FilterBank bank = randomBank(r, FILTERS[r.nextInt(FILTERS.length)], channels, f, f);
      ConvSpec spec =
          ConvSpec.builder(bank)
              .stride(1 + r.nextInt(2))
              .padding(Padding.SAME)
              .paddingMode(PaddingMode.values()[r.nextInt(PaddingMode.values().length)])
              .activation(Activation.RELU)
              .build();
      Tensor3 image = randomImage(r, channels, 20 + r.nextInt(30), 20 + r.nextInt(50));
      ConvGeometry g = spec.geometry(image.height(), image.width());
      Tensor3 whole = tiles(image, bank, spec, g.outHeight(), g.outWidth());
      Tensor3 direct = WholeImage.convolve(image, bank, spec, ConvKernels.direct(bank, spec));
      assertThat(whole.bitwiseEquals(direct)).as("whole, " + spec).isTrue();
      for (int[] tile : new int[][] {{1, 1}, {3, 13}, {7, 14}, {5, 15}, {g.outHeight(), 29}}) {
        Tensor3 stitched = tiles(image, bank, spec, tile[0], tile[1]);
        assertThat(stitched.bitwiseEquals(whole))
            .as("tile " + tile[0] + "x" + tile[1] + ", " + spec)
            .isTrue();
      }
    }
  }

  @Test
  void oneInstanceServesWindowsOfChangingSizes() {
    Random r = new Random(8);
    FilterBank bank = randomBank(r, 33, 5, 3, 3);
    ConvSpec spec = ConvSpec.builder(bank).stride(2, 1).dilation(1, 2).padding(2).build();
    ConvKernel shared = ConvKernels.filterLanes(bank, spec);
    for (int[] size : new int[][] {{40, 61}, {3, 17}, {40, 61}, {1, 1}, {67, 131}, {3, 9}}) {
      Tensor3 image = randomImage(r, 5, size[0], size[1]);
      Tensor3 got = WholeImage.convolve(image, bank, spec, shared);
      Tensor3 want = WholeImage.convolve(image, bank, spec, ConvKernels.direct(bank, spec));
      assertThat(got.bitwiseEquals(want)).as(size[0] + "x" + size[1]).isTrue();
    }
  }

  @Test
  void deepLayersGetTheFilterLaneKernel() {
    // With 16 vector registers (AVX2) too, in blocks of 6 positions: SixteenRegisterKernelTest.
    FilterBank deep = FilterBanks.random(64, 64, 3, 1);
    assertThat(ConvKernels.create(deep, ConvSpec.builder(deep).padding(1).build()))
        .isInstanceOf(FilterLaneKernel.class);
    FilterBank rgb = FilterBanks.random(16, 3, 3, 1);
    assertThat(ConvKernels.create(rgb, ConvSpec.builder(rgb).padding(1).build()))
        .isInstanceOf(VectorConvKernel.class);
  }

  private static void assertAgrees(
      Tensor3 image, FilterBank bank, ConvSpec spec, boolean withReference) {
    String what = "image " + image + ", bank " + bank + ", " + spec;
    Tensor3 direct = WholeImage.convolve(image, bank, spec, ConvKernels.direct(bank, spec));
    Tensor3 lanes = WholeImage.convolve(image, bank, spec, ConvKernels.filterLanes(bank, spec));
    if (withReference) {
      NaiveConv.assertClose(lanes.data(), NaiveConv.convolve(image, bank, spec), what);
    }
    assertThat(lanes.bitwiseEquals(direct)).as(what).isTrue();
  }

  private static Tensor3 tiles(
      Tensor3 image, FilterBank bank, ConvSpec spec, int tileHeight, int tileWidth)
      throws IOException {
    ConvGeometry g = spec.geometry(image.height(), image.width());
    TileGrid grid = ConvTiles.grid(g, tileHeight, tileWidth);
    TileConvolver convolver =
        new TileConvolver(new Conv2d(bank, spec, ConvKernels.filterLanes(bank, spec)));
    Tensor3 out = Tensor3.zeros(bank.filters(), g.outHeight(), g.outWidth());
    for (Tile tile : grid.tiles()) {
      Tensor3 part =
          convolver.convolve(tile, image.height(), image.width(), RegionReader.of(image));
      for (int k = 0; k < bank.filters(); k++) {
        for (int y = 0; y < part.height(); y++) {
          System.arraycopy(
              part.data(),
              (k * part.height() + y) * part.width(),
              out.data(),
              (k * g.outHeight() + tile.outY0() + y) * g.outWidth() + tile.outX0(),
              part.width());
        }
      }
    }
    return out;
  }

  @Test
  void stepsCoverEveryRunExactlyOnceOrWithRecomputedOutputsOnly() {
    int full = FilterLaneKernel.positionsPerBlock();
    int shortStep = full == 6 ? 4 : 7;
    for (int length = shortStep; length <= 200; length++) {
      int[] computed = new int[length];
      int work = 0;
      for (int q0 = 0; q0 < length; ) {
        int positions = FilterLaneKernel.stepAt(q0, length);
        assertThat(positions).isIn(full, shortStep);
        int q = Math.min(q0, length - positions);
        assertThat(q).as("step start, run of " + length).isGreaterThanOrEqualTo(0);
        for (int i = q; i < q + positions; i++) {
          computed[i]++;
        }
        work += positions;
        q0 += positions;
      }
      for (int i = 0; i < length; i++) {
        assertThat(computed[i]).as("output " + i + " of a run of " + length).isPositive();
      }
      // Full steps, then one short step or one full step shifted back; a run shorter than a full
      // step takes one or two short steps.
      int rest = length % full;
      int bound =
          length < full
              ? (length <= shortStep ? shortStep : 2 * shortStep)
              : (length / full) * full + (rest == 0 ? 0 : rest <= shortStep ? shortStep : full);
      assertThat(work).as("positions computed for " + length).isEqualTo(bound);
    }
    // Shorter runs than a full step take these steps only when they recompute at most a fifth.
    for (int length = 1; length < full; length++) {
      boolean fits = length == shortStep || 10 * shortStep <= 6 * length;
      assertThat(FilterLaneKernel.takesRuns(length)).as("run of " + length).isEqualTo(fits);
    }
    assertThat(FilterLaneKernel.takesRuns(full == 6 ? 5 : 11)).isFalse();
    assertThat(FilterLaneKernel.takesRuns(full == 6 ? 4 : 12)).isTrue();
  }
}
