package io.haloconv.conv;

import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Npz;
import io.haloconv.tensor.SafeTensors;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Map;

/**
 * Reads filter banks from array files: {@code .npz} (numpy's {@code savez}, compressed or not) and
 * {@code .safetensors}, each holding {@code weight} (K, C/groups, Fh, Fw) and optionally {@code
 * bias} (K). Headers are read first and sizes bounded before any array is allocated.
 */
public final class BankFiles {
  /** No bank array may declare more values than this (1 GiB of float32). */
  public static final long MAX_VALUES = 1L << 28;

  private BankFiles() {}

  public static FilterBank fromNpz(InputStream in) throws IOException {
    return fromArrays(Npz.read(in, MAX_VALUES), "npz");
  }

  public static FilterBank fromSafeTensors(InputStream in) throws IOException {
    return fromArrays(SafeTensors.read(in, MAX_VALUES), "safetensors");
  }

  /** Builds a bank from named arrays {@code weight} and optional {@code bias}. */
  public static FilterBank fromArrays(Map<String, NpyArray> arrays, String format) {
    NpyArray weight = arrays.get("weight");
    if (weight == null) {
      throw new IllegalArgumentException(
          format + " bank has no array named 'weight' (has " + arrays.keySet() + ")");
    }
    if (weight.rank() != 4) {
      throw new IllegalArgumentException(
          "bank weight must be rank 4 (K, C, Fh, Fw), got rank "
              + weight.rank()
              + " "
              + Arrays.toString(weight.shape()));
    }
    float[] bias = null;
    NpyArray biasArray = arrays.get("bias");
    if (biasArray != null) {
      if (biasArray.rank() != 1 || biasArray.dimension(0) != weight.dimension(0)) {
        throw new IllegalArgumentException(
            "bank bias must have shape ("
                + weight.dimension(0)
                + ",) to match "
                + weight.dimension(0)
                + " filters, got "
                + Arrays.toString(biasArray.shape()));
      }
      bias = biasArray.data();
    }
    return new FilterBank(
        weight.dimension(0),
        weight.dimension(1),
        weight.dimension(2),
        weight.dimension(3),
        weight.data(),
        bias);
  }
}
