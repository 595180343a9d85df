package io.haloconv.tensor;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Locale;

/**
 * How feature values are stored in the {@code features} column: little-endian float32, IEEE half
 * precision, or bfloat16. Narrowing rounds to nearest, ties to even, as PyTorch's {@code .half()}
 * and {@code .bfloat16()} do; NaN stays NaN and overflow becomes infinity.
 */
public enum Precision {
  FLOAT32("float32", 4),
  FLOAT16("float16", 2),
  BFLOAT16("bfloat16", 2);

  private final String dtype;
  private final int bytes;

  Precision(String dtype, int bytes) {
    this.dtype = dtype;
    this.bytes = bytes;
  }

  /** The {@code dtype} column's value, which numpy also understands. */
  public String dtype() {
    return dtype;
  }

  public int bytesPerValue() {
    return bytes;
  }

  public static Precision parse(String text) {
    for (Precision p : values()) {
      if (p.dtype.equals(text.toLowerCase(Locale.ROOT))) {
        return p;
      }
    }
    throw new IllegalArgumentException(
        "precision must be float32, float16 or bfloat16, got '" + text + "'");
  }

  /**
   * Encodes {@code values[from, to)} little-endian into {@code out} from {@code outOffset}. The
   * half-precision types go through the Vector API where the JVM has it ({@code --add-modules
   * jdk.incubator.vector}), with the same bits.
   */
  public void encode(float[] values, int from, int to, byte[] out, int outOffset) {
    if (this != FLOAT32 && VectorEncoding.HALF != null) {
      VectorEncoding.encode(this, values, from, to, out, outOffset);
      return;
    }
    encodeScalar(values, from, to, out, outOffset);
  }

  /** {@link #encode} without the Vector API; for tests and the vector path's odd lanes. */
  void encodeScalar(float[] values, int from, int to, byte[] out, int outOffset) {
    int o = outOffset;
    switch (this) {
      case FLOAT32:
        // A bulk put through a little-endian view is a plain copy on little-endian CPUs.
        ByteBuffer.wrap(out, outOffset, (to - from) * 4)
            .order(ByteOrder.LITTLE_ENDIAN)
            .asFloatBuffer()
            .put(values, from, to - from);
        return;
      case FLOAT16:
        for (int i = from; i < to; i++) {
          short h = toHalf(values[i]);
          out[o] = (byte) h;
          out[o + 1] = (byte) (h >>> 8);
          o += 2;
        }
        return;
      case BFLOAT16:
        for (int i = from; i < to; i++) {
          short h = toBfloat16(values[i]);
          out[o] = (byte) h;
          out[o + 1] = (byte) (h >>> 8);
          o += 2;
        }
        return;
      default:
        throw new AssertionError(this);
    }
  }

  /** Decodes {@code count} little-endian values from {@code in} at {@code offset}. */
  public float[] decode(byte[] in, int offset, int count) {
    float[] out = new float[count];
    int o = offset;
    for (int i = 0; i < count; i++) {
      switch (this) {
        case FLOAT32:
          out[i] =
              Float.intBitsToFloat(
                  (in[o] & 0xff)
                      | (in[o + 1] & 0xff) << 8
                      | (in[o + 2] & 0xff) << 16
                      | (in[o + 3] & 0xff) << 24);
          break;
        case FLOAT16:
          out[i] = fromHalf((short) ((in[o] & 0xff) | (in[o + 1] & 0xff) << 8));
          break;
        default:
          out[i] = Float.intBitsToFloat(((in[o] & 0xff) | (in[o + 1] & 0xff) << 8) << 16);
      }
      o += bytes;
    }
    return out;
  }

  static short toBfloat16(float v) {
    int bits = Float.floatToRawIntBits(v);
    if ((bits & 0x7fffffff) > 0x7f800000) {
      return (short) ((bits >>> 16) | 0x40); // quiet NaN, sign kept
    }
    int rounding = 0x7fff + ((bits >>> 16) & 1);
    return (short) ((bits + rounding) >>> 16);
  }

  /** float32 → IEEE 754 binary16, round to nearest even (Java 17 has no Float.floatToFloat16). */
  static short toHalf(float v) {
    int bits = Float.floatToRawIntBits(v);
    int sign = (bits >>> 16) & 0x8000;
    int exp = (bits >>> 23) & 0xff;
    int mant = bits & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 | (mant >>> 13) : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00); // overflow to infinity
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign; // underflow to signed zero
      }
      // subnormal: shift the mantissa with its implicit 1 into place, round to nearest even
      int m = mant | 0x800000;
      int shift = 14 - e;
      int half = m >>> shift;
      int rest = m & ((1 << shift) - 1);
      int midpoint = 1 << (shift - 1);
      if (rest > midpoint || (rest == midpoint && (half & 1) == 1)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >>> 13);
    int rest = mant & 0x1fff;
    if (rest > 0x1000 || (rest == 0x1000 && (half & 1) == 1)) {
      half++; // may carry into the exponent, which is the correct rounding (up to infinity)
    }
    return (short) (sign | half);
  }

  static float fromHalf(short h) {
    int sign = (h & 0x8000) << 16;
    int exp = (h >>> 10) & 0x1f;
    int mant = h & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      if (mant == 0) {
        return Float.intBitsToFloat(sign);
      }
      float f = mant / 1024f / 16384f; // mant · 2^-24
      return sign != 0 ? -f : f;
    }
    return Float.intBitsToFloat(sign | ((exp - 15 + 127) << 23) | (mant << 13));
  }

  /** The vector encoder, found reflectively once, or null when this JVM cannot run it. */
  static final class VectorEncoding {
    static final MethodHandle HALF;
    static final MethodHandle BFLOAT;

    static {
      MethodHandle half = null;
      MethodHandle bfloat = null;
      try {
        if (ModuleLayer.boot().findModule("jdk.incubator.vector").isPresent()
            && !"direct".equals(System.getProperty("haloconv.kernel"))) {
          Class<?> type = Class.forName("io.haloconv.tensor.VectorHalfEncoder");
          var lookup = MethodHandles.lookup();
          var signature =
              MethodType.methodType(
                  void.class, float[].class, int.class, int.class, byte[].class, int.class);
          int lanes =
              (int) lookup.findStatic(type, "lanes", MethodType.methodType(int.class)).invoke();
          if (lanes >= 4) {
            half = lookup.findStatic(type, "float16", signature);
            bfloat = lookup.findStatic(type, "bfloat16", signature);
          }
        }
      } catch (Throwable e) { // LinkageError or reflection: the scalar code stays
        half = null;
        bfloat = null;
      }
      HALF = half;
      BFLOAT = bfloat;
    }

    private VectorEncoding() {}

    static void encode(
        Precision precision, float[] values, int from, int to, byte[] out, int outOffset) {
      try {
        if (precision == FLOAT16) {
          HALF.invokeExact(values, from, to, out, outOffset);
        } else {
          BFLOAT.invokeExact(values, from, to, out, outOffset);
        }
      } catch (RuntimeException | Error e) {
        throw e;
      } catch (Throwable e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
