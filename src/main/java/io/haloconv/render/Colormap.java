package io.haloconv.render;

/**
 * Maps a value in [0, 1] to an sRGB colour ({@code 0xRRGGBB}). Values outside [0, 1] are clamped;
 * NaN gets {@link #NAN_RGB}.
 */
public enum Colormap {
  /**
   * matplotlib's viridis, perceptually uniform and readable in grey and by colour-blind viewers:
   * dark purple at 0, green at 0.5, yellow at 1. Evaluated from a 6th-degree polynomial fit of the
   * published table (within about 3/255 of it per component), which keeps its lightness rising
   * monotonically.
   */
  VIRIDIS {
    @Override
    public int rgb(double t) {
      if (Double.isNaN(t)) {
        return NAN_RGB;
      }
      double x = clamp(t);
      return pack(
          horner(
              x,
              0.2777273272234177,
              0.1050930431085774,
              -0.3308618287255563,
              -4.634230498983486,
              6.228269936347081,
              4.776384997670288,
              -5.435455855934631),
          horner(
              x,
              0.005407344544966578,
              1.404613529898575,
              0.214847559468213,
              -5.799100973351585,
              14.17993336680509,
              -13.74514537774601,
              4.645852612178535),
          horner(
              x,
              0.3340998053353061,
              1.384590162594685,
              0.09509516302823659,
              -19.33244095627987,
              56.69055260068105,
              -65.35303263337234,
              26.3124352495832));
    }
  },
  /**
   * A diverging map for signed values such as filter weights: ColorBrewer's 11-class RdBu, reversed
   * so that 0 is dark blue (most negative), 0.5 near white (zero) and 1 dark red (most positive),
   * linearly interpolated in sRGB as matplotlib's {@code RdBu_r} is.
   */
  DIVERGING {
    private final int[] stops = {
      0x053061, 0x2166ac, 0x4393c3, 0x92c5de, 0xd1e5f0, 0xf7f7f7, 0xfddbc7, 0xf4a582, 0xd6604d,
      0xb2182b, 0x67001f
    };

    @Override
    public int rgb(double t) {
      if (Double.isNaN(t)) {
        return NAN_RGB;
      }
      double position = clamp(t) * (stops.length - 1);
      int i = Math.min((int) position, stops.length - 2);
      double f = position - i;
      int a = stops[i];
      int b = stops[i + 1];
      return pack(
          lerp(a >> 16, b >> 16, f) / 255,
          lerp(a >> 8 & 0xff, b >> 8 & 0xff, f) / 255,
          lerp(a & 0xff, b & 0xff, f) / 255);
    }
  };

  /** Magenta: a colour neither map uses, for NaN. */
  public static final int NAN_RGB = 0xff00ff;

  /** The colour of {@code t}, as {@code 0xRRGGBB}. */
  public abstract int rgb(double t);

  /** A 256-entry lookup table of this map, for inner loops. */
  public int[] table() {
    int[] table = new int[256];
    for (int i = 0; i < 256; i++) {
      table[i] = rgb(i / 255.0);
    }
    return table;
  }

  private static double clamp(double t) {
    return t < 0 ? 0 : t > 1 ? 1 : t;
  }

  private static double lerp(int a, int b, double f) {
    return (a & 0xff) + ((b & 0xff) - (a & 0xff)) * f;
  }

  private static double horner(double x, double... c) {
    double v = c[c.length - 1];
    for (int i = c.length - 2; i >= 0; i--) {
      v = v * x + c[i];
    }
    return v;
  }

  private static int pack(double r, double g, double b) {
    return channel(r) << 16 | channel(g) << 8 | channel(b);
  }

  private static int channel(double v) {
    long c = Math.round(v * 255);
    return (int) Math.max(0, Math.min(255, c));
  }
}
