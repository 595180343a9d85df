package io.haloconv.stack;

import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.PaddingMode;
import java.util.OptionalInt;

/**
 * A convolution layer: a filter bank and a design.md §1 spec, activation included.
 *
 * @param name the layer's name
 * @param source how the bank was named (a file path, {@code preset:…}, {@code random:…}), for the
 *     manifest
 * @param bank the filters
 * @param spec the convolution
 * @param emit whether the stack file asks for this layer's output
 */
public record ConvLayer(String name, String source, FilterBank bank, ConvSpec spec, boolean emit)
    implements Layer {

  public ConvLayer {
    Layer.checkName(name);
    if (source == null) {
      source = "";
    }
    if (bank == null || spec == null) {
      throw new IllegalArgumentException("conv layer " + name + " needs a bank and a spec");
    }
    spec.checkBank(bank);
  }

  @Override
  public String type() {
    return "conv";
  }

  @Override
  public ConvGeometry geometry(int height, int width) {
    return spec.geometry(height, width);
  }

  @Override
  public OptionalInt inputChannels() {
    return OptionalInt.of(spec.inputChannels(bank));
  }

  @Override
  public int outputChannels(int channels) {
    int need = spec.inputChannels(bank);
    if (channels != need) {
      throw new IllegalArgumentException(
          "filters expect "
              + need
              + " input channels (groups "
              + spec.groups()
              + " x "
              + bank.channelsPerGroup()
              + "), input has "
              + channels);
    }
    return bank.filters();
  }

  @Override
  public PaddingMode paddingMode() {
    return spec.paddingMode();
  }

  @Override
  public float padValue() {
    return 0f;
  }

  @Override
  public long workPerOutput(int channels) {
    return spec.macsPerOutput(bank);
  }
}
