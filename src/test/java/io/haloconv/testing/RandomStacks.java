package io.haloconv.testing;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.Layer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.PoolOp;
import io.haloconv.stack.PoolSpec;
import io.haloconv.tensor.Tensor3;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Random stacks for property tests: 1–4 layers, conv layers with every padding form and mode,
 * strides, dilations, groups and activations, max and avg pools with padding; random emits; an
 * image of awkward size that every layer accepts.
 */
public record RandomStacks(Tensor3 image, LayerStack stack) {

  public static RandomStacks draw(long seed) {
    Random r = new Random(seed);
    while (true) {
      int channels = 1 + r.nextInt(3);
      int h = 1 + r.nextInt(40);
      int w = 1 + r.nextInt(40);
      int depth = 1 + r.nextInt(4);
      List<Layer> layers = new ArrayList<>();
      int c = channels;
      for (int i = 0; i < depth; i++) {
        String name = "l" + i;
        boolean emit = r.nextInt(3) == 0;
        if (r.nextInt(10) < 7) {
          FilterBank bank = bank(r, c);
          layers.add(new ConvLayer(name, "random", bank, convSpec(r, bank, c), emit));
          c = bank.filters();
        } else {
          layers.add(new PoolLayer(name, poolSpec(r), emit));
        }
      }
      LayerStack stack = new LayerStack(layers);
      try {
        stack.geometry(channels, h, w);
      } catch (IllegalArgumentException invalidForThisImage) {
        continue;
      }
      Tensor3 image = Tensor3.zeros(channels, h, w);
      for (int i = 0; i < image.size(); i++) {
        image.data()[i] = r.nextFloat() * 2 - 1;
      }
      return new RandomStacks(image, stack);
    }
  }

  private static FilterBank bank(Random r, int channels) {
    int fh = 1 + r.nextInt(5);
    int fw = r.nextBoolean() ? fh : 1 + r.nextInt(5);
    // groups divide the channels; filters a multiple of groups
    List<Integer> divisors = new ArrayList<>();
    for (int g = 1; g <= channels; g++) {
      if (channels % g == 0) {
        divisors.add(g);
      }
    }
    int groups = divisors.get(r.nextInt(divisors.size()));
    int k = groups * (1 + r.nextInt(3));
    int cg = channels / groups;
    float[] weight = new float[k * cg * fh * fw];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = (float) (r.nextGaussian() / Math.sqrt(cg * fh * fw));
    }
    float[] bias = new float[k];
    for (int i = 0; i < k; i++) {
      bias[i] = (float) r.nextGaussian() * 0.1f;
    }
    return new FilterBank(k, cg, fh, fw, weight, bias);
  }

  private static ConvSpec convSpec(Random r, FilterBank bank, int channels) {
    Activation[] activations = {
      Activation.NONE,
      Activation.RELU,
      Activation.parse("leaky_relu:0.2"),
      Activation.parse("sigmoid"),
      Activation.parse("tanh")
    };
    return ConvSpec.builder(bank)
        .stride(1 + r.nextInt(3), 1 + r.nextInt(3))
        .dilation(1 + r.nextInt(2), 1 + r.nextInt(2))
        .groups(channels / bank.channelsPerGroup())
        .padding(padding(r, 4))
        .paddingMode(PaddingMode.values()[r.nextInt(4)])
        .activation(activations[r.nextInt(activations.length)])
        .build();
  }

  private static Padding padding(Random r, int max) {
    switch (r.nextInt(5)) {
      case 0:
        return Padding.VALID;
      case 1:
        return Padding.SAME;
      case 2:
        int p = r.nextInt(max);
        return new Padding.Explicit(p, p, p, p);
      case 3:
        int ph = r.nextInt(max);
        int pw = r.nextInt(max);
        return new Padding.Explicit(ph, ph, pw, pw);
      default:
        return new Padding.Explicit(r.nextInt(max), r.nextInt(max), r.nextInt(max), r.nextInt(max));
    }
  }

  private static PoolSpec poolSpec(Random r) {
    int sh = 1 + r.nextInt(3);
    int sw = r.nextBoolean() ? sh : 1 + r.nextInt(3);
    Padding padding;
    if (r.nextBoolean()) {
      padding = Padding.VALID;
    } else if (r.nextInt(3) == 0) {
      padding = Padding.SAME;
    } else {
      padding =
          new Padding.Explicit(
              r.nextInt(sh / 2 + 1),
              r.nextInt(sh / 2 + 1),
              r.nextInt(sw / 2 + 1),
              r.nextInt(sw / 2 + 1));
    }
    int strideH = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sh;
    int strideW = r.nextInt(3) == 0 ? 1 + r.nextInt(3) : sw;
    return new PoolSpec(
        r.nextBoolean() ? PoolOp.MAX : PoolOp.AVG, sh, sw, strideH, strideW, padding);
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("image " + image + ", layers:");
    for (Layer layer : stack.layers()) {
      s.append(' ').append(layer.name()).append(layer.emit() ? "(emit)" : "").append('=');
      if (layer instanceof ConvLayer conv) {
        s.append(conv.bank()).append(' ').append(conv.spec());
      } else {
        s.append(((PoolLayer) layer).pool());
      }
    }
    return s.toString();
  }
}
