package io.haloconv.conv;

import java.io.Serializable;

/**
 * The convolution arithmetic of one axis for one input size: padding resolved, output size known.
 * This is the single place the halo is computed; the tile planner, the window reader and the tests
 * all ask it.
 *
 * @param input input pixels on this axis
 * @param before padding before the first pixel
 * @param after padding after the last pixel
 * @param kernel filter taps on this axis
 * @param stride step between outputs
 * @param dilation step between taps
 */
public record AxisGeometry(int input, int before, int after, int kernel, int stride, int dilation)
    implements Serializable {

  public AxisGeometry {
    if (input < 1) {
      throw new IllegalArgumentException("input size must be >= 1, got " + input);
    }
    if (before < 0 || after < 0) {
      throw new IllegalArgumentException("padding must be >= 0, got " + before + "," + after);
    }
    if (kernel < 1 || stride < 1 || dilation < 1) {
      throw new IllegalArgumentException(
          "kernel, stride and dilation must be >= 1, got "
              + kernel
              + ","
              + stride
              + ","
              + dilation);
    }
  }

  /** The span of input pixels one output reads: dilation·(kernel−1) + 1. */
  public int receptiveField() {
    return dilation * (kernel - 1) + 1;
  }

  /** floor((in + before + after − dilation·(F−1) − 1) / stride) + 1, or ≤ 0 when empty. */
  public int output() {
    long span = (long) input + before + after - receptiveField();
    return span < 0 ? 0 : (int) (span / stride + 1);
  }

  /**
   * First input coordinate read by output {@code outStart}, in image coordinates: negative or past
   * the end where the read falls in the padding.
   */
  public int inputStart(int outStart) {
    return outStart * stride - before;
  }

  /** One past the last input coordinate read by outputs {@code [outStart, outEnd)}. */
  public int inputEnd(int outEnd) {
    return (outEnd - 1) * stride - before + receptiveField();
  }

  /** Input pixels a window for {@code outputs} consecutive outputs spans. */
  public int windowSize(int outputs) {
    return (outputs - 1) * stride + receptiveField();
  }
}
