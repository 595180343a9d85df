package io.haloconv.tensor;

import java.nio.ByteBuffer;

/**
 * Element types that the tensor readers understand, with the names numpy (.npy descr) and
 * safetensors use for them. Every type converts to float32 on reading: integers up to 2^24 and all
 * uint8/uint16/int16 values exactly, wider integers and float64 rounded to the nearest float32.
 */
public enum DType {
  FLOAT16(2, 'f', "float16", "F16"),
  BFLOAT16(2, '\0', "bfloat16", "BF16"),
  FLOAT32(4, 'f', "float32", "F32"),
  FLOAT64(8, 'f', "float64", "F64"),
  UINT8(1, 'u', "uint8", "U8"),
  INT8(1, 'i', "int8", "I8"),
  UINT16(2, 'u', "uint16", "U16"),
  INT16(2, 'i', "int16", "I16"),
  INT32(4, 'i', "int32", "I32"),
  INT64(8, 'i', "int64", "I64");

  private final int byteSize;
  private final char numpyKind;
  private final String displayName;
  private final String safetensorsName;

  DType(int byteSize, char numpyKind, String displayName, String safetensorsName) {
    this.byteSize = byteSize;
    this.numpyKind = numpyKind;
    this.displayName = displayName;
    this.safetensorsName = safetensorsName;
  }

  /** Bytes per element. */
  public int byteSize() {
    return byteSize;
  }

  /** Bits per element, e.g. 16 for uint16. */
  public int bits() {
    return byteSize * 8;
  }

  /** True for the integer types, whose values are counts rather than intensities. */
  public boolean isInteger() {
    return numpyKind == 'u' || numpyKind == 'i';
  }

  /** True for the unsigned integer types. */
  public boolean isUnsigned() {
    return numpyKind == 'u';
  }

  /** numpy's name: {@code float32}, {@code uint16}, ... */
  public String displayName() {
    return displayName;
  }

  /** The safetensors header name: {@code F32}, {@code BF16}, ... */
  public String safetensorsName() {
    return safetensorsName;
  }

  /** The type of a numpy descr kind and size such as ('f', 4), or null when there is none. */
  static DType fromNumpy(char kind, int size) {
    for (DType type : values()) {
      if (type.numpyKind == kind && type.byteSize == size) {
        return type;
      }
    }
    return null;
  }

  /** The type of a safetensors dtype name such as "F32", or null when there is none. */
  static DType fromSafetensors(String name) {
    for (DType type : values()) {
      if (type.safetensorsName.equals(name)) {
        return type;
      }
    }
    return null;
  }

  /**
   * Reads {@code count} elements of this type from {@code source}, in the source's byte order, and
   * stores them as float32 at {@code destination[offset...]}. The source's position advances by
   * {@code count · byteSize()}.
   */
  public void decode(ByteBuffer source, float[] destination, int offset, int count) {
    int end = offset + count;
    switch (this) {
      case FLOAT32 -> {
        source.asFloatBuffer().get(destination, offset, count);
        source.position(source.position() + count * 4);
      }
      case FLOAT64 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = (float) source.getDouble();
        }
      }
      case FLOAT16 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = halfToFloat(source.getShort());
        }
      }
      case BFLOAT16 -> {
        // bfloat16 is the top half of a float32: shift it back into place, no rounding involved.
        for (int i = offset; i < end; i++) {
          destination[i] = Float.intBitsToFloat((source.getShort() & 0xffff) << 16);
        }
      }
      case UINT8 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = source.get() & 0xff;
        }
      }
      case INT8 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = source.get();
        }
      }
      case UINT16 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = source.getShort() & 0xffff;
        }
      }
      case INT16 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = source.getShort();
        }
      }
      case INT32 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = source.getInt();
        }
      }
      case INT64 -> {
        for (int i = offset; i < end; i++) {
          destination[i] = source.getLong();
        }
      }
      default -> throw new AssertionError(this);
    }
  }

  /**
   * IEEE 754 binary16 to binary32, exact for every input (Float.float16ToFloat arrives only in Java
   * 20). Subnormal halves become normal floats; NaN payloads are kept.
   */
  static float halfToFloat(short half) {
    int bits = half & 0xffff;
    int sign = (bits & 0x8000) << 16;
    int exponent = (bits >>> 10) & 0x1f;
    int mantissa = bits & 0x3ff;
    if (exponent == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
    }
    if (exponent == 0) {
      if (mantissa == 0) {
        return Float.intBitsToFloat(sign);
      }
      // Subnormal: value = mantissa · 2^-24, exactly representable as a float32.
      float magnitude = mantissa * 0x1p-24f;
      return sign == 0 ? magnitude : -magnitude;
    }
    return Float.intBitsToFloat(sign | ((exponent + 112) << 23) | (mantissa << 13));
  }
}
