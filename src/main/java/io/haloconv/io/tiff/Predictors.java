package io.haloconv.io.tiff;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * The undo loops of TIFF's floating-point predictor (Adobe's TIFF Technote 3), written to be fast
 * and exact: they give bit for bit what libtiff's {@code fpAcc} and the byte loop they replace give
 * (PredictorsTest keeps that loop as its reference).
 *
 * <p>The predictor stores a row of {@code n} samples of {@code size} bytes as {@code size} byte
 * planes (each sample's most significant byte first, in the plane of its significance), then
 * replaces every byte but the first {@code spp} by its difference from the byte {@code spp} before
 * it, across the whole row. Undoing it is a prefix sum modulo 256 with stride {@code spp}: done a
 * byte at a time ({@code bytes[i] += bytes[i - spp]}) each byte waits for the store of the one
 * before it, 86 % of a COG's decode time in JFR.
 */
final class Predictors {
  private Predictors() {}

  /** Little-endian longs over a byte array, unaligned: eight byte lanes, lane 0 first in memory. */
  private static final VarHandle LONGS =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  /** The top bit of every byte lane. */
  private static final long HIGH_BITS = 0x8080808080808080L;

  /**
   * Undoes the byte differences of one row, in place: {@code bytes[i] += bytes[i - spp]} for {@code
   * i} from {@code from + spp} to {@code from + length - 1}, in that order.
   *
   * <p>For 1 to 7 samples per pixel it works on eight bytes at a time (SWAR): within a long,
   * doubling steps (add the long shifted by {@code spp}, {@code 2 spp}, {@code 4 spp} bytes, while
   * that is under eight, lane by lane without carries between lanes) turn the differences into sums
   * from the long's first byte; then adding the previous long's last {@code spp} bytes, repeated
   * with period {@code spp} across the lanes, continues the row. Only that last addition chains one
   * long to the next. Byte addition modulo 256 is associative and commutative, so any order of the
   * additions gives the serial loop's bytes. RGB (3) and RGBA (4) are the common cases. Wider
   * pixels keep each of the {@code spp} running sums in a register instead.
   */
  static void undoByteDifferences(byte[] bytes, int from, int length, int spp) {
    if (length <= spp) {
      return;
    }
    int end = from + length;
    int i = from;
    if (spp < 8) {
      long replicate =
          switch (spp) {
            case 1 -> 0x0101010101010101L; // lanes 0-7
            case 2 -> 0x0001000100010001L; // lanes 0, 2, 4, 6
            case 3 -> 0x0001000001000001L; // lanes 0, 3, 6
            case 4 -> 0x0000000100000001L; // lanes 0, 4
            default -> 1L | 1L << 8 * spp; // lanes 0 and spp (5, 6, 7)
          };
      i = spp == 1 ? swar1(bytes, from, end) : swar(bytes, from, end, spp, replicate);
      if (i == from) {
        // under eight bytes: the tail loop below would read before the row's first byte
        scalar(bytes, from, end, spp);
        return;
      }
      // the tail, from the last long's sums
      for (; i < end; i++) {
        bytes[i] += bytes[i - spp];
      }
      return;
    }
    scalar(bytes, from, end, spp);
  }

  /**
   * The whole longs of a row, for {@code spp} from 2 to 7: returns the index after the last long.
   * Lane {@code j} continues the running sum of the byte {@code (j mod spp) + 1} lanes before the
   * previous long's end: its last {@code spp} lanes, moved to the first and repeated every {@code
   * spp} lanes by multiplying with {@code replicate}.
   */
  private static int swar(byte[] bytes, int from, int end, int spp, long replicate) {
    int shift = 64 - 8 * spp;
    long carry = 0;
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long x = (long) LONGS.get(bytes, i);
      x = addLanes(x, x << 8 * spp);
      if (spp < 4) {
        x = addLanes(x, x << 16 * spp);
      }
      x = addLanes(x, carry);
      LONGS.set(bytes, i, x);
      carry = (x >>> shift) * replicate;
    }
    return i;
  }

  /** {@link #swar} for one sample per pixel, with its three doubling steps as constants. */
  private static int swar1(byte[] bytes, int from, int end) {
    long carry = 0;
    int i = from;
    for (; i + 8 <= end; i += 8) {
      long x = (long) LONGS.get(bytes, i);
      x = addLanes(x, x << 8);
      x = addLanes(x, x << 16);
      x = addLanes(x, x << 32);
      x = addLanes(x, carry);
      LONGS.set(bytes, i, x);
      carry = (x >>> 56) * 0x0101010101010101L;
    }
    return i;
  }

  /** The serial undo with each lane's running sum in a local: no load waits for a store. */
  private static void scalar(byte[] bytes, int from, int end, int spp) {
    for (int s = 0; s < spp && from + s < end; s++) {
      byte sum = bytes[from + s];
      for (int i = from + s + spp; i < end; i += spp) {
        sum += bytes[i];
        bytes[i] = sum;
      }
    }
  }

  /** Adds two longs as eight independent bytes, modulo 256 each (no carry crosses a lane). */
  private static long addLanes(long a, long b) {
    return ((a & ~HIGH_BITS) + (b & ~HIGH_BITS)) ^ ((a ^ b) & HIGH_BITS);
  }

  /**
   * Float32 samples from one undone row of byte planes: sample {@code i} is the big-endian word of
   * bytes {@code from + i}, {@code from + n + i}, {@code from + 2n + i} and {@code from + 3n + i},
   * written to {@code out[at + i]}.
   */
  static void floats32(byte[] bytes, int from, int n, float[] out, int at) {
    int p1 = from + n;
    int p2 = p1 + n;
    int p3 = p2 + n;
    for (int i = 0; i < n; i++) {
      int bits =
          (bytes[from + i] & 0xff) << 24
              | (bytes[p1 + i] & 0xff) << 16
              | (bytes[p2 + i] & 0xff) << 8
              | (bytes[p3 + i] & 0xff);
      out[at + i] = Float.intBitsToFloat(bits);
    }
  }
}
