package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.io.Serializable;

/**
 * Which decoded pixels of one image are nodata: a pixel is masked when any of its source bands
 * equals {@code value} or, with {@code nan}, is NaN. Compared on the decoded sample values as
 * float32, before normalisation and channel conversion, as GDAL compares a band's values with its
 * nodata value cast to the band's type.
 *
 * @param value the nodata value as float32, or NaN for none (NaN never equals anything)
 * @param nan whether NaN samples are masked
 */
public record NodataMask(float value, boolean nan) implements Serializable {
  public NodataMask {
    if (Float.isNaN(value) && !nan) {
      throw new IllegalArgumentException("a nodata mask needs a value or NaN masking");
    }
  }

  /**
   * Marks the masked pixels of {@code raw} (decoded samples, C×h×w) in {@code mask} (h×w): 1 where
   * masked, 0 elsewhere.
   *
   * @return the number of masked pixels
   */
  public int mark(Tensor3 raw, float[] mask) {
    int plane = raw.height() * raw.width();
    float[] data = raw.data();
    float v = value;
    boolean n = nan;
    // One pass per band, each writing every mask value (no fill, no branch on the mask): the first
    // band sets it, the others OR into it; the count comes from the last pass.
    int count = 0;
    for (int c = 0; c < raw.channels(); c++) {
      int base = c * plane;
      boolean last = c == raw.channels() - 1;
      for (int i = 0; i < plane; i++) {
        float s = data[base + i];
        boolean hit = s == v || (n && s != s) || (c > 0 && mask[i] != 0f);
        mask[i] = hit ? 1f : 0f;
        if (last && hit) {
          count++;
        }
      }
    }
    return count;
  }

  /** Sets every channel of the masked pixels of {@code values} (C×h×w) to 0. */
  public static void zero(Tensor3 values, float[] mask) {
    int plane = values.height() * values.width();
    float[] data = values.data();
    for (int c = 0; c < values.channels(); c++) {
      int base = c * plane;
      for (int i = 0; i < plane; i++) {
        if (mask[i] != 0f) {
          data[base + i] = 0f;
        }
      }
    }
  }
}
