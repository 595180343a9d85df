package io.haloconv.stack;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.Arrays;

/**
 * What an {@link EmbeddingPool} knows of one cell of one image after some of its tiles: the number
 * of map pixels pooled and, per channel, either the exact sum of their values (avg) or their
 * maximum (max). Partials of the same cell {@link #merge} in any order and grouping to the same
 * value, so an embedding is bitwise the same whatever the tiles and partitions it came from.
 *
 * <p>Sums are exact, not float64: float64 partial sums grouped by tile differ in their last bits
 * between tile sizes (addition does not associate). Every finite float32 is m·2^(e−150) for an
 * integer m &lt; 2^24 and its biased exponent e (subnormals m·2^−149), so the sum of many is an
 * integer multiple of 2^−149: {@link #sums} holds that integer per channel. Non-finite values are
 * kept as flags ({@link #NAN}, {@link #POSITIVE_INFINITY}, {@link #NEGATIVE_INFINITY}) that give
 * the mean IEEE arithmetic would: NaN when any value is NaN or both infinities occur, else the
 * infinity.
 *
 * @param row the cell's row in its image's grid (0 for a global pool)
 * @param col the cell's column
 * @param y0 the cell box's first input row
 * @param x0 the cell box's first input column
 * @param height the cell box's height in input pixels
 * @param width the cell box's width in input pixels
 * @param pixels map pixels pooled so far, at least 1
 * @param sums per channel the exact sum in units of 2^−149 (avg), or null (max)
 * @param special per channel the non-finite flags seen (avg), or null (max)
 * @param maxima per channel the largest value, NaN when any was NaN (max), or null (avg)
 */
public record CellStats(
    int row,
    int col,
    int y0,
    int x0,
    int height,
    int width,
    long pixels,
    BigInteger[] sums,
    byte[] special,
    float[] maxima)
    implements Serializable {
  public static final byte NAN = 1;
  public static final byte POSITIVE_INFINITY = 2;
  public static final byte NEGATIVE_INFINITY = 4;

  /** Units of the exact sums: 2^−149, the smallest float32 step. */
  private static final int SCALE = 149;

  /** Digits of the quotient that is then rounded to float32 (float32 needs 9). */
  private static final MathContext QUOTIENT = new MathContext(60, RoundingMode.HALF_EVEN);

  public CellStats {
    if (pixels < 1) {
      throw new IllegalArgumentException("a cell's partial pools >= 1 pixel, got " + pixels);
    }
    if ((sums == null) == (maxima == null) || (sums == null) != (special == null)) {
      throw new IllegalArgumentException("a cell's partial holds sums and flags, or maxima");
    }
    if (sums != null && sums.length != special.length) {
      throw new IllegalArgumentException(
          "sums has " + sums.length + " channels, special " + special.length);
    }
  }

  public int channels() {
    return sums != null ? sums.length : maxima.length;
  }

  /** The partial of both: same cell, same kind, same channels. */
  public static CellStats merge(CellStats a, CellStats b) {
    if (a.row != b.row || a.col != b.col || a.channels() != b.channels()) {
      throw new IllegalArgumentException(
          "cannot merge cell ("
              + a.row
              + ", "
              + a.col
              + ") of "
              + a.channels()
              + " channels with cell ("
              + b.row
              + ", "
              + b.col
              + ") of "
              + b.channels());
    }
    int k = a.channels();
    if (a.sums != null) {
      BigInteger[] sums = new BigInteger[k];
      byte[] special = new byte[k];
      for (int c = 0; c < k; c++) {
        sums[c] = a.sums[c].add(b.sums[c]);
        special[c] = (byte) (a.special[c] | b.special[c]);
      }
      return new CellStats(
          a.row, a.col, a.y0, a.x0, a.height, a.width, a.pixels + b.pixels, sums, special, null);
    }
    float[] maxima = new float[k];
    for (int c = 0; c < k; c++) {
      // Math.max is commutative and associative on floats: NaN wins, +0 beats -0.
      maxima[c] = Math.max(a.maxima[c], b.maxima[c]);
    }
    return new CellStats(
        a.row, a.col, a.y0, a.x0, a.height, a.width, a.pixels + b.pixels, null, null, maxima);
  }

  /**
   * The cell's embedding: per channel the maximum, or the mean — the exact sum divided by the pixel
   * count to 60 digits, then rounded to the nearest float32 once.
   */
  public float[] embedding() {
    if (maxima != null) {
      return maxima.clone();
    }
    float[] out = new float[sums.length];
    BigDecimal count = new BigDecimal(BigInteger.valueOf(pixels).shiftLeft(SCALE));
    for (int c = 0; c < out.length; c++) {
      byte flags = special[c];
      if ((flags & NAN) != 0
          || (flags & (POSITIVE_INFINITY | NEGATIVE_INFINITY))
              == (POSITIVE_INFINITY | NEGATIVE_INFINITY)) {
        out[c] = Float.NaN;
      } else if (flags == POSITIVE_INFINITY) {
        out[c] = Float.POSITIVE_INFINITY;
      } else if (flags == NEGATIVE_INFINITY) {
        out[c] = Float.NEGATIVE_INFINITY;
      } else if (sums[c].signum() == 0) {
        out[c] = 0f;
      } else {
        // BigDecimal.floatValue rounds correctly (Float.parseFloat of the decimal digits).
        out[c] = new BigDecimal(sums[c]).divide(count, QUOTIENT).floatValue();
      }
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof CellStats s
        && row == s.row
        && col == s.col
        && y0 == s.y0
        && x0 == s.x0
        && height == s.height
        && width == s.width
        && pixels == s.pixels
        && Arrays.equals(sums, s.sums)
        && Arrays.equals(special, s.special)
        && Arrays.equals(maxima, s.maxima);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(new int[] {row, col, Long.hashCode(pixels), Arrays.hashCode(sums)});
  }

  @Override
  public String toString() {
    return "CellStats["
        + row
        + ", "
        + col
        + ", pixels "
        + pixels
        + ", "
        + channels()
        + " channels]";
  }
}
