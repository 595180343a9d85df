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
  void deepLayersTakeTheFilterLaneKernelOnlyWithThirtyTwoRegisters() {
    // With 16 registers the filter-lane kernel's 28 accumulators would spill.
    FilterBank bank = FilterBanks.random(64, 64, 3, 1);
    ConvSpec spec = ConvSpec.builder(bank).padding(1).activation(Activation.RELU).build();
    assertThat(FilterLaneKernel.preferred(bank, spec))
        .isEqualTo(!VectorConvKernel.SIXTEEN_REGISTERS);
    assertThat(ConvKernels.create(bank, spec))
        .isInstanceOf(
            VectorConvKernel.SIXTEEN_REGISTERS ? VectorConvKernel.class : FilterLaneKernel.class);
  }

  @Test
  void blocksOfFourAndOneMatchDirectBitwise() {
    // K = 1 … 11 covers every mix of blocks (with 16 registers 4 × 2 and 1 × 12; with 32 also 8 × 3
    // and 2 × 8), with stride 1 (windows read in place) and 2 (phase split).
    Random r = new Random(5);
    for (int k = 1; k <= 11; k++) {
      for (int stride = 1; stride <= 2; stride++) {
        FilterBank bank = FilterBanks.random(k, 3, 3, k);
        ConvSpec spec =
            ConvSpec.builder(bank).stride(stride).padding(1).activation(Activation.RELU).build();
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
