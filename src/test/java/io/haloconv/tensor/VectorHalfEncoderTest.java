package io.haloconv.tensor;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Vector API half-precision encoders give the scalar code's bits on every kind of value: random
 * magnitudes across the whole float range, float16's subnormals, overflow and ties, NaNs,
 * infinities, signed zeros, at awkward offsets and lengths.
 */
class VectorHalfEncoderTest {
  private static float[] values(long seed) {
    Random random = new Random(seed);
    float[] v = new float[4099];
    float[] special = {
      0f,
      -0f,
      Float.NaN,
      Float.POSITIVE_INFINITY,
      Float.NEGATIVE_INFINITY,
      65504f,
      65520f,
      65519.99f,
      -65536f,
      6.1035156e-5f,
      5.9604645e-8f,
      2.9802322e-8f,
      3e-8f,
      1e-45f,
      Float.MAX_VALUE,
      Float.intBitsToFloat(0x7fc00001),
      Float.intBitsToFloat(0xff800001),
      1.0009766f,
      1.00048828125f,
      1.00146484375f
    };
    for (int i = 0; i < v.length; i++) {
      v[i] =
          switch (random.nextInt(5)) {
            case 0 -> special[random.nextInt(special.length)];
            case 1 -> Float.intBitsToFloat(random.nextInt()); // any bits, NaNs included
            case 2 -> (float) (random.nextGaussian() * Math.pow(2, random.nextInt(40) - 30));
            case 3 -> Math.max(0, (float) random.nextGaussian()); // ReLU features: many zeros
            default -> Float.intBitsToFloat(0x3f800000 | random.nextInt(1 << 23) & ~0xfff | 0x1000);
          };
    }
    return v;
  }

  @ParameterizedTest
  @EnumSource(
      value = Precision.class,
      names = {"FLOAT16", "BFLOAT16"})
  void vectorEncodingHasTheScalarBits(Precision precision) {
    assertThat(Precision.VectorEncoding.HALF).as("this JVM runs the vector encoder").isNotNull();
    for (long seed = 0; seed < 8; seed++) {
      float[] v = values(seed);
      for (int from : new int[] {0, 1, 13}) {
        int to = v.length - (int) seed;
        byte[] want = new byte[2 * v.length + 3];
        byte[] got = new byte[2 * v.length + 3];
        precision.encodeScalar(v, from, to, want, 3);
        precision.encode(v, from, to, got, 3);
        assertThat(got).as("%s seed %d from %d", precision, seed, from).isEqualTo(want);
      }
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Precision.class,
      names = {"FLOAT16", "BFLOAT16"})
  void everyFloat16ValueRoundTripsThroughTheVectorEncoder(Precision precision) {
    float[] v = new float[1 << 16];
    for (int h = 0; h < v.length; h++) {
      v[h] =
          precision == Precision.FLOAT16
              ? Precision.fromHalf((short) h)
              : Float.intBitsToFloat(h << 16);
    }
    byte[] want = new byte[2 * v.length];
    byte[] got = new byte[2 * v.length];
    precision.encodeScalar(v, 0, v.length, want, 0);
    precision.encode(v, 0, v.length, got, 0);
    assertThat(got).isEqualTo(want);
  }
}
