package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.NaiveConv;
import io.haloconv.testing.RandomSpecs;
import io.haloconv.tiling.TileConvolver;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class DirectKernelTest {

  @Test
  void wholeImageMatchesNaiveFloat64ReferenceOnRandomSpecs() {
    for (long seed = 0; seed < 400; seed++) {
      RandomSpecs p = RandomSpecs.draw(seed);
      Tensor3 got = TileConvolver.convolveImage(p.image(), p.bank(), p.spec());
      double[] want = NaiveConv.convolve(p.image(), p.bank(), p.spec());
      NaiveConv.assertClose(got.data(), want, "seed " + seed + ": " + p);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 7, 13, 31})
  void awkwardWidthsMatchReference(int width) {
    FilterBank bank = FilterBanks.random(3, 2, 3, width);
    ConvSpec spec = ConvSpec.builder(bank).padding(1).activation(Activation.RELU).build();
    Tensor3 image = Tensor3.zeros(2, 5, width);
    for (int i = 0; i < image.size(); i++) {
      image.data()[i] = (float) Math.sin(i * 0.7);
    }
    Tensor3 got = TileConvolver.convolveImage(image, bank, spec);
    assertThat(got.width()).isEqualTo(width);
    NaiveConv.assertClose(got.data(), NaiveConv.convolve(image, bank, spec), "width " + width);
  }

  @Test
  void reluClampsNegativesAndBiasShiftsEveryPixel() {
    // One filter: weight 1 on the single tap, bias -0.5, so output = relu(x - 0.5).
    FilterBank bank = new FilterBank(1, 1, 1, 1, new float[] {1f}, new float[] {-0.5f});
    ConvSpec spec = ConvSpec.builder(bank).activation(Activation.RELU).build();
    Tensor3 image = Tensor3.wrap(1, 1, 3, new float[] {0f, 0.5f, 2f});
    Tensor3 out = TileConvolver.convolveImage(image, bank, spec);
    assertThat(out.data()).containsExactly(0f, 0f, 1.5f);
  }
}
