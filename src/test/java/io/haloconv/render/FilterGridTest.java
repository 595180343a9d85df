package io.haloconv.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;

/**
 * The filter-bank picture of the sample banks: one panel per filter and channel, signed colours.
 */
class FilterGridTest {
  private static int centre(Rendering r, Panel p, int tapY, int tapX, int taps) {
    int tap = p.width() / taps;
    return r.image().getRGB(p.x() + tapX * tap + tap / 2, p.y() + tapY * tap + tap / 2) & 0xffffff;
  }

  @Test
  void everyFilterAndChannelHasATapGridInSignedColours() {
    FilterBank bank = Samples.bank("edges.npz"); // 4 x 3 x 3 x 3
    Rendering r = FilterGrid.render(bank, "data/banks/edges.npz");
    assertThat(r.panels()).hasSize(12);
    double maxAbs = 0;
    for (float v : bank.weight()) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    for (int k = 0; k < 4; k++) {
      for (int c = 0; c < 3; c++) {
        Panel p = r.panel(k + "," + c);
        assertThat(p.width()).isEqualTo(p.height()).isEqualTo(48); // 16-pixel taps
        for (int y = 0; y < 3; y++) {
          for (int x = 0; x < 3; x++) {
            double t = 0.5 + bank.weight(k, c, y, x) / (2 * maxAbs);
            assertThat(centre(r, p, y, x, 3))
                .as("tap %d,%d,%d,%d", k, c, y, x)
                .isEqualTo(Colormap.DIVERGING.table()[(int) Math.round(t * 255)]);
          }
        }
      }
    }
    // Rows of filters go down, channels across.
    assertThat(r.panel("1,0").y()).isGreaterThan(r.panel("0,0").y());
    assertThat(r.panel("0,1").x()).isGreaterThan(r.panel("0,0").x());
  }

  @Test
  void sobelIsBlueLeftRedRight() {
    FilterBank sobel = FilterBanks.preset("sobel", 1); // filter 0: d/dx
    Rendering r = FilterGrid.render(sobel, "preset:sobel:1");
    Panel p = r.panel("0,0");
    int left = centre(r, p, 1, 0, 3);
    int right = centre(r, p, 1, 2, 3);
    assertThat(left & 0xff).isGreaterThan(left >> 16 & 0xff);
    assertThat(right >> 16 & 0xff).isGreaterThan(right & 0xff);
    assertThat(centre(r, p, 1, 1, 3)).isEqualTo(Colormap.DIVERGING.table()[128]); // zero
  }

  @Test
  void manyFiltersWrapIntoBlocksAndStayWithinBounds() {
    FilterBank bank = FilterBanks.random(64, 3, 7, 1);
    Rendering r = FilterGrid.render(bank, "random:64,3,7,1");
    BufferedImage image = r.image();
    assertThat(r.panels()).hasSize(64 * 3);
    assertThat(r.panel("63,0").x()).isGreaterThan(r.panel("0,2").x()); // a later block
    double aspect = (double) image.getWidth() / image.getHeight();
    assertThat(aspect).isBetween(0.75, 2.5);
    for (Panel p : r.panels()) {
      assertThat(p.x() + p.width()).isLessThanOrEqualTo(image.getWidth());
      assertThat(p.y() + p.height()).isLessThanOrEqualTo(image.getHeight());
    }
  }
}
