package io.haloconv.testing;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;
import java.util.Random;

/**
 * Random convolution problems for property tests: F 1–7 (rectangular too), stride 1–4, dilation
 * 1–3, every padding form and mode, groups, awkward image sizes. Each seed gives one problem whose
 * spec is valid for its image (padding modes' limits respected, output non-empty).
 */
public record RandomSpecs(Tensor3 image, FilterBank bank, ConvSpec spec) {

  public static RandomSpecs draw(long seed) {
    Random r = new Random(seed);
    while (true) {
      int fh = 1 + r.nextInt(7);
      int fw = r.nextBoolean() ? fh : 1 + r.nextInt(7);
      int groups = 1 + r.nextInt(3);
      int cg = 1 + r.nextInt(3);
      int k = groups * (1 + r.nextInt(3));
      int h = 1 + r.nextInt(40);
      int w = 1 + r.nextInt(40);
      PaddingMode mode = PaddingMode.values()[r.nextInt(4)];
      Padding padding;
      switch (r.nextInt(5)) {
        case 0:
          padding = Padding.VALID;
          break;
        case 1:
          padding = Padding.SAME;
          break;
        case 2:
          int p = r.nextInt(5);
          padding = new Padding.Explicit(p, p, p, p);
          break;
        case 3:
          int ph = r.nextInt(5);
          int pw = r.nextInt(5);
          padding = new Padding.Explicit(ph, ph, pw, pw);
          break;
        default:
          padding = new Padding.Explicit(r.nextInt(5), r.nextInt(5), r.nextInt(5), r.nextInt(5));
      }
      Activation activation = r.nextBoolean() ? Activation.NONE : Activation.RELU;
      ConvSpec spec =
          ConvSpec.builder(fh, fw)
              .stride(1 + r.nextInt(4), 1 + r.nextInt(4))
              .dilation(1 + r.nextInt(3), 1 + r.nextInt(3))
              .groups(groups)
              .padding(padding)
              .paddingMode(mode)
              .activation(activation)
              .build();
      try {
        spec.geometry(h, w);
      } catch (IllegalArgumentException invalidForThisImage) {
        continue;
      }
      float[] weight = new float[k * cg * fh * fw];
      for (int i = 0; i < weight.length; i++) {
        weight[i] = (float) r.nextGaussian();
      }
      float[] bias = new float[k];
      for (int i = 0; i < k; i++) {
        bias[i] = (float) r.nextGaussian();
      }
      Tensor3 image = Tensor3.zeros(groups * cg, h, w);
      for (int i = 0; i < image.size(); i++) {
        image.data()[i] = r.nextFloat() * 2 - 1;
      }
      return new RandomSpecs(image, new FilterBank(k, cg, fh, fw, weight, bias), spec);
    }
  }

  @Override
  public String toString() {
    return "image " + image + ", bank " + bank + ", " + spec;
  }
}
