package io.haloconv.spark;

import io.haloconv.conv.FilterBank;

/** Small hand-made banks for job tests. */
public final class FilterBankFixtures {
  private FilterBankFixtures() {}

  /** One 3×3 box filter over one channel. */
  public static FilterBank grayBank() {
    float[] w = new float[9];
    java.util.Arrays.fill(w, 1f / 9);
    return new FilterBank(1, 1, 3, 3, w, null);
  }
}
