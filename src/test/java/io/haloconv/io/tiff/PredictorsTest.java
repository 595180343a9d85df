package io.haloconv.io.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast undo of the floating-point predictor ({@link Predictors}) against the serial byte loop
 * and the byte-plane gathering it replaced, kept here as the reference: random rows of 16-, 32- and
 * 64-bit samples, awkward widths, 1 to 8 samples per pixel, rows anywhere in their array.
 */
class PredictorsTest {

  /** The loop TiffDecoder ran before: each byte plus the one spp before it, in order. */
  private static void referenceUndo(byte[] bytes, int from, int length, int spp) {
    for (int i = from + spp; i < from + length; i++) {
      bytes[i] += bytes[i - spp];
    }
  }

  @Test
  void undoByteDifferencesEqualsTheSerialLoop() {
    Random random = new Random(14);
    int cases = 0;
    for (int size : new int[] {1, 2, 4, 8}) {
      for (int spp = 1; spp <= 8; spp++) {
        for (int width = 1; width <= 71; width++) {
          for (int from : new int[] {0, 1, 3, 8, 13}) {
            int length = width * spp * size;
            byte[] bytes = new byte[from + length + 11];
            random.nextBytes(bytes);
            byte[] expected = bytes.clone();
            referenceUndo(expected, from, length, spp);
            Predictors.undoByteDifferences(bytes, from, length, spp);
            assertThat(bytes)
                .as("size %d, spp %d, width %d, from %d", size, spp, width, from)
                .containsExactly(expected);
            cases++;
          }
        }
      }
    }
    assertThat(cases).isEqualTo(4 * 8 * 71 * 5);
  }

  @Test
  void undoByteDifferencesOfLongRowsAndOfAllEqualBytes() {
    Random random = new Random(3);
    for (int spp : new int[] {1, 2, 3, 4}) {
      byte[] bytes = new byte[4 * 512 * spp + 5];
      random.nextBytes(bytes);
      byte[] expected = bytes.clone();
      referenceUndo(expected, 5, bytes.length - 5, spp);
      Predictors.undoByteDifferences(bytes, 5, bytes.length - 5, spp);
      assertThat(bytes).containsExactly(expected);
    }
    // every difference 0xff: the sums wrap around in every lane many times, carries must not leak
    byte[] ones = new byte[1000];
    java.util.Arrays.fill(ones, (byte) 0xff);
    byte[] expected = ones.clone();
    referenceUndo(expected, 0, ones.length, 1);
    Predictors.undoByteDifferences(ones, 0, ones.length, 1);
    assertThat(ones).containsExactly(expected);
    assertThat(ones[999]).isEqualTo((byte) 24); // 1000 · 255 mod 256
  }

  /** The gathering TiffDecoder ran before: each sample's bytes from the planes, then its bits. */
  private static float[] referenceFloats32(byte[] bytes, int from, int n) {
    float[] out = new float[n];
    for (int i = 0; i < n; i++) {
      long value = 0;
      for (int b = 0; b < 4; b++) {
        value = value << 8 | (bytes[from + b * n + i] & 0xffL);
      }
      out[i] = Float.intBitsToFloat((int) value);
    }
    return out;
  }

  @Test
  void floats32EqualsTheBytePlaneGatheringBitForBit() {
    Random random = new Random(5);
    for (int n = 1; n <= 73; n++) {
      for (int from : new int[] {0, 7}) {
        byte[] bytes = new byte[from + 4 * n + 3];
        random.nextBytes(bytes);
        float[] expected = referenceFloats32(bytes, from, n);
        float[] actual = new float[n + 2];
        Predictors.floats32(bytes, from, n, actual, 2);
        for (int i = 0; i < n; i++) {
          assertThat(Float.floatToRawIntBits(actual[2 + i]))
              .as("n %d, sample %d", n, i)
              .isEqualTo(Float.floatToRawIntBits(expected[i]));
        }
      }
    }
  }

  @Test
  void floats32ReadsTheMostSignificantPlaneFirst() {
    int bits = Float.floatToRawIntBits(-1.5f);
    byte[] planes = {(byte) (bits >>> 24), (byte) (bits >>> 16), (byte) (bits >>> 8), (byte) bits};
    float[] out = new float[1];
    Predictors.floats32(planes, 0, 1, out, 0);
    assertThat(out[0]).isEqualTo(-1.5f);
  }
}
