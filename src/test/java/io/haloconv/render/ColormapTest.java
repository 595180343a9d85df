package io.haloconv.render;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColormapTest {
  /** CIE L* of an sRGB colour: the lightness a perceptual colormap must change evenly. */
  static double lightness(int rgb) {
    double y =
        0.2126 * linear(rgb >> 16 & 0xff)
            + 0.7152 * linear(rgb >> 8 & 0xff)
            + 0.0722 * linear(rgb & 0xff);
    return y > 216.0 / 24389 ? 116 * Math.cbrt(y) - 16 : y * 24389 / 27;
  }

  private static double linear(int c) {
    double v = c / 255.0;
    return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4);
  }

  private static void assertNear(int got, int want, int tolerance) {
    for (int shift : new int[] {16, 8, 0}) {
      assertThat(Math.abs((got >> shift & 0xff) - (want >> shift & 0xff)))
          .as("%06x vs %06x", got, want)
          .isLessThanOrEqualTo(tolerance);
    }
  }

  @Test
  void viridisLightnessRisesMonotonicallyFromPurpleToYellow() {
    int[] table = Colormap.VIRIDIS.table();
    // Rounding to 8 bits may flatten neighbours; over any 4 steps lightness must rise.
    for (int i = 1; i < table.length; i++) {
      assertThat(lightness(table[i]))
          .as("L* at %d", i)
          .isGreaterThan(lightness(table[i - 1]) - 0.5);
    }
    for (int i = 4; i < table.length; i++) {
      assertThat(lightness(table[i])).as("L* at %d", i).isGreaterThan(lightness(table[i - 4]));
    }
    assertThat(lightness(table[255]) - lightness(table[0])).isGreaterThan(70); // about 16 to 91
    // matplotlib's viridis starts at #440154, passes #21918c at the middle and ends at #fde725.
    assertNear(table[0], 0x440154, 4);
    assertNear(Colormap.VIRIDIS.rgb(0.5), 0x21918c, 4);
    assertNear(table[255], 0xfde725, 4);
  }

  @Test
  void divergingIsWhiteAtZeroBlueBelowRedAbove() {
    assertNear(Colormap.DIVERGING.rgb(0.5), 0xf7f7f7, 0);
    int low = Colormap.DIVERGING.rgb(0.1);
    int high = Colormap.DIVERGING.rgb(0.9);
    assertThat(low & 0xff).isGreaterThan(low >> 16 & 0xff);
    assertThat(high >> 16 & 0xff).isGreaterThan(high & 0xff);
    // Equal distances from zero are about equally light, so neither sign looks stronger.
    for (double d = 0.05; d <= 0.5; d += 0.05) {
      assertThat(
              Math.abs(
                  lightness(Colormap.DIVERGING.rgb(0.5 - d))
                      - lightness(Colormap.DIVERGING.rgb(0.5 + d))))
          .as("d=%f", d)
          .isLessThan(12);
    }
  }

  @Test
  void outOfRangeClampsAndNanIsMagenta() {
    assertThat(Colormap.VIRIDIS.rgb(-3)).isEqualTo(Colormap.VIRIDIS.rgb(0));
    assertThat(Colormap.VIRIDIS.rgb(7)).isEqualTo(Colormap.VIRIDIS.rgb(1));
    assertThat(Colormap.DIVERGING.rgb(Double.NaN)).isEqualTo(Colormap.NAN_RGB);
  }
}
