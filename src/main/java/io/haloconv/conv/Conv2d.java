package io.haloconv.conv;

import io.haloconv.tensor.Tensor3;

/**
 * The public entry to convolution: validates shapes once per window, then hands the primitive
 * arrays to a {@link ConvKernel} chosen once. Not thread-safe (the kernel may keep scratch space):
 * use one per task.
 */
public final class Conv2d {
  private final FilterBank bank;
  private final ConvSpec spec;
  private final ConvKernel kernel;

  public Conv2d(FilterBank bank, ConvSpec spec) {
    this(bank, spec, ConvKernels.create(bank, spec));
  }

  /** Uses {@code kernel}, for differential tests and benchmarks of a given implementation. */
  public Conv2d(FilterBank bank, ConvSpec spec, ConvKernel kernel) {
    spec.checkBank(bank);
    this.bank = bank;
    this.spec = spec;
    this.kernel = kernel;
  }

  public FilterBank bank() {
    return bank;
  }

  public ConvSpec spec() {
    return spec;
  }

  /** Channels an input window must have. */
  public int inputChannels() {
    return spec.inputChannels(bank);
  }

  /** Convolves a padded window into a new K×outHeight×outWidth tensor. */
  public Tensor3 convolveWindow(Tensor3 window, int outHeight, int outWidth) {
    Tensor3 out = Tensor3.zeros(bank.filters(), outHeight, outWidth);
    convolveWindow(window, out);
    return out;
  }

  /** Convolves a padded window into {@code out}, whose size fixes the number of outputs. */
  public void convolveWindow(Tensor3 window, Tensor3 out) {
    if (window.channels() != inputChannels()) {
      throw new IllegalArgumentException(
          "filters expect " + inputChannels() + " channels, window has " + window.channels());
    }
    if (out.channels() != bank.filters()) {
      throw new IllegalArgumentException(
          "output must have " + bank.filters() + " channels, got " + out.channels());
    }
    convolveWindow(
        window.data(), window.height(), window.width(), out.data(), out.height(), out.width());
  }

  /**
   * Convolves a padded window of {@link #inputChannels()}×{@code height}×{@code width} values,
   * planar from index 0 of {@code window}, into K×{@code outHeight}×{@code outWidth} values from
   * index 0 of {@code out}. The arrays may be longer than that: callers reuse buffers across tiles.
   */
  public void convolveWindow(
      float[] window, int height, int width, float[] out, int outHeight, int outWidth) {
    int needH =
        (outHeight - 1) * spec.strideHeight()
            + spec.dilationHeight() * (spec.kernelHeight() - 1)
            + 1;
    int needW =
        (outWidth - 1) * spec.strideWidth() + spec.dilationWidth() * (spec.kernelWidth() - 1) + 1;
    if (outHeight < 1 || outWidth < 1 || height < needH || width < needW) {
      throw new IllegalArgumentException(
          "window "
              + height
              + "x"
              + width
              + " is too small for "
              + outHeight
              + "x"
              + outWidth
              + " outputs, which need "
              + needH
              + "x"
              + needW);
    }
    if (window.length < (long) inputChannels() * height * width
        || out.length < (long) bank.filters() * outHeight * outWidth) {
      throw new IllegalArgumentException(
          "buffers of "
              + window.length
              + " and "
              + out.length
              + " values are too small for a "
              + inputChannels()
              + "x"
              + height
              + "x"
              + width
              + " window and "
              + bank.filters()
              + "x"
              + outHeight
              + "x"
              + outWidth
              + " outputs");
    }
    kernel.convolve(window, height, width, out, outHeight, outWidth);
  }
}
