package io.haloconv.stack;

import java.math.BigInteger;
import java.util.Arrays;
import java.util.function.Consumer;

/**
 * Reduces one tile of the last layer's map to a {@link CellStats} per cell it touches: the
 * executor's half of an {@link EmbeddingPool}. The sums are exact ({@link CellStats}): each value
 * adds its signed 24-bit significand to a {@code long} bin of its exponent, and a cell's bins
 * become one integer at the end of the tile. A bin takes 2^39 additions before it could overflow; a
 * tile holds fewer than 2^31 values of a channel.
 *
 * <p>Holds reused bins; one per task, not thread-safe.
 */
public final class CellReducer {
  /** Bins per channel: one per biased float32 exponent (0 and 255 never used). */
  private static final int BINS = 256;

  private final EmbeddingPool pool;
  private long[] bins = new long[0];

  public CellReducer(EmbeddingPool pool) {
    this.pool = pool;
  }

  /**
   * Passes {@code sink} the partial of every cell of {@code cells} that {@code region} (a tile of
   * the last layer's map) holds pixels of, row-major.
   */
  public void reduce(PoolCells cells, MapRegion region, Consumer<CellStats> sink) {
    PoolCells.Axis rows = cells.rows();
    PoolCells.Axis cols = cells.cols();
    int y1 = region.y0() + region.height();
    int x1 = region.x0() + region.width();
    for (int r = 0; r < rows.cells(); r++) {
      int ry0 = Math.max(rows.mapStart()[r], region.y0());
      int ry1 = Math.min(rows.mapEnd()[r], y1);
      if (ry0 >= ry1) {
        continue;
      }
      for (int c = 0; c < cols.cells(); c++) {
        int cx0 = Math.max(cols.mapStart()[c], region.x0());
        int cx1 = Math.min(cols.mapEnd()[c], x1);
        if (cx0 >= cx1) {
          continue;
        }
        long pixels = (long) (ry1 - ry0) * (cx1 - cx0);
        int y0 = rows.boxStart()[r];
        int x0 = cols.boxStart()[c];
        int height = rows.boxEnd()[r] - y0;
        int width = cols.boxEnd()[c] - x0;
        if (pool.op() == PoolOp.MAX) {
          sink.accept(
              new CellStats(
                  r,
                  c,
                  y0,
                  x0,
                  height,
                  width,
                  pixels,
                  null,
                  null,
                  maxima(region, ry0, ry1, cx0, cx1)));
        } else {
          int k = region.channels();
          BigInteger[] sums = new BigInteger[k];
          byte[] special = new byte[k];
          sum(region, ry0, ry1, cx0, cx1, sums, special);
          sink.accept(new CellStats(r, c, y0, x0, height, width, pixels, sums, special, null));
        }
      }
    }
  }

  private static float[] maxima(MapRegion region, int ry0, int ry1, int cx0, int cx1) {
    float[] data = region.data();
    float[] out = new float[region.channels()];
    for (int ch = 0; ch < out.length; ch++) {
      float max = Float.NEGATIVE_INFINITY;
      for (int y = ry0; y < ry1; y++) {
        int from = region.offset(ch, y - region.y0()) + (cx0 - region.x0());
        int to = from + (cx1 - cx0);
        for (int i = from; i < to; i++) {
          max = Math.max(max, data[i]);
        }
      }
      out[ch] = max;
    }
    return out;
  }

  private void sum(
      MapRegion region, int ry0, int ry1, int cx0, int cx1, BigInteger[] sums, byte[] special) {
    if (bins.length < BINS) {
      bins = new long[BINS];
    }
    long[] acc = bins;
    float[] data = region.data();
    for (int ch = 0; ch < sums.length; ch++) {
      Arrays.fill(acc, 0L);
      int flags = 0;
      for (int y = ry0; y < ry1; y++) {
        int from = region.offset(ch, y - region.y0()) + (cx0 - region.x0());
        int to = from + (cx1 - cx0);
        for (int i = from; i < to; i++) {
          int bits = Float.floatToRawIntBits(data[i]);
          int exponent = (bits >>> 23) & 0xff;
          int significand = bits & 0x7fffff;
          if (exponent == 0xff) {
            flags |=
                significand != 0
                    ? CellStats.NAN
                    : bits < 0 ? CellStats.NEGATIVE_INFINITY : CellStats.POSITIVE_INFINITY;
            continue;
          }
          // Branch-free, as signs and zeros (after a ReLU) follow the data, not a pattern: a
          // zero or subnormal (exponent 0) is significand·2^−149, the scale of exponent 1;
          // others get their implicit leading bit.
          int subnormal = (exponent - 1) >>> 31; // 1 when exponent is 0
          exponent += subnormal;
          significand |= (subnormal ^ 1) << 23;
          int sign = bits >> 31; // 0 or −1
          acc[exponent] += (significand ^ sign) - sign;
        }
      }
      sums[ch] = toInteger(acc);
      special[ch] = (byte) flags;
    }
  }

  /** Σ bins[e]·2^(e−1): the bins' total in units of 2^−149. */
  static BigInteger toInteger(long[] bins) {
    BigInteger total = BigInteger.ZERO;
    for (int e = 1; e < BINS - 1; e++) {
      if (bins[e] != 0) {
        total = total.add(BigInteger.valueOf(bins[e]).shiftLeft(e - 1));
      }
    }
    return total;
  }
}
