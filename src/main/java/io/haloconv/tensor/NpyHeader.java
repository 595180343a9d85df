package io.haloconv.tensor;

import static java.util.Objects.requireNonNull;

import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The header of a .npy array: what {@link Npy#readHeader} learns before any data is read or any
 * array allocated, so that a caller can refuse an array by its declared size.
 *
 * @param dtype the element type
 * @param byteOrder the byte order of multi-byte elements (little-endian for one-byte types)
 * @param fortranOrder numpy's {@code fortran_order}: true when the first axis varies fastest
 * @param shape the declared shape
 * @param dataOffset the position of the first data byte, counted from the start of the file
 */
public record NpyHeader(
    DType dtype, ByteOrder byteOrder, boolean fortranOrder, long[] shape, long dataOffset) {
  public NpyHeader {
    requireNonNull(dtype, "dtype is null");
    requireNonNull(byteOrder, "byteOrder is null");
    requireNonNull(shape, "shape is null");
    shape = shape.clone();
    for (long dimension : shape) {
      if (dimension < 0) {
        throw new IllegalArgumentException(
            "dimensions must be >= 0, got shape " + Shapes.format(shape));
      }
    }
    if (dataOffset < 0) {
      throw new IllegalArgumentException("dataOffset must be >= 0, got " + dataOffset);
    }
  }

  /** A copy of the declared shape. */
  @Override
  public long[] shape() {
    return shape.clone();
  }

  /** The number of axes. */
  public int rank() {
    return shape.length;
  }

  /** The length of one axis. */
  public long dimension(int axis) {
    return shape[axis];
  }

  /** The declared number of values; never overflows (saturates at Long.MAX_VALUE). */
  public long elementCount() {
    return Shapes.elementCount(shape);
  }

  /** The declared number of data bytes; saturates at Long.MAX_VALUE. */
  public long dataBytes() {
    long count = elementCount();
    return count > Long.MAX_VALUE / dtype.byteSize() ? Long.MAX_VALUE : count * dtype.byteSize();
  }

  /**
   * Refuses a header that declares more than {@code maxValues} values (and never more than one Java
   * array holds), before anything is allocated.
   *
   * @throws TensorFormatException naming the declared shape and the limit
   */
  public void requireElementsAtMost(long maxValues) throws TensorFormatException {
    long limit = Math.min(maxValues, Shapes.MAX_ARRAY_LENGTH);
    long count = elementCount();
    if (count > limit) {
      throw new TensorFormatException(
          "npy header declares shape "
              + Shapes.format(shape)
              + " = "
              + Shapes.approximate(count == Long.MAX_VALUE ? product(shape) : count)
              + " values, limit is "
              + limit);
    }
  }

  private static double product(long[] shape) {
    double product = 1;
    for (long dimension : shape) {
      product *= dimension;
    }
    return product;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof NpyHeader that
        && dtype == that.dtype
        && byteOrder.equals(that.byteOrder)
        && fortranOrder == that.fortranOrder
        && Arrays.equals(shape, that.shape)
        && dataOffset == that.dataOffset;
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(shape) * 31 + dtype.hashCode();
  }

  @Override
  public String toString() {
    return "NpyHeader["
        + (byteOrder == ByteOrder.BIG_ENDIAN ? ">" : "<")
        + dtype.displayName()
        + " "
        + Shapes.format(shape)
        + (fortranOrder ? " fortran" : "")
        + " data at "
        + dataOffset
        + "]";
  }
}
