package io.haloconv.render;

/**
 * An integer scale fitting an image into a square box: small images are enlarged by a whole factor
 * (nearest neighbour, so pixels stay sharp squares), large ones reduced by a whole factor, each
 * block of pixels becoming one: its mean for photographs, or for feature maps its value farthest
 * from the map's mean, so that thin edges and isolated peaks stay visible instead of averaging
 * away.
 *
 * @param up enlargement factor, 1 when reducing
 * @param down reduction factor, 1 when enlarging
 */
record Fit(int up, int down) {
  static Fit into(int height, int width, int box) {
    int side = Math.max(height, width);
    if (side <= box) {
      return new Fit(Math.max(1, box / side), 1);
    }
    return new Fit(1, (side + box - 1) / box);
  }

  int size(int source) {
    return up > 1 ? source * up : (source + down - 1) / down;
  }

  /**
   * The displayed value at (dy, dx) of a plane stored at {@code offset} in {@code data}: a pixel
   * for enlargements, the mean of the finite values of the block for reductions (NaN when none).
   */
  float sample(float[] data, int offset, int height, int width, int dy, int dx) {
    if (down == 1) {
      return data[offset + (dy / up) * width + dx / up];
    }
    int y0 = dy * down;
    int x0 = dx * down;
    int y1 = Math.min(height, y0 + down);
    int x1 = Math.min(width, x0 + down);
    double sum = 0;
    int n = 0;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        float v = data[offset + y * width + x];
        if (Float.isFinite(v)) {
          sum += v;
          n++;
        }
      }
    }
    return n == 0 ? Float.NaN : (float) (sum / n);
  }

  /**
   * Like {@link #sample}, but a reduced block shows its finite value farthest from {@code
   * reference} (NaN when none).
   */
  float extreme(float[] data, int offset, int height, int width, int dy, int dx, double reference) {
    if (down == 1) {
      return data[offset + (dy / up) * width + dx / up];
    }
    int y0 = dy * down;
    int x0 = dx * down;
    int y1 = Math.min(height, y0 + down);
    int x1 = Math.min(width, x0 + down);
    float best = Float.NaN;
    double distance = -1;
    for (int y = y0; y < y1; y++) {
      for (int x = x0; x < x1; x++) {
        float v = data[offset + y * width + x];
        if (Float.isFinite(v) && Math.abs(v - reference) > distance) {
          distance = Math.abs(v - reference);
          best = v;
        }
      }
    }
    return best;
  }
}
