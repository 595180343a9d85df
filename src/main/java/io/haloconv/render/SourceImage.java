package io.haloconv.render;

import io.haloconv.tensor.Tensor3;
import java.awt.image.BufferedImage;

/**
 * Draws a decoded input image (C × h × w floats) as a person would see it: 1 channel gray, 2 gray
 * and alpha, 3 RGB, 4 RGBA, alpha composited over a grey checkerboard. More channels show the first
 * as gray. Values already in [0, 1] (the {@code unit} scale) are shown as they are; other ranges
 * are stretched from their minimum to their maximum.
 */
final class SourceImage {
  private static final int CHECK = 8;

  private SourceImage() {}

  static void draw(BufferedImage image, Tensor3 source, Fit fit, int x, int y) {
    int c = source.channels();
    int h = source.height();
    int w = source.width();
    int plane = h * w;
    float lo = Float.POSITIVE_INFINITY;
    float hi = Float.NEGATIVE_INFINITY;
    int colourPlanes = c >= 3 && c <= 4 ? 3 : 1;
    for (int i = 0; i < colourPlanes * plane; i++) {
      float v = source.data()[i];
      if (Float.isFinite(v)) {
        lo = Math.min(lo, v);
        hi = Math.max(hi, v);
      }
    }
    if (lo >= 0 && hi <= 1 || lo > hi) {
      lo = 0;
      hi = 1;
    }
    float span = hi > lo ? hi - lo : 1;
    boolean alpha = c == 2 || c == 4;
    int outW = fit.size(w);
    int outH = fit.size(h);
    int[] row = new int[outW];
    for (int dy = 0; dy < outH; dy++) {
      for (int dx = 0; dx < outW; dx++) {
        double r;
        double g;
        double b;
        if (colourPlanes == 3) {
          r = unit(fit.sample(source.data(), 0, h, w, dy, dx), lo, span);
          g = unit(fit.sample(source.data(), plane, h, w, dy, dx), lo, span);
          b = unit(fit.sample(source.data(), 2 * plane, h, w, dy, dx), lo, span);
        } else {
          r = g = b = unit(fit.sample(source.data(), 0, h, w, dy, dx), lo, span);
        }
        if (alpha) {
          double a =
              Math.max(0, Math.min(1, fit.sample(source.data(), (c - 1) * plane, h, w, dy, dx)));
          double back = ((dx / CHECK + dy / CHECK) % 2 == 0) ? 0.8 : 1.0;
          r = r * a + back * (1 - a);
          g = g * a + back * (1 - a);
          b = b * a + back * (1 - a);
        }
        row[dx] =
            (int) Math.round(r * 255) << 16
                | (int) Math.round(g * 255) << 8
                | (int) Math.round(b * 255);
      }
      image.setRGB(x, y + dy, outW, 1, row, 0, outW);
    }
  }

  private static double unit(float v, float lo, float span) {
    if (Float.isNaN(v)) {
      return 0;
    }
    return Math.max(0, Math.min(1, (v - lo) / span));
  }
}
