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
  }

  @Test
  void sixteenRegisterBlocksTakeEveryFilterInFivesAndFoursWherePossible() {
    for (int k = 1; k <= 70; k++) {
      int left = k;
      int ones = 0;
      StringBuilder plan = new StringBuilder();
      while (left > 0) {
        int b = VectorConvKernel.sixteenRegisterBlock(left);
        assertThat(b).as("block for " + left + " left").isIn(1, 4, 5).isLessThanOrEqualTo(left);
        ones += b == 1 ? 1 : 0;
        plan.append(b).append(' ');
        left -= b;
      }
      // 4a + 5b = k has a solution for every k but 1, 2, 3, 6, 7 and 11; those keep k mod 4 ones.
      int expected = k == 1 || k == 2 || k == 3 || k == 6 || k == 7 || k == 11 ? k % 4 : 0;
      assertThat(ones).as("single-filter blocks for K " + k + ": " + plan).isEqualTo(expected);
    }
    assertThat(VectorConvKernel.sixteenRegisterBlock(32)).isEqualTo(5);
    assertThat(VectorConvKernel.sixteenRegisterBlock(16)).isEqualTo(4);
  }

  @Test
  void blocksOfFiveFourAndOneMatchDirectBitwise() {
    // K = 1 … 17 covers every mix of blocks (with 16 registers 5 × 2, 4 × 2 and 1 × 12; with 32
    // 8 × 3, 4 × 5, 2 × 8 and 1 × 12), with stride 1 (windows read in place) and 2 (phase split),
    // through the fused epilogue (relu) and the tile (leaky relu).
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
}
