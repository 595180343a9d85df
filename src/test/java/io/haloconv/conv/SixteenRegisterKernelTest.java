package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The kernels' rules for machines with 16 vector registers (x86 with AVX2 or less). The {@code
 * kernels-avx2} Surefire execution runs it, with the kernels' differential tests, in a JVM started
 * with {@code -XX:UseAVX=2 -Dhaloconv.test.lanes=8}: the first test proves that JVM is such a
 * machine, so that the execution cannot quietly test the AVX-512 blocks twice. In the default
 * execution it checks the same rules for whatever this machine is.
 */
class SixteenRegisterKernelTest {

  @Test
  void lanesAndRegistersAreWhatThisJvmWasStartedFor() {
    int lanes = VectorConvKernel.lanes();
    assertThat(lanes).isEqualTo(Integer.getInteger("haloconv.test.lanes", lanes));
    String arch = System.getProperty("os.arch");
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86");
    assertThat(VectorConvKernel.SIXTEEN_REGISTERS).isEqualTo(x86 && lanes <= 8);
  }

  @Test
  void deepLayersTakeTheFilterLaneKernelWithEitherRegisterFile() {
    // With 16 registers in blocks of 2 × 6 positions (12 accumulators), with 32 of 2 × 14 (28).
    FilterBank bank = FilterBanks.random(64, 64, 3, 1);
    ConvSpec spec = ConvSpec.builder(bank).padding(1).activation(Activation.RELU).build();
    assertThat(FilterLaneKernel.preferred(bank, spec)).isTrue();
    assertThat(ConvKernels.create(bank, spec)).isInstanceOf(FilterLaneKernel.class);
    assertThat(FilterLaneKernel.positionsPerBlock())
        .isEqualTo(VectorConvKernel.SIXTEEN_REGISTERS ? 6 : 14);
    // With 16 registers taps per output decide, not channels: the 7×7 RGB layer (147 taps) takes
    // filter lanes there, the RGB 5×5 one (75) and 8 channels 3×3 (72) do not.
    FilterBank rgb7 = FilterBanks.random(32, 3, 7, 2);
    ConvSpec s2 = ConvSpec.builder(rgb7).stride(2).padding(3).build();
    assertThat(FilterLaneKernel.preferred(rgb7, s2)).isEqualTo(VectorConvKernel.SIXTEEN_REGISTERS);
    FilterBank rgb5 = FilterBanks.random(32, 3, 5, 3);
    assertThat(FilterLaneKernel.preferred(rgb5, ConvSpec.builder(rgb5).padding(2).build()))
        .isFalse();
    FilterBank c8 = FilterBanks.random(32, 8, 3, 4);
    assertThat(FilterLaneKernel.preferred(c8, ConvSpec.builder(c8).padding(1).build())).isFalse();
  }

  @Test
  void sixteenRegisterBlocksTakeEveryFilterInSixesFivesAndFoursWherePossible() {
    for (int k = 1; k <= 70; k++) {
      int left = k;
      int ones = 0;
      int sixes = 0;
      StringBuilder plan = new StringBuilder();
      while (left > 0) {
        int b = VectorConvKernel.sixteenRegisterBlock(left);
        assertThat(b).as("block for " + left + " left").isIn(1, 4, 5, 6).isLessThanOrEqualTo(left);
        ones += b == 1 ? 1 : 0;
        sixes += b == 6 ? 1 : 0;
        plan.append(b).append(' ');
        left -= b;
      }
      // 4a + 5b + 6c = k has a solution for every k but 1, 2, 3 and 7; 7 is 6 + 1.
      int expected = k <= 3 ? k : k == 7 ? 1 : 0;
      assertThat(ones).as("single-filter blocks for K " + k + ": " + plan).isEqualTo(expected);
      // As many 6 × 2 blocks as any plan without more single-filter blocks has.
      assertThat(sixes).as("6 × 2 blocks for K " + k + ": " + plan).isEqualTo(mostSixes(k - ones));
    }
    assertThat(VectorConvKernel.sixteenRegisterBlock(16)).isEqualTo(6);
    assertThat(VectorConvKernel.sixteenRegisterBlock(4)).isEqualTo(4);
    assertThat(VectorConvKernel.sixteenRegisterBlock(13)).isEqualTo(5);
  }

  @Test
  void blocksOfSixFiveFourAndOneMatchDirectBitwise() {
    // K = 1 … 17 covers every mix of blocks (with 16 registers 6 × 2, 5 × 2, 4 × 2 and 1 × 12, 6 ×
    // 2
    // on pairs of vectors in one row and across a row's end; with 32 8 × 3, 4 × 5, 2 × 8 and
    // 1 × 12), with stride 1 (windows read in place) and 2 (phase split), through the fused
    // epilogue (relu) and the tile (leaky relu).
    Random r = new Random(5);
    for (int k = 1; k <= 17; k++) {
      for (int stride = 1; stride <= 2; stride++) {
        FilterBank bank = FilterBanks.random(k, 3, 3, k);
        Activation activation = stride == 1 ? Activation.RELU : Activation.parse("leaky_relu:0.1");
        ConvSpec spec =
            ConvSpec.builder(bank).stride(stride).padding(1).activation(activation).build();
        Tensor3 image = Tensor3.zeros(3, 37, 53);
        for (int i = 0; i < image.data().length; i++) {
          image.data()[i] = r.nextFloat() * 2 - 1;
        }
        Tensor3 got = WholeImage.convolve(image, bank, spec, ConvKernels.vector(bank, spec));
        Tensor3 want = WholeImage.convolve(image, bank, spec, ConvKernels.direct(bank, spec));
        assertThat(got.bitwiseEquals(want)).as("K " + k + ", stride " + stride).isTrue();
      }
    }
  }

  @Test
  void nanAndInfinitiesPassTheFusedEpiloguesAsInTheDirectKernel() {
    // The fused relu epilogues blend relu's zeros from the floor vector (+0 for relu, NaN for
    // none), not from a zero vector; NaN sums must pass relu and none unchanged, -infinity must
    // become +0 under relu. 6 filters of 3 channels take the output-column kernel's 6 × 2 block;
    // 16 filters of 16 channels the filter-lane kernel.
    Random r = new Random(11);
    for (int[] shape : new int[][] {{6, 3}, {16, 16}}) {
      FilterBank bank = FilterBanks.random(shape[0], shape[1], 3, shape[0]);
      for (Activation activation : new Activation[] {Activation.RELU, Activation.NONE}) {
        ConvSpec spec = ConvSpec.builder(bank).padding(1).activation(activation).build();
        Tensor3 image = Tensor3.zeros(shape[1], 19, 45);
        float[] d = image.data();
        for (int i = 0; i < d.length; i++) {
          d[i] = r.nextFloat() * 2 - 1;
        }
        d[r.nextInt(d.length)] = Float.NaN;
        d[r.nextInt(d.length)] = Float.POSITIVE_INFINITY;
        d[r.nextInt(d.length)] = Float.NEGATIVE_INFINITY;
        ConvKernel kernel = ConvKernels.create(bank, spec);
        Tensor3 got = WholeImage.convolve(image, bank, spec, kernel);
        Tensor3 want = WholeImage.convolve(image, bank, spec, ConvKernels.direct(bank, spec));
        int special = 0;
        for (int i = 0; i < want.data().length; i++) {
          float w = want.data()[i];
          special += Float.isFinite(w) ? 0 : 1;
          // NaN payloads may differ between the kernels' FMAs; NaN-ness, signs and values may not.
          assertThat(Float.floatToIntBits(got.data()[i]))
              .as(kernel.getClass().getSimpleName() + ", " + activation + ", value " + i)
              .isEqualTo(Float.floatToIntBits(w));
        }
        assertThat(special).as("non-finite outputs, " + activation).isGreaterThan(0);
      }
    }
  }

  /** The most 6s in a sum of 4s, 5s and 6s equal to n, by search. */
  private static int mostSixes(int n) {
    for (int sixes = n / 6; sixes >= 0; sixes--) {
      for (int fives = 0; 6 * sixes + 5 * fives <= n; fives++) {
        if ((n - 6 * sixes - 5 * fives) % 4 == 0) {
          return sixes;
        }
      }
    }
    return 0;
  }
}
