package io.haloconv.conv;

import java.io.Serializable;
import java.util.Locale;

/**
 * The padding form of design.md §1: explicit amounts on each side, or TensorFlow's {@code same}
 * rule, which depends on the input size and so resolves per image in {@link ConvSpec#geometry}.
 */
public sealed interface Padding extends Serializable permits Padding.Explicit, Padding.Same {

  /** Zero padding amounts {@code top, bottom, left, right}, each >= 0. */
  record Explicit(int top, int bottom, int left, int right) implements Padding {
    public Explicit {
      if (top < 0 || bottom < 0 || left < 0 || right < 0) {
        throw new IllegalArgumentException(
            "padding must be >= 0 on every side, got "
                + top
                + ","
                + bottom
                + ","
                + left
                + ","
                + right);
      }
    }

    @Override
    public String toString() {
      return top + "," + bottom + "," + left + "," + right;
    }
  }

  /** TensorFlow's {@code same}: out = ceil(in/stride), the extra pixel of an odd total after. */
  record Same() implements Padding {
    @Override
    public String toString() {
      return "same";
    }
  }

  Padding VALID = new Explicit(0, 0, 0, 0);
  Padding SAME = new Same();

  /** Which axis of an image a padding amount applies to. */
  enum Axis {
    ROWS("height"),
    COLS("width");

    private final String dimension;

    Axis(String dimension) {
      this.dimension = dimension;
    }

    /** The word for this axis's size in messages: height or width. */
    public String dimension() {
      return dimension;
    }
  }

  /** Resolves this padding for one axis of {@code input} pixels. */
  default AxisGeometry resolve(Axis axis, int input, int kernel, int stride, int dilation) {
    if (this instanceof Explicit e) {
      return axis == Axis.ROWS
          ? new AxisGeometry(input, e.top(), e.bottom(), kernel, stride, dilation)
          : new AxisGeometry(input, e.left(), e.right(), kernel, stride, dilation);
    }
    int out = (input + stride - 1) / stride;
    int total = Math.max((out - 1) * stride + (kernel - 1) * dilation + 1 - input, 0);
    return new AxisGeometry(input, total / 2, total - total / 2, kernel, stride, dilation);
  }

  /**
   * Parses the CLI forms {@code P}, {@code PH,PW}, {@code T,B,L,R}, {@code valid} and {@code same}.
   */
  static Padding parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    if (t.equals("same")) {
      return SAME;
    }
    if (t.equals("valid")) {
      return VALID;
    }
    String[] parts = t.split(",", -1);
    int[] v = new int[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Integer.parseInt(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "padding must be P, PH,PW, T,B,L,R, same or valid, got '" + text + "'");
      }
    }
    switch (v.length) {
      case 1:
        return new Explicit(v[0], v[0], v[0], v[0]);
      case 2:
        return new Explicit(v[0], v[0], v[1], v[1]);
      case 4:
        return new Explicit(v[0], v[1], v[2], v[3]);
      default:
        throw new IllegalArgumentException(
            "padding must be P, PH,PW, T,B,L,R, same or valid, got '" + text + "'");
    }
  }
}
