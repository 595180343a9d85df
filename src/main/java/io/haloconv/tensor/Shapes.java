package io.haloconv.tensor;

import java.util.Locale;

/** Shape arithmetic and formatting shared by the array readers and their callers. */
public final class Shapes {
  /** The largest array a JVM reliably allocates; one tensor's values must fit in one array. */
  public static final int MAX_ARRAY_LENGTH = Integer.MAX_VALUE - 8;

  private Shapes() {}

  /**
   * The number of values of an array of this shape (1 for the scalar shape {@code ()}), or {@code
   * Long.MAX_VALUE} when the product overflows a long, so that any limit check refuses it.
   */
  public static long elementCount(long... shape) {
    long count = 1;
    for (long dimension : shape) {
      if (dimension < 0) {
        throw new IllegalArgumentException("dimension must be >= 0, got " + dimension);
      }
      if (dimension != 0 && count > Long.MAX_VALUE / dimension) {
        count = Long.MAX_VALUE;
      } else {
        count *= dimension;
      }
    }
    return count;
  }

  /** {@link #elementCount(long...)} for an int shape. */
  public static long elementCount(int... shape) {
    long[] wide = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      wide[i] = shape[i];
    }
    return elementCount(wide);
  }

  /** The shape as numpy prints it: {@code (3, 17, 23)}, {@code (4,)}, {@code ()}. */
  public static String format(long... shape) {
    StringBuilder text = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      if (i > 0) {
        text.append(", ");
      }
      text.append(shape[i]);
    }
    if (shape.length == 1) {
      text.append(',');
    }
    return text.append(')').toString();
  }

  /** {@link #format(long...)} for an int shape. */
  public static String format(int... shape) {
    long[] wide = new long[shape.length];
    for (int i = 0; i < shape.length; i++) {
      wide[i] = shape[i];
    }
    return format(wide);
  }

  /**
   * A count in short scientific notation, {@code 3.0e10}, for messages about sizes too large to
   * read at a glance; counts below 10^6 are printed exactly.
   */
  public static String approximate(double count) {
    if (Math.abs(count) < 1e6) {
      return count == Math.rint(count) ? Long.toString((long) count) : Double.toString(count);
    }
    return String.format(Locale.ROOT, "%.1e", count).replace("e+0", "e").replace("e+", "e");
  }
}
