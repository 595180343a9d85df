package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.NaiveConv;
import io.haloconv.testing.RandomSpecs;
import io.haloconv.tiling.TileConvolver;
import java.util.Random;
import org.junit.jupiter.api.Test;

class VectorKernelDifferentialTest {

  @Test
  void vectorKernelEqualsDirectKernelBitwiseOnRandomSpecs() {
    for (long seed = 0; seed < 400; seed++) {
      RandomSpecs p = RandomSpecs.draw(seed);
      Tensor3 direct = convolve(p, ConvKernels.direct(p.bank(), p.spec()));
      Tensor3 vector = convolve(p, ConvKernels.vector(p.bank(), p.spec()));
      String what = "seed " + seed + ": " + p;
      NaiveConv.assertClose(vector.data(), NaiveConv.convolve(p.image(), p.bank(), p.spec()), what);
      assertThat(vector.bitwiseEquals(direct)).as(what).isTrue();
    }
  }

  private static Tensor3 convolve(RandomSpecs p, ConvKernel kernel) {
    return WholeImage.convolve(p.image(), p.bank(), p.spec(), kernel);
  }
}
