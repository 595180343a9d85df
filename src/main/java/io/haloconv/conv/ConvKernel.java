package io.haloconv.conv;

/**
 * A convolution bound to one filter bank and spec, applied to windows that already carry their
 * padding: a <em>valid</em> convolution with the spec's stride, dilation and groups, then bias,
 * then activation.
 *
 * <p>Input is C×inHeight×inWidth planar with C = groups × bank channels; output is
 * K×outHeight×outWidth planar, and inHeight ≥ (outHeight−1)·strideH + dilationH·(Fh−1) + 1 (same
 * for widths). Output (k, oy, ox) reads input rows oy·strideH + ky·dilationH and columns ox·strideW
 * + kx·dilationW.
 *
 * <p>Every implementation computes each output value in the same order — {@code acc = 0}, then for
 * each channel of the filter's group, each tap row, each tap column: {@code acc = fma(w, x, acc)};
 * then {@code acc + bias}; then the activation — and never lets a value depend on where in the
 * window it sits. That is what makes results bitwise independent of tile size and thread count.
 *
 * <p>Instances may hold scratch buffers: use one per thread. Callers validate shapes (see {@link
 * Conv2d}); kernels check nothing per call.
 */
public interface ConvKernel {
  void convolve(
      float[] input, int inHeight, int inWidth, float[] output, int outHeight, int outWidth);
}
