package io.haloconv.stack;

import java.util.Locale;

/** The reduction of a pool layer, with the value its padding counts as. */
public enum PoolOp {
  /** Largest value in the window; padding counts as −∞, so it never wins (PyTorch's max_pool2d). */
  MAX("max", Float.NEGATIVE_INFINITY),
  /**
   * Mean of the window; padding counts as 0 and is included in the count, as PyTorch's avg_pool2d
   * with its default {@code count_include_pad=True}.
   */
  AVG("avg", 0f);

  private final String cliName;
  private final float padValue;

  PoolOp(String cliName, float padValue) {
    this.cliName = cliName;
    this.padValue = padValue;
  }

  public String cliName() {
    return cliName;
  }

  /** The value a padding position holds. */
  public float padValue() {
    return padValue;
  }

  public static PoolOp parse(String text) {
    for (PoolOp op : values()) {
      if (op.cliName.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return op;
      }
    }
    throw new IllegalArgumentException("pool op must be max or avg, got '" + text + "'");
  }
}
