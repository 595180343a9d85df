package io.haloconv.tensor;

import java.util.Arrays;

/**
 * A C×H×W float32 tensor in planar (channel, row, column) order, the layout of PyTorch's CHW and of
 * haloconv's feature maps. The array is shared, not copied: a tensor is a view of a buffer that hot
 * loops write into directly.
 */
public final class Tensor3 {
  private final int channels;
  private final int height;
  private final int width;
  private final float[] data;

  private Tensor3(int channels, int height, int width, float[] data) {
    this.channels = channels;
    this.height = height;
    this.width = width;
    this.data = data;
  }

  /** A zero-filled tensor. */
  public static Tensor3 zeros(int channels, int height, int width) {
    long size = checkedSize(channels, height, width);
    return new Tensor3(channels, height, width, new float[(int) size]);
  }

  /** Wraps {@code data} without copying; its length must be exactly channels·height·width. */
  public static Tensor3 wrap(int channels, int height, int width, float[] data) {
    long size = checkedSize(channels, height, width);
    if (data.length != size) {
      throw new IllegalArgumentException(
          "data has "
              + data.length
              + " values, shape "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " needs "
              + size);
    }
    return new Tensor3(channels, height, width, data);
  }

  private static long checkedSize(int channels, int height, int width) {
    if (channels < 1 || height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "tensor dimensions must be >= 1, got " + channels + "x" + height + "x" + width);
    }
    long size = (long) channels * height * width;
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "tensor "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " has "
              + size
              + " values, more than one Java array holds ("
              + (Integer.MAX_VALUE - 8)
              + ")");
    }
    return size;
  }

  public int channels() {
    return channels;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  /** The backing array, planar: value (c, y, x) is at {@code (c·height + y)·width + x}. */
  public float[] data() {
    return data;
  }

  public int size() {
    return data.length;
  }

  public float get(int c, int y, int x) {
    return data[(c * height + y) * width + x];
  }

  public void set(int c, int y, int x, float value) {
    data[(c * height + y) * width + x] = value;
  }

  /** True when both tensors have the same shape and bitwise identical values. */
  public boolean bitwiseEquals(Tensor3 other) {
    if (channels != other.channels || height != other.height || width != other.width) {
      return false;
    }
    for (int i = 0; i < data.length; i++) {
      if (Float.floatToRawIntBits(data[i]) != Float.floatToRawIntBits(other.data[i])) {
        return false;
      }
    }
    return true;
  }

  public Tensor3 copy() {
    return new Tensor3(channels, height, width, Arrays.copyOf(data, data.length));
  }

  @Override
  public String toString() {
    return "Tensor3[" + channels + "x" + height + "x" + width + "]";
  }
}
