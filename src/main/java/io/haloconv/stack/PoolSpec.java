package io.haloconv.stack;

import io.haloconv.conv.AxisGeometry;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.Padding;
import java.io.Serializable;

/**
 * A pool layer's arithmetic (design.md §6): window size, stride and padding, PyTorch's {@code
 * max_pool2d}/{@code avg_pool2d} with {@code ceil_mode=False}: output size per axis is floor((in +
 * before + after − size)/stride) + 1.
 *
 * <p>Padding on a side may be at most half the window, PyTorch's limit; it guarantees every window
 * holds at least one real value, so a max pool never outputs its −∞ padding.
 */
public record PoolSpec(
    PoolOp op, int sizeHeight, int sizeWidth, int strideHeight, int strideWidth, Padding padding)
    implements Serializable {

  public PoolSpec {
    if (op == null) {
      throw new IllegalArgumentException("pool op is null");
    }
    if (padding == null) {
      throw new IllegalArgumentException("pool padding is null");
    }
    if (sizeHeight < 1 || sizeWidth < 1) {
      throw new IllegalArgumentException(
          "pool size must be >= 1, got " + sizeHeight + "x" + sizeWidth);
    }
    if (strideHeight < 1 || strideWidth < 1) {
      throw new IllegalArgumentException(
          "pool stride must be >= 1, got " + strideHeight + "," + strideWidth);
    }
    if (padding instanceof Padding.Explicit e) {
      checkHalf("top", e.top(), sizeHeight);
      checkHalf("bottom", e.bottom(), sizeHeight);
      checkHalf("left", e.left(), sizeWidth);
      checkHalf("right", e.right(), sizeWidth);
    }
    // "same" resolves to at most floor(size/2) per side (its total is at most size − 1).
  }

  private static void checkHalf(String side, int pad, int size) {
    if (pad > size / 2) {
      throw new IllegalArgumentException(
          "pool padding must be at most half the pool size, got "
              + side
              + " "
              + pad
              + " for size "
              + size);
    }
  }

  /**
   * Resolves padding and output size for an input of {@code height}×{@code width}, as {@link
   * io.haloconv.conv.ConvSpec#geometry} does for a convolution (the window is the kernel, dilation
   * 1).
   *
   * @throws IllegalArgumentException when the output would be empty
   */
  public ConvGeometry geometry(int height, int width) {
    AxisGeometry rows = padding.resolve(Padding.Axis.ROWS, height, sizeHeight, strideHeight, 1);
    AxisGeometry cols = padding.resolve(Padding.Axis.COLS, width, sizeWidth, strideWidth, 1);
    for (AxisGeometry axis : new AxisGeometry[] {rows, cols}) {
      if (axis.output() < 1) {
        String name = axis == rows ? "height" : "width";
        throw new IllegalArgumentException(
            "output would be empty: input "
                + name
                + " "
                + axis.input()
                + " + padding "
                + (axis.before() + axis.after())
                + " is smaller than the pool size "
                + axis.kernel());
      }
    }
    return new ConvGeometry(rows, cols);
  }
}
