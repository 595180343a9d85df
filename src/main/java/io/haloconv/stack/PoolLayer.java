package io.haloconv.stack;

import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.PaddingMode;
import java.util.OptionalInt;

/**
 * A pooling layer: max or average over each channel separately, so it keeps the channel count.
 *
 * @param name the layer's name
 * @param pool the window arithmetic and reduction
 * @param emit whether the stack file asks for this layer's output
 */
public record PoolLayer(String name, PoolSpec pool, boolean emit) implements Layer {

  public PoolLayer {
    Layer.checkName(name);
    if (pool == null) {
      throw new IllegalArgumentException("pool layer " + name + " needs a pool spec");
    }
  }

  @Override
  public String type() {
    return "pool";
  }

  @Override
  public ConvGeometry geometry(int height, int width) {
    return pool.geometry(height, width);
  }

  @Override
  public OptionalInt inputChannels() {
    return OptionalInt.empty();
  }

  @Override
  public int outputChannels(int channels) {
    return channels;
  }

  /** Padding reads no real index: every padded position holds {@link #padValue()}. */
  @Override
  public PaddingMode paddingMode() {
    return PaddingMode.ZEROS;
  }

  @Override
  public float padValue() {
    return pool.op().padValue();
  }

  @Override
  public long workPerOutput(int channels) {
    return (long) pool.sizeHeight() * pool.sizeWidth();
  }
}
