package io.haloconv.stack;

import java.util.Arrays;

/**
 * Pools a window that already carries its padding (−∞ for max, 0 for avg): a <em>valid</em> pool
 * with the spec's size and stride, each channel alone. Every output reduces its window in one fixed
 * order — rows, then columns — whatever part of the map the window came from, so tiled results are
 * bitwise those of the whole map.
 */
final class Pool2d {
  private Pool2d() {}

  static void pool(
      PoolSpec spec,
      float[] window,
      int channels,
      int height,
      int width,
      float[] out,
      int outHeight,
      int outWidth) {
    int kh = spec.sizeHeight();
    int kw = spec.sizeWidth();
    int sh = spec.strideHeight();
    int sw = spec.strideWidth();
    if ((outHeight - 1) * sh + kh > height || (outWidth - 1) * sw + kw > width) {
      throw new IllegalArgumentException(
          "window "
              + height
              + "x"
              + width
              + " is too small for "
              + outHeight
              + "x"
              + outWidth
              + " pool outputs");
    }
    boolean max = spec.op() == PoolOp.MAX;
    // The count includes padding (count_include_pad=True) and ceil_mode is off, so it is the same
    // for every window.
    float count = (float) kh * kw;
    for (int c = 0; c < channels; c++) {
      for (int oy = 0; oy < outHeight; oy++) {
        int o0 = (c * outHeight + oy) * outWidth;
        int o1 = o0 + outWidth;
        Arrays.fill(out, o0, o1, max ? Float.NEGATIVE_INFINITY : 0f);
        for (int ky = 0; ky < kh; ky++) {
          int row = (c * height + oy * sh + ky) * width;
          for (int kx = 0; kx < kw; kx++) {
            int in = row + kx;
            if (max) {
              for (int o = o0; o < o1; o++, in += sw) {
                float v = window[in];
                float m = out[o];
                // NaN wins and stays, as in PyTorch's max_pool2d.
                out[o] = v > m || v != v ? v : m;
              }
            } else {
              for (int o = o0; o < o1; o++, in += sw) {
                out[o] += window[in];
              }
            }
          }
        }
        if (!max) {
          for (int o = o0; o < o1; o++) {
            out[o] /= count;
          }
        }
      }
    }
  }
}
