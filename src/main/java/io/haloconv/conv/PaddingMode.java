package io.haloconv.conv;

import java.util.Locale;

/**
 * How a convolution sees pixels outside the image, as PyTorch's {@code F.pad} modes. Each mode maps
 * a virtual coordinate on one axis to the image coordinate whose value it takes, or to {@link
 * #ZERO}. Tiling uses the same mapping, so a tile at an image edge reads exactly the pixels
 * whole-image padding would have produced — for {@code reflect}, {@code replicate} and {@code
 * circular} those are real pixels from elsewhere in the image.
 */
public enum PaddingMode {
  /** Constant zero outside the image. */
  ZEROS("zeros") {
    @Override
    public int sourceIndex(int virtual, int size) {
      return virtual >= 0 && virtual < size ? virtual : ZERO;
    }

    @Override
    public void checkPadding(String axis, int before, int after, int size) {}
  },
  /** Mirror without repeating the edge pixel: -1 reads 1, size reads size-2. */
  REFLECT("reflect") {
    @Override
    public int sourceIndex(int virtual, int size) {
      if (virtual >= 0 && virtual < size) {
        return virtual;
      }
      if (size == 1) {
        return 0;
      }
      int period = 2 * (size - 1);
      int m = Math.floorMod(virtual, period);
      return m < size ? m : period - m;
    }

    @Override
    public void checkPadding(String axis, int before, int after, int size) {
      // PyTorch refuses reflect padding that would reflect more than once.
      int pad = Math.max(before, after);
      if (pad >= size) {
        throw new IllegalArgumentException(
            "reflect padding " + pad + " must be < the input " + axis + " " + size);
      }
    }
  },
  /** Repeat the edge pixel. */
  REPLICATE("replicate") {
    @Override
    public int sourceIndex(int virtual, int size) {
      return Math.min(Math.max(virtual, 0), size - 1);
    }

    @Override
    public void checkPadding(String axis, int before, int after, int size) {}
  },
  /** Wrap around: -1 reads size-1. */
  CIRCULAR("circular") {
    @Override
    public int sourceIndex(int virtual, int size) {
      return Math.floorMod(virtual, size);
    }

    @Override
    public void checkPadding(String axis, int before, int after, int size) {
      // PyTorch refuses circular padding that wraps more than once.
      int pad = Math.max(before, after);
      if (pad > size) {
        throw new IllegalArgumentException(
            "circular padding " + pad + " must be <= the input " + axis + " " + size);
      }
    }
  };

  /** What {@link #sourceIndex} returns for a position that reads as zero. */
  public static final int ZERO = -1;

  private final String cliName;

  PaddingMode(String cliName) {
    this.cliName = cliName;
  }

  /**
   * The image coordinate whose value virtual coordinate {@code virtual} takes, or {@link #ZERO}.
   */
  public abstract int sourceIndex(int virtual, int size);

  /**
   * Refuses padding this mode cannot produce for an axis of {@code size} pixels, as PyTorch does.
   */
  public abstract void checkPadding(String axis, int before, int after, int size);

  public String cliName() {
    return cliName;
  }

  public static PaddingMode parse(String text) {
    for (PaddingMode mode : values()) {
      if (mode.cliName.equals(text.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "padding mode must be zeros, reflect, replicate or circular, got '" + text + "'");
  }
}
