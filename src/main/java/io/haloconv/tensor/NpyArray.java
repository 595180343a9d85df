package io.haloconv.tensor;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;

/**
 * An n-dimensional array read from a .npy, .npz or .safetensors file: its source element type, its
 * shape (C order, last axis fastest) and its values converted to float32.
 *
 * <p>The shape is copied; the data array is shared, not copied (arrays can be large), so treat it
 * as read-only. Integer sources keep their {@link #dtype()} so callers can scale them: a uint8
 * image divides by 255, a uint16 image by 65535; every uint8/uint16 value is exact in float32.
 */
public record NpyArray(DType dtype, int[] shape, float[] data) {
  public NpyArray {
    requireNonNull(dtype, "dtype is null");
    requireNonNull(shape, "shape is null");
    requireNonNull(data, "data is null");
    shape = shape.clone();
    for (int dimension : shape) {
      if (dimension < 0) {
        throw new IllegalArgumentException(
            "dimensions must be >= 0, got shape " + Shapes.format(shape));
      }
    }
    long count = Shapes.elementCount(shape);
    if (count != data.length) {
      throw new IllegalArgumentException(
          "shape " + Shapes.format(shape) + " has " + count + " values, data has " + data.length);
    }
  }

  /** A copy of the shape. */
  @Override
  public int[] shape() {
    return shape.clone();
  }

  /** The number of axes; 0 for a scalar. */
  public int rank() {
    return shape.length;
  }

  /** The length of one axis. */
  public int dimension(int axis) {
    return shape[axis];
  }

  /** The number of values. */
  public int size() {
    return data.length;
  }

  /**
   * This array as a C×H×W tensor sharing its data: a (C, H, W) array as it is, an (H, W) array as
   * one channel.
   *
   * @throws IllegalArgumentException for other ranks or empty axes
   */
  public Tensor3 toTensor3() {
    return switch (shape.length) {
      case 3 -> Tensor3.wrap(shape[0], shape[1], shape[2], data);
      case 2 -> Tensor3.wrap(1, shape[0], shape[1], data);
      default ->
          throw new IllegalArgumentException(
              "expected a (C, H, W) or (H, W) array, got shape " + Shapes.format(shape));
    };
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NpyArray that
        && dtype == that.dtype
        && Arrays.equals(shape, that.shape)
        && Arrays.equals(data, that.data);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * dtype.hashCode() + Arrays.hashCode(shape)) + Arrays.hashCode(data);
  }

  @Override
  public String toString() {
    return "NpyArray[" + dtype.displayName() + " " + Shapes.format(shape) + "]";
  }
}
