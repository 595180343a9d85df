package io.haloconv.conv;

import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * K filters of C/groups × Fh × Fw weights in PyTorch's OIHW order, and one bias per filter (zeros
 * when the bank has none). Every value is finite: the constructor checks, so kernels never see NaN
 * weights.
 *
 * <p>The arrays are not copied; treat a bank as immutable once built.
 */
public record FilterBank(
    int filters,
    int channelsPerGroup,
    int kernelHeight,
    int kernelWidth,
    float[] weight,
    float[] bias)
    implements Serializable {

  public FilterBank {
    if (filters < 1 || channelsPerGroup < 1 || kernelHeight < 1 || kernelWidth < 1) {
      throw new IllegalArgumentException(
          "filter bank shape must be >= 1 in every dimension, got "
              + shape(filters, channelsPerGroup, kernelHeight, kernelWidth));
    }
    long size = (long) filters * channelsPerGroup * kernelHeight * kernelWidth;
    if (weight == null || weight.length != size) {
      throw new IllegalArgumentException(
          "filter bank weight of shape "
              + shape(filters, channelsPerGroup, kernelHeight, kernelWidth)
              + " needs "
              + size
              + " values, got "
              + (weight == null ? "none" : weight.length));
    }
    if (bias == null) {
      bias = new float[filters];
    }
    if (bias.length != filters) {
      throw new IllegalArgumentException(
          "filter bank bias must have one value per filter (" + filters + "), got " + bias.length);
    }
    for (int i = 0; i < weight.length; i++) {
      if (!Float.isFinite(weight[i])) {
        int x = i % kernelWidth;
        int y = i / kernelWidth % kernelHeight;
        int c = i / (kernelWidth * kernelHeight) % channelsPerGroup;
        int k = i / (kernelWidth * kernelHeight * channelsPerGroup);
        throw new IllegalArgumentException(
            "filter bank weight["
                + k
                + ","
                + c
                + ","
                + y
                + ","
                + x
                + "] is "
                + weight[i]
                + "; every weight must be finite");
      }
    }
    for (int k = 0; k < bias.length; k++) {
      if (!Float.isFinite(bias[k])) {
        throw new IllegalArgumentException(
            "filter bank bias[" + k + "] is " + bias[k] + "; every bias must be finite");
      }
    }
  }

  private static String shape(int k, int c, int h, int w) {
    return "(" + k + ", " + c + ", " + h + ", " + w + ")";
  }

  /** The weight of filter {@code k}, channel {@code c} (within its group), tap (y, x). */
  public float weight(int k, int c, int y, int x) {
    return weight[((k * channelsPerGroup + c) * kernelHeight + y) * kernelWidth + x];
  }

  /** The shape as PyTorch prints it, e.g. {@code (16, 3, 3, 3)}. */
  public String shapeString() {
    return shape(filters, channelsPerGroup, kernelHeight, kernelWidth);
  }

  /**
   * SHA-256 of the bank's content: the four shape dimensions as little-endian int32, then the
   * weights and the biases as little-endian float32. Two banks with this digest convolve alike.
   */
  public String sha256() {
    ByteBuffer buf =
        ByteBuffer.allocate(16 + 4 * (weight.length + bias.length)).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(filters).putInt(channelsPerGroup).putInt(kernelHeight).putInt(kernelWidth);
    for (float v : weight) {
      buf.putFloat(v);
    }
    for (float v : bias) {
      buf.putFloat(v);
    }
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(buf.array()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "FilterBank" + shapeString();
  }
}
