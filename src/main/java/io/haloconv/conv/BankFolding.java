package io.haloconv.conv;

import java.util.Arrays;

/**
 * A trained convolution's weights and bias held in float64 while what follows it in the network is
 * folded in: an inference-mode batch normalisation, a constant per-channel bias. {@link #build()}
 * rounds each value to float32 once, at the end, so a folded bank differs from the exact fold by at
 * most half an ulp per value, whatever was folded.
 *
 * <p>Batch normalisation in inference mode is per output channel {@code k}: {@code y = (x −
 * mean[k]) · scale[k] / sqrt(var[k] + eps) + shift[k]}, an affine map of the convolution's output,
 * so it becomes the convolution {@code w' = w · a}, {@code b' = (b − mean) · a + shift} with {@code
 * a = scale / sqrt(var + eps)} (PyTorch's {@code fuse_conv_bn_weights}).
 *
 * <p>Mutable; used by one importer at a time. Every problem is an {@link IllegalArgumentException}
 * with a one-line message.
 */
public final class BankFolding {
  private final int filters;
  private final int channelsPerGroup;
  private final int kernelHeight;
  private final int kernelWidth;
  private final double[] weight;
  private final double[] bias;

  private BankFolding(int k, int c, int h, int w, double[] weight, double[] bias) {
    if (k < 1 || c < 1 || h < 1 || w < 1) {
      throw new IllegalArgumentException(
          "weight shape must be >= 1 in every dimension, got " + shape(k, c, h, w));
    }
    long size = (long) k * c * h * w;
    if (weight.length != size) {
      throw new IllegalArgumentException(
          "weight of shape "
              + shape(k, c, h, w)
              + " needs "
              + size
              + " values, got "
              + weight.length);
    }
    if (bias != null && bias.length != k) {
      throw new IllegalArgumentException(
          "bias has " + bias.length + " values, expected one per filter (" + k + ")");
    }
    this.filters = k;
    this.channelsPerGroup = c;
    this.kernelHeight = h;
    this.kernelWidth = w;
    this.weight = weight.clone();
    this.bias = bias == null ? new double[k] : bias.clone();
  }

  /**
   * A convolution of {@code k} filters of {@code c}×{@code h}×{@code w} weights in OIHW order and
   * an optional bias ({@code null}: zeros).
   */
  public static BankFolding of(int k, int c, int h, int w, double[] weight, double[] bias) {
    if (weight == null) {
      throw new IllegalArgumentException("weight is null");
    }
    return new BankFolding(k, c, h, w, weight, bias);
  }

  public int filters() {
    return filters;
  }

  /**
   * Folds an inference-mode batch normalisation of the convolution's output into it.
   *
   * @param scale γ per filter, or {@code null} for ones (no affine)
   * @param shift β per filter, or {@code null} for zeros
   * @param mean the running mean per filter
   * @param variance the running variance per filter
   * @param epsilon added to the variance, > 0 or 0 with every variance > 0
   */
  public BankFolding batchNorm(
      double[] scale, double[] shift, double[] mean, double[] variance, double epsilon) {
    checkLength("scale", scale, true);
    checkLength("shift", shift, true);
    checkLength("running_mean", mean, false);
    checkLength("running_var", variance, false);
    if (!Double.isFinite(epsilon) || epsilon < 0) {
      throw new IllegalArgumentException("epsilon must be finite and >= 0, got " + epsilon);
    }
    int per = channelsPerGroup * kernelHeight * kernelWidth;
    for (int k = 0; k < filters; k++) {
      double denominator = variance[k] + epsilon;
      if (!(denominator > 0) || !Double.isFinite(denominator)) {
        throw new IllegalArgumentException(
            "running_var["
                + k
                + "] + epsilon is "
                + denominator
                + "; it must be finite and > 0 to fold the batch normalisation");
      }
      double a = (scale == null ? 1.0 : scale[k]) / Math.sqrt(denominator);
      for (int i = k * per; i < (k + 1) * per; i++) {
        weight[i] *= a;
      }
      bias[k] = (bias[k] - mean[k]) * a + (shift == null ? 0.0 : shift[k]);
    }
    return this;
  }

  /** Adds a constant to each filter's output: {@code add} has one value per filter. */
  public BankFolding addBias(double[] add) {
    checkLength("added bias", add, false);
    for (int k = 0; k < filters; k++) {
      bias[k] += add[k];
    }
    return this;
  }

  private void checkLength(String what, double[] values, boolean optional) {
    if (values == null) {
      if (optional) {
        return;
      }
      throw new IllegalArgumentException(what + " is missing");
    }
    if (values.length != filters) {
      throw new IllegalArgumentException(
          what + " has " + values.length + " values, expected one per filter (" + filters + ")");
    }
  }

  /**
   * The bank, each value rounded once to float32.
   *
   * @throws IllegalArgumentException when a folded value is not finite in float32
   */
  public FilterBank build() {
    float[] w = new float[weight.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) weight[i];
    }
    float[] b = new float[bias.length];
    for (int k = 0; k < b.length; k++) {
      b[k] = (float) bias[k];
    }
    return new FilterBank(filters, channelsPerGroup, kernelHeight, kernelWidth, w, b);
  }

  /** Widens float32 values exactly. */
  public static double[] widen(float[] values) {
    if (values == null) {
      return null;
    }
    double[] out = new double[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private static String shape(int k, int c, int h, int w) {
    return Arrays.toString(new int[] {k, c, h, w}).replace('[', '(').replace(']', ')');
  }
}
