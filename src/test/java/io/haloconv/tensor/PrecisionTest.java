package io.haloconv.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class PrecisionTest {

  /** Reference: round to nearest even by exhaustive choice between the two neighbouring halves. */
  private static short referenceHalf(float v) {
    if (Float.isNaN(v)) {
      return Precision.toHalf(v);
    }
    short best = 0;
    double bestErr = Double.POSITIVE_INFINITY;
    // candidates of the same sign: scan is too slow, so use the neighbours of a truncation
    short t = truncateHalf(v);
    for (int d = -1; d <= 1; d++) {
      short c = (short) (t + d);
      float f = Precision.fromHalf(c);
      if (Float.isNaN(f) || Math.signum(f) * Math.signum(v) < 0) {
        continue;
      }
      double err = Math.abs((double) f - v);
      if (err < bestErr || (err == bestErr && (c & 1) == 0)) {
        best = c;
        bestErr = err;
      }
    }
    return best;
  }

  private static short truncateHalf(float v) {
    // nearest half by linear search over the representable range of one binade is overkill;
    // a double-precision detour gives the truncated neighbour reliably.
    short lo = 0;
    int sign = v < 0 || (v == 0 && 1 / v < 0) ? 0x8000 : 0;
    double a = Math.abs((double) v);
    int low = 0;
    int high = 0x7c00;
    while (low < high) {
      int mid = (low + high + 1) >>> 1;
      if (Precision.fromHalf((short) mid) <= a) {
        low = mid;
      } else {
        high = mid - 1;
      }
    }
    lo = (short) (sign | low);
    return lo;
  }

  @Test
  void halfRoundsToNearestEvenAcrossTheRange() {
    Random r = new Random(1);
    for (int i = 0; i < 200_000; i++) {
      float v = (float) (r.nextGaussian() * Math.pow(2, r.nextInt(40) - 26));
      assertThat(Precision.toHalf(v)).as("%s", v).isEqualTo(referenceHalf(v));
    }
  }

  @Test
  void halfEdgeCases() {
    assertThat(Precision.toHalf(65504f)).isEqualTo((short) 0x7bff);
    assertThat(Precision.toHalf(65520f)).isEqualTo((short) 0x7c00); // rounds up to infinity
    assertThat(Precision.toHalf(Float.POSITIVE_INFINITY)).isEqualTo((short) 0x7c00);
    assertThat(Precision.fromHalf(Precision.toHalf(Float.NaN))).isNaN();
    assertThat(Precision.toHalf(-0f)).isEqualTo((short) 0x8000);
    assertThat(Precision.fromHalf((short) 1)).isEqualTo((float) Math.pow(2, -24));
    assertThat(Precision.toHalf(1f)).isEqualTo((short) 0x3c00);
  }

  @Test
  void bfloat16KeepsTheTopBitsRoundedToEven() {
    assertThat(Precision.toBfloat16(1f)).isEqualTo((short) 0x3f80);
    // 1 + 2^-8 is exactly between 1 and 1 + 2^-7: ties to even -> 1
    assertThat(Precision.toBfloat16(1f + 1f / 256)).isEqualTo((short) 0x3f80);
    assertThat(Precision.toBfloat16(1f + 3f / 256)).isEqualTo((short) 0x3f82);
    assertThat(Float.isNaN(Precision.BFLOAT16.decode(new byte[] {0x40, 0x7f}, 0, 1)[0])).isFalse();
    byte[] nan = new byte[2];
    Precision.BFLOAT16.encode(new float[] {Float.NaN}, 0, 1, nan, 0);
    assertThat(Precision.BFLOAT16.decode(nan, 0, 1)[0]).isNaN();
  }

  @Test
  void everyPrecisionRoundTripsLittleEndian() {
    float[] values = {0f, 1.5f, -2.25f, 1024f, 0.1f};
    for (Precision p : Precision.values()) {
      byte[] bytes = new byte[values.length * p.bytesPerValue()];
      p.encode(values, 0, values.length, bytes, 0);
      float[] back = p.decode(bytes, 0, values.length);
      for (int i = 0; i < values.length; i++) {
        assertThat(back[i])
            .as(p + " " + values[i])
            .isCloseTo(
                values[i],
                org.assertj.core.data.Offset.offset(Math.abs(values[i]) * 0.01f + 1e-6f));
      }
    }
    byte[] f32 = new byte[4];
    Precision.FLOAT32.encode(new float[] {1f}, 0, 1, f32, 0);
    assertThat(f32).containsExactly(0, 0, (byte) 0x80, 0x3f);
  }
}
