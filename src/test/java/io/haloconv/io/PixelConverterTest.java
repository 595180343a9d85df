package io.haloconv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The converter reads band meaning from the ColorModel, whatever the memory layout, and handles
 * child rasters whose sample model is translated (sub-images of a cached decode).
 */
class PixelConverterTest {
  @ParameterizedTest
  @ValueSource(
      ints = {
        BufferedImage.TYPE_3BYTE_BGR,
        BufferedImage.TYPE_INT_RGB,
        BufferedImage.TYPE_INT_BGR,
        BufferedImage.TYPE_4BYTE_ABGR,
        BufferedImage.TYPE_INT_ARGB
      })
  void everyMemoryLayoutYieldsRgbOrder(int type) {
    BufferedImage image = TestFiles.gradient(31, 23, type);
    boolean alpha = image.getColorModel().hasAlpha();
    PixelConverter converter =
        PixelConverter.of(image.getColorModel(), image.getSampleModel(), false);
    assertThat(converter.layout()).isEqualTo(alpha ? PixelLayout.RGBA : PixelLayout.RGB);
    assertThat(converter.bitDepth()).isEqualTo(8);
    // A child raster: origin (0, 0) at pixel (5, 7) of the parent, so its sample model is
    // translated; the converter must still find pixel (x, y) of the child.
    Raster child = image.getRaster().createChild(5, 7, 20, 10, 0, 0, null);
    Tensor3 got = converter.extract(child, 2, 3, 12, 6);
    for (int y = 0; y < 6; y++) {
      for (int x = 0; x < 12; x++) {
        int argb = image.getRGB(5 + 2 + x, 7 + 3 + y);
        assertThat(got.get(0, y, x)).isEqualTo((argb >> 16) & 0xff);
        assertThat(got.get(1, y, x)).isEqualTo((argb >> 8) & 0xff);
        assertThat(got.get(2, y, x)).isEqualTo(argb & 0xff);
        if (alpha) {
          assertThat(got.get(3, y, x)).isEqualTo(argb >>> 24);
        }
      }
    }
  }
}
