package io.haloconv.conv;

import java.util.Arrays;

/**
 * The straightforward kernel: output-stationary rows, one weight at a time, scalar {@code fma}.
 * Correct for every spec and the portable fallback where the Vector API is absent.
 */
final class DirectKernel implements ConvKernel {
  private final FilterBank bank;
  private final ConvSpec spec;

  DirectKernel(FilterBank bank, ConvSpec spec) {
    this.bank = bank;
    this.spec = spec;
  }

  @Override
  public void convolve(
      float[] input, int inHeight, int inWidth, float[] output, int outHeight, int outWidth) {
    final float[] weight = bank.weight();
    final float[] bias = bank.bias();
    final int filters = bank.filters();
    final int cg = bank.channelsPerGroup();
    final int fh = bank.kernelHeight();
    final int fw = bank.kernelWidth();
    final int filtersPerGroup = filters / spec.groups();
    final int sh = spec.strideHeight();
    final int sw = spec.strideWidth();
    final int dh = spec.dilationHeight();
    final int dw = spec.dilationWidth();
    final Activation activation = spec.activation();

    for (int k = 0; k < filters; k++) {
      final int firstChannel = (k / filtersPerGroup) * cg;
      final float b = bias[k];
      for (int oy = 0; oy < outHeight; oy++) {
        final int out = (k * outHeight + oy) * outWidth;
        Arrays.fill(output, out, out + outWidth, 0f);
        // Loop order c, ky, kx outside ox keeps every pixel's summation order fixed (see
        // ConvKernel).
        for (int c = 0; c < cg; c++) {
          final int plane = (firstChannel + c) * inHeight;
          for (int ky = 0; ky < fh; ky++) {
            final int row = (plane + oy * sh + ky * dh) * inWidth;
            final int w0 = ((k * cg + c) * fh + ky) * fw;
            for (int kx = 0; kx < fw; kx++) {
              final float w = weight[w0 + kx];
              final int in = row + kx * dw;
              for (int ox = 0; ox < outWidth; ox++) {
                output[out + ox] = Math.fma(w, input[in + ox * sw], output[out + ox]);
              }
            }
          }
        }
        for (int ox = 0; ox < outWidth; ox++) {
          output[out + ox] += b;
        }
        activation.apply(output, out, out + outWidth);
      }
    }
  }
}
