package io.haloconv.tensor;

import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * float32 → bfloat16 and float16 with the Vector API: the same bits as {@link Precision}'s scalar
 * code, about four times faster, which matters because a 16-filter layer stores 16 values per
 * pixel. Lanes the vector path does not cover (NaN for bfloat16; subnormal, overflowing or
 * non-finite float16 results) send their vector to the scalar code. Loaded only through {@link
 * Precision}, reflectively, so a JVM without {@code jdk.incubator.vector} never links it.
 */
final class VectorHalfEncoder {
  private static final VectorSpecies<Float> FLOATS = FloatVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Integer> INTS = IntVector.SPECIES_PREFERRED;
  private static final VectorSpecies<Short> SHORTS =
      VectorSpecies.of(short.class, VectorShape.forBitSize(FLOATS.vectorBitSize() / 2));

  private VectorHalfEncoder() {}

  /** The lanes per step, which {@link Precision} checks before choosing this encoder. */
  static int lanes() {
    return FLOATS.length();
  }

  static void bfloat16(float[] values, int from, int to, byte[] out, int outOffset) {
    int i = from;
    int o = outOffset;
    int step = FLOATS.length();
    for (; i + step <= to; i += step, o += 2 * step) {
      IntVector bits = FloatVector.fromArray(FLOATS, values, i).reinterpretAsInts();
      VectorMask<Integer> nan = bits.and(0x7fffffff).compare(VectorOperators.GT, 0x7f800000);
      if (nan.anyTrue()) {
        scalar(Precision.BFLOAT16, values, i, i + step, out, o);
        continue;
      }
      IntVector odd = bits.lanewise(VectorOperators.LSHR, 16).and(1);
      IntVector rounded = bits.add(odd).add(0x7fff).lanewise(VectorOperators.LSHR, 16);
      store(rounded, out, o);
    }
    scalar(Precision.BFLOAT16, values, i, to, out, o);
  }

  static void float16(float[] values, int from, int to, byte[] out, int outOffset) {
    int i = from;
    int o = outOffset;
    int step = FLOATS.length();
    for (; i + step <= to; i += step, o += 2 * step) {
      IntVector bits = FloatVector.fromArray(FLOATS, values, i).reinterpretAsInts();
      IntVector sign = bits.lanewise(VectorOperators.LSHR, 16).and(0x8000);
      IntVector e = bits.lanewise(VectorOperators.LSHR, 23).and(0xff).sub(112);
      VectorMask<Integer> normal =
          e.compare(VectorOperators.GE, 1).and(e.compare(VectorOperators.LE, 30));
      VectorMask<Integer> underflow = e.compare(VectorOperators.LT, -10);
      if (!normal.or(underflow).allTrue()) {
        scalar(Precision.FLOAT16, values, i, i + step, out, o);
        continue;
      }
      IntVector mant = bits.and(0x7fffff);
      IntVector half =
          e.lanewise(VectorOperators.LSHL, 10).or(mant.lanewise(VectorOperators.LSHR, 13));
      // Round to nearest even: +1 when the dropped bits exceed half an ulp, or equal it on an odd
      // result; the carry into the exponent is the right rounding (up to infinity).
      IntVector up =
          mant.and(0x1fff).add(0xfff).add(half.and(1)).lanewise(VectorOperators.LSHR, 13);
      IntVector result = sign.or(half.add(up)).blend(sign, underflow);
      store(result, out, o);
    }
    scalar(Precision.FLOAT16, values, i, to, out, o);
  }

  /** The low 16 bits of each lane, little-endian. */
  private static void store(IntVector lanes, byte[] out, int offset) {
    ShortVector shorts = (ShortVector) lanes.convertShape(VectorOperators.I2S, SHORTS, 0);
    shorts.intoByteArray(out, offset, ByteOrder.LITTLE_ENDIAN);
  }

  private static void scalar(
      Precision precision, float[] values, int from, int to, byte[] out, int outOffset) {
    precision.encodeScalar(values, from, to, out, outOffset);
  }
}
