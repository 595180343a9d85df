package io.haloconv.tiling;

import java.io.Serializable;

/**
 * A rectangle of input pixels in image coordinates, half-open: rows [y0, y0+height), columns [x0,
 * x0+width). A tile's window may start before 0 or end past the image: those pixels are padding.
 */
public record Window(int y0, int x0, int height, int width) implements Serializable {
  public Window {
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "window must be at least 1x1, got " + height + "x" + width);
    }
  }

  public int y1() {
    return y0 + height;
  }

  public int x1() {
    return x0 + width;
  }

  /**
   * True when every pixel of the window lies inside a {@code imageHeight}×{@code imageWidth} image.
   */
  public boolean inside(int imageHeight, int imageWidth) {
    return y0 >= 0 && x0 >= 0 && y1() <= imageHeight && x1() <= imageWidth;
  }
}
