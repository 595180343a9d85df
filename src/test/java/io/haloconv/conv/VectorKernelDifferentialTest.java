package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.NaiveConv;
import io.haloconv.testing.RandomSpecs;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Vector API kernel against the portable kernel and the float64 reference, in the manner of
 * Lucene's TestVectorUtilSupport: random problems, then awkward sizes on purpose — 1×1 images,
 * prime widths, widths under one vector, exactly one vector and one more, strides and dilations
 * that leave odd phase planes, filter counts that leave every block remainder, every padding mode
 * and every activation. The fast kernel keeps the portable kernel's summation order, so the two
 * must be bitwise equal, not only close.
 */
class VectorKernelDifferentialTest {
  private static final int[][] SIZES = {
    {1, 1}, {1, 2}, {2, 1}, {1, 33}, {3, 17}, {5, 15}, {7, 16}, {4, 32}, {13, 31}, {9, 61},
    {40, 61}, {67, 131}, {6, 257}, {50, 160}
  };

  @Test
  void surefireRunsWithTheVectorKernel() {
    // The pom adds jdk.incubator.vector to Surefire's JVM; without it every test here would only
    // exercise the fallback, so say so loudly.
    assertThat(ConvKernels.vectorAvailable()).as(ConvKernels.vectorUnavailableReason()).isTrue();
    assertThat(ConvKernels.implementation()).isEqualTo("vector");
  }

  @Test
  void vectorKernelEqualsDirectKernelBitwiseOnRandomSpecs() {
    for (long seed = 0; seed < 400; seed++) {
      RandomSpecs p = RandomSpecs.draw(seed);
      Tensor3 direct =
          WholeImage.convolve(
              p.image(), p.bank(), p.spec(), ConvKernels.direct(p.bank(), p.spec()));
      Tensor3 vector =
          WholeImage.convolve(
              p.image(), p.bank(), p.spec(), ConvKernels.vector(p.bank(), p.spec()));
      String what = "seed " + seed + ": " + p;
      NaiveConv.assertClose(vector.data(), NaiveConv.convolve(p.image(), p.bank(), p.spec()), what);
      assertThat(vector.bitwiseEquals(direct)).as(what).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void awkwardSizesMatchDirectBitwiseAndReferenceClosely(PaddingMode mode) {
    Random r = new Random(mode.ordinal());
    int checked = 0;
    for (int[] size : SIZES) {
      for (int variant = 0; variant < 8; variant++) {
        Problem p = Problem.draw(r, size[0], size[1], mode, variant);
        if (p == null) {
          continue; // this padding mode cannot pad this image that much
        }
        assertAgrees(p, variant % 3 == 0);
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(SIZES.length * 4);
  }

  @ParameterizedTest
  @EnumSource(Activation.Kind.class)
  void everyActivationMatchesDirectBitwise(Activation.Kind kind) {
    Activation activation =
        kind == Activation.Kind.LEAKY_RELU ? new Activation(kind, 0.1f) : new Activation(kind, 0f);
    Random r = new Random(kind.ordinal() + 100);
    for (int[] size : new int[][] {{1, 1}, {5, 15}, {9, 61}, {30, 100}}) {
      for (int filters : new int[] {1, 2, 3, 4, 7}) {
        FilterBank bank = randomBank(r, filters, 3, 3, 3);
        ConvSpec spec = ConvSpec.builder(bank).padding(1).activation(activation).build();
        assertAgrees(new Problem(randomImage(r, 3, size[0], size[1]), bank, spec), true);
      }
    }
  }

  @Test
  void reluMapsNegativeZeroAndZeroSumsToPositiveZero() {
    // Zero weights make every sum +0 or, with bias −0, still +0 after the bias; a negative bias
    // with relu gives +0. Both kernels must store +0, never −0.
    for (float b : new float[] {-0f, 0f, -1f}) {
      FilterBank bank = new FilterBank(5, 1, 3, 3, new float[45], new float[] {b, b, b, b, b});
      ConvSpec spec = ConvSpec.builder(bank).padding(1).activation(Activation.RELU).build();
      Tensor3 image = randomImage(new Random(1), 1, 20, 40);
      Tensor3 got = WholeImage.convolve(image, bank, spec, ConvKernels.vector(bank, spec));
      for (float v : got.data()) {
        assertThat(Float.floatToRawIntBits(v)).as("bias " + b).isEqualTo(0);
      }
    }
  }

  @Test
  void oneKernelInstanceServesWindowsOfChangingSizes() {
    // Scratch and tap offsets are rebound when the window size changes; results must not leak
    // from one call into the next.
    Random r = new Random(7);
    FilterBank bank = randomBank(r, 6, 2, 5, 3);
    ConvSpec spec = ConvSpec.builder(bank).stride(2, 1).dilation(1, 2).padding(2).build();
    ConvKernel shared = ConvKernels.vector(bank, spec);
    for (int[] size : new int[][] {{40, 61}, {3, 17}, {40, 61}, {1, 1}, {67, 131}, {3, 17}}) {
      Tensor3 image = randomImage(r, 2, size[0], size[1]);
      Tensor3 got = WholeImage.convolve(image, bank, spec, shared);
      Tensor3 want = WholeImage.convolve(image, bank, spec, ConvKernels.direct(bank, spec));
      assertThat(got.bitwiseEquals(want)).as(size[0] + "x" + size[1]).isTrue();
    }
  }

  @ParameterizedTest
  @EnumSource(PaddingMode.class)
  void stridedWindowsSplitBandByBandMatchDirectBitwise(PaddingMode mode) {
    // Strided windows are split into phase planes one band of output rows at a time (a band spans
    // about 192 KiB of input), and positions and tap offsets count from the band's first row.
    // These windows are wide or deep enough for several bands and a short last one, in row mode
    // (8×3 blocks within a row and across a row's end) and in flat mode (narrow rows).
    Random r = new Random(40 + mode.ordinal());
    int[][] cases = { // channels, height, width, fh, fw, sh, sw, filters
      {3, 61, 1031, 7, 7, 2, 2, 32}, // the 7×7 stride-2 RGB layer, narrower: 7 output rows a band
      {3, 45, 1031, 7, 7, 2, 2, 13},
      {40, 9, 257, 3, 3, 2, 2, 15}, // 2 output rows a band
      {64, 101, 23, 3, 3, 2, 2, 11}, // flat mode: 11 outputs a row, 16 rows a band
      {5, 37, 997, 5, 3, 3, 2, 9}, // stride 3 down, prime width
      {48, 13, 211, 3, 5, 1, 2, 17}, // stride 2 across only
      {48, 29, 1, 3, 1, 2, 1, 8}, // width 1: the scalar path
      {17, 40, 401, 3, 3, 2, 3, 7}
    };
    Activation[] activations = {
      Activation.RELU, Activation.NONE, new Activation(Activation.Kind.LEAKY_RELU, 0.1f)
    };
    int checked = 0;
    for (int i = 0; i < cases.length; i++) {
      int[] c = cases[i];
      int fh = c[3];
      int fw = c[4];
      ConvSpec spec =
          ConvSpec.builder(fh, fw)
              .stride(c[5], c[6])
              .padding(
                  i % 3 == 2
                      ? Padding.SAME
                      : new Padding.Explicit(
                          r.nextInt(fh), r.nextInt(fh), r.nextInt(fw), r.nextInt(fw)))
              .paddingMode(mode)
              .activation(activations[i % activations.length])
              .build();
      try {
        spec.geometry(c[1], c[2]);
      } catch (IllegalArgumentException cannotPad) {
        continue; // this padding mode cannot pad this image that much
      }
      FilterBank bank = randomBank(r, c[7], c[0], fh, fw);
      assertAgrees(new Problem(randomImage(r, c[0], c[1], c[2]), bank, spec), c[2] < 300);
      checked++;
    }
    assertThat(checked).isGreaterThanOrEqualTo(cases.length - 2);
  }

  @Test
  void flatVectorsAcrossRowEndsMatchDirectBitwise() {
    // Stride-1 rows of 8 vectors or more but fewer vectors than taps place their vectors on the
    // flat output, from the columns where stores start cache lines, and one vector per row takes
    // its last lanes from the next row's inputs: widths that put that row end at every lane, a
    // multiple of 16 (rgb224's 224), filters in one and several blocks of 8, several bands (24
    // channels), and the fused (relu, none) and tiled (leaky relu, sigmoid) epilogues.
    Random r = new Random(83);
    int lanes = VectorConvKernel.lanes();
    Activation[] activations = {
      Activation.RELU,
      Activation.NONE,
      new Activation(Activation.Kind.LEAKY_RELU, 0.1f),
      new Activation(Activation.Kind.SIGMOID, 0f)
    };
    int i = 0;
    int flat = 0;
    for (int channels : new int[] {3, 24}) {
      int taps = channels * 9;
      for (int outWidth :
          new int[] {
            7 * lanes,
            8 * lanes - 1,
            8 * lanes,
            8 * lanes + 3,
            14 * lanes,
            14 * lanes + 7,
            17 * lanes + 15
          }) {
        for (int filters : new int[] {8, 16, 24}) {
          ConvSpec spec =
              ConvSpec.builder(3, 3)
                  .padding(1)
                  .activation(activations[i++ % activations.length])
                  .build();
          FilterBank bank = randomBank(r, filters, channels, 3, 3);
          int height = channels == 3 ? 2 + r.nextInt(9) : 12 + r.nextInt(9);
          Tensor3 image = randomImage(r, channels, height, outWidth);
          if (VectorConvKernel.alignsFlat(outWidth, taps, filters)) {
            flat++;
          }
          assertAgrees(new Problem(image, bank, spec), false);
        }
      }
    }
    // On AVX-512 every width but the narrowest (7 vectors a row) takes the flat vectors.
    if (!VectorConvKernel.SIXTEEN_REGISTERS) {
      assertThat(flat).isEqualTo(2 * 6 * 3);
    }
  }

  @Test
  void wideRowsStoringFromCacheLineColumnsMatchDirectBitwise() {
    // Rows with as many vectors as taps or more store from the column where a store starts a
    // cache line, after a first vector at column 0: rows just under, at and over that width, rows
    // whose flat offsets leave every phase (odd widths), every block remainder (filters), strides
    // 1 and 2, the fused (relu, none) and tiled (leaky relu) epilogues.
    Random r = new Random(71);
    int lanes = VectorConvKernel.lanes();
    int wide = 27 * lanes; // 3 channels × 3 × 3 taps
    assertThat(VectorConvKernel.alignsRows(27, 27)).isTrue();
    assertThat(VectorConvKernel.alignsRows(26, 27)).isFalse();
    Activation[] activations = {
      Activation.RELU, Activation.NONE, new Activation(Activation.Kind.LEAKY_RELU, 0.1f)
    };
    int i = 0;
    for (int outWidth :
        new int[] {wide - lanes, wide - 1, wide, wide + 1, wide + 5, wide + 13, 2 * wide + 7}) {
      for (int stride : new int[] {1, 2}) {
        for (int filters : new int[] {16, 13, 3}) {
          ConvSpec spec =
              ConvSpec.builder(3, 3)
                  .stride(stride)
                  .padding(1)
                  .activation(activations[i++ % activations.length])
                  .build();
          FilterBank bank = randomBank(r, filters, 3, 3, 3);
          int width = stride * outWidth - (stride - 1); // 3×3, padding 1: outWidth columns out
          Tensor3 image = randomImage(r, 3, 2 + r.nextInt(7), width);
          assertThat(spec.geometry(image.height(), width).outWidth()).isEqualTo(outWidth);
          assertAgrees(new Problem(image, bank, spec), false);
        }
      }
    }
  }

  private static void assertAgrees(Problem p, boolean withReference) {
    Tensor3 direct =
        WholeImage.convolve(p.image, p.bank, p.spec, ConvKernels.direct(p.bank, p.spec));
    Tensor3 vector =
        WholeImage.convolve(p.image, p.bank, p.spec, ConvKernels.vector(p.bank, p.spec));
    if (withReference) {
      NaiveConv.assertClose(
          vector.data(), NaiveConv.convolve(p.image, p.bank, p.spec), p.toString());
    }
    assertThat(vector.bitwiseEquals(direct)).as(p.toString()).isTrue();
  }

  /** One convolution problem. */
  private record Problem(Tensor3 image, FilterBank bank, ConvSpec spec) {
    /** A problem of the given size, or null when the padding mode cannot pad it. */
    static Problem draw(Random r, int height, int width, PaddingMode mode, int variant) {
      int groups = variant == 5 ? 3 : variant == 6 ? 2 : 1;
      int channelsPerGroup = variant == 5 ? 1 : 1 + r.nextInt(variant == 7 ? 16 : 4);
      // 1..17 filters per group: every remainder of the 8/4/2/1 blocks
      int filters = groups * (1 + r.nextInt(17));
      int fh = 1 + r.nextInt(variant == 1 ? 1 : 7);
      int fw = variant == 1 ? 1 : r.nextBoolean() ? fh : 1 + r.nextInt(7);
      ConvSpec spec =
          ConvSpec.builder(fh, fw)
              .stride(1 + r.nextInt(variant == 2 ? 4 : 2), 1 + r.nextInt(variant == 2 ? 4 : 2))
              .dilation(variant == 3 ? 2 : 1, variant == 3 ? 3 : 1)
              .groups(groups)
              .padding(
                  variant == 4
                      ? Padding.SAME
                      : new Padding.Explicit(
                          r.nextInt(fh), r.nextInt(fh), r.nextInt(fw), r.nextInt(fw)))
              .paddingMode(mode)
              .activation(r.nextBoolean() ? Activation.RELU : Activation.NONE)
              .build();
      try {
        spec.geometry(height, width);
      } catch (IllegalArgumentException cannotPad) {
        return null;
      }
      FilterBank bank = randomBank(r, filters, channelsPerGroup, fh, fw);
      return new Problem(randomImage(r, groups * channelsPerGroup, height, width), bank, spec);
    }

    @Override
    public String toString() {
      return "image " + image + ", bank " + bank + ", " + spec;
    }
  }

  static FilterBank randomBank(Random r, int filters, int channels, int fh, int fw) {
    float[] weight = new float[filters * channels * fh * fw];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = (float) r.nextGaussian();
    }
    float[] bias = new float[filters];
    for (int i = 0; i < bias.length; i++) {
      bias[i] = (float) r.nextGaussian();
    }
    return new FilterBank(filters, channels, fh, fw, weight, bias);
  }

  static Tensor3 randomImage(Random r, int channels, int height, int width) {
    Tensor3 image = Tensor3.zeros(channels, height, width);
    for (int i = 0; i < image.size(); i++) {
      image.data()[i] = r.nextFloat() * 2 - 1;
    }
    return image;
  }
}
