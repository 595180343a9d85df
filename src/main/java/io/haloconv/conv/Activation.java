package io.haloconv.conv;

import java.io.Serializable;
import java.util.Locale;

/**
 * The nonlinearity applied after the bias. Kernels call {@link #apply(float[], int, int)} on whole
 * output rows so that the choice of function is made once per row, never per pixel.
 *
 * @param kind which function
 * @param alpha the negative slope of {@code leaky_relu}; 0 for every other kind
 */
public record Activation(Kind kind, float alpha) implements Serializable {
  public static final Activation NONE = new Activation(Kind.NONE, 0f);
  public static final Activation RELU = new Activation(Kind.RELU, 0f);

  public enum Kind {
    NONE,
    RELU,
    LEAKY_RELU,
    SIGMOID,
    TANH
  }

  public Activation {
    if (kind == null) {
      throw new IllegalArgumentException("activation kind is null");
    }
    if (!Float.isFinite(alpha)) {
      throw new IllegalArgumentException("leaky_relu slope must be finite, got " + alpha);
    }
    if (kind != Kind.LEAKY_RELU && alpha != 0f) {
      throw new IllegalArgumentException(
          "only leaky_relu takes a slope, got " + kind + ":" + alpha);
    }
  }

  /**
   * Parses {@code none}, {@code relu}, {@code leaky_relu:ALPHA}, {@code sigmoid} or {@code tanh}.
   */
  public static Activation parse(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    switch (t) {
      case "none":
        return NONE;
      case "relu":
        return RELU;
      case "sigmoid":
        return new Activation(Kind.SIGMOID, 0f);
      case "tanh":
        return new Activation(Kind.TANH, 0f);
      default:
        break;
    }
    if (t.startsWith("leaky_relu")) {
      String rest = t.substring("leaky_relu".length());
      if (rest.isEmpty()) {
        return new Activation(Kind.LEAKY_RELU, 0.01f); // PyTorch's default slope
      }
      if (rest.startsWith(":")) {
        try {
          return new Activation(Kind.LEAKY_RELU, Float.parseFloat(rest.substring(1)));
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(
              "leaky_relu slope must be a number, got '" + rest.substring(1) + "'");
        }
      }
    }
    throw new IllegalArgumentException(
        "activation must be none, relu, leaky_relu:ALPHA, sigmoid or tanh, got '" + text + "'");
  }

  /** Applies the function to {@code values[from, to)} in place. */
  public void apply(float[] values, int from, int to) {
    switch (kind) {
      case NONE:
        return;
      case RELU:
        for (int i = from; i < to; i++) {
          // max(v, 0) but keeps NaN and maps -0.0 to 0.0, as torch.relu does
          values[i] = values[i] > 0f ? values[i] : (values[i] != values[i] ? values[i] : 0f);
        }
        return;
      case LEAKY_RELU:
        for (int i = from; i < to; i++) {
          float v = values[i];
          values[i] = v >= 0f ? v : v * alpha;
        }
        return;
      case SIGMOID:
        for (int i = from; i < to; i++) {
          values[i] = (float) (1.0 / (1.0 + Math.exp(-(double) values[i])));
        }
        return;
      case TANH:
        for (int i = from; i < to; i++) {
          values[i] = (float) Math.tanh(values[i]);
        }
        return;
      default:
        throw new AssertionError(kind);
    }
  }

  /** The function at one value, for tests and scalar tails. */
  public float apply(float value) {
    float[] one = {value};
    apply(one, 0, 1);
    return one[0];
  }

  /** The CLI spelling, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return kind == Kind.LEAKY_RELU ? "leaky_relu:" + alpha : kind.name().toLowerCase(Locale.ROOT);
  }
}
