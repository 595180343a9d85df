package io.haloconv.io.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.io.Readers;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;

/**
 * The JPEG/WebP chunk paths of {@link TiffImageCodecs}: the table-driven YCbCr conversion against
 * the per-pixel formula it replaced, on every input, and the raster copy against {@code
 * Raster.getSamples}, on the layouts the readers give and on ones the fast copy must refuse.
 */
class TiffImageCodecsTest {

  /** The conversion as it was computed per pixel before the tables: the reference. */
  private static void referenceYCbCrToRgb(byte[] pixels) {
    for (int i = 0; i + 2 < pixels.length; i += 3) {
      int y = pixels[i] & 0xff;
      int cb = (pixels[i + 1] & 0xff) - 128;
      int cr = (pixels[i + 2] & 0xff) - 128;
      pixels[i] = clamp(y + Math.round(1.40200f * cr));
      pixels[i + 1] = clamp(y + Math.round(-0.34414f * cb - 0.71414f * cr));
      pixels[i + 2] = clamp(y + Math.round(1.77200f * cb));
    }
  }

  private static byte clamp(int value) {
    return (byte) Math.max(0, Math.min(255, value));
  }

  @Test
  void yCbCrToRgbEqualsThePerPixelFormulaOnAllTwoToTheTwentyFourInputs() {
    byte[] actual = new byte[256 * 256 * 3];
    byte[] expected = new byte[actual.length];
    long mismatches = 0;
    long clampedLow = 0;
    long clampedHigh = 0;
    for (int y = 0; y < 256; y++) {
      for (int cb = 0, i = 0; cb < 256; cb++) {
        for (int cr = 0; cr < 256; cr++, i += 3) {
          actual[i] = (byte) y;
          actual[i + 1] = (byte) cb;
          actual[i + 2] = (byte) cr;
        }
      }
      System.arraycopy(actual, 0, expected, 0, actual.length);
      TiffImageCodecs.yCbCrToRgb(actual);
      referenceYCbCrToRgb(expected);
      for (int i = 0; i < actual.length; i++) {
        if (actual[i] != expected[i]) {
          mismatches++;
        }
        clampedLow += expected[i] == 0 ? 1 : 0;
        clampedHigh += expected[i] == (byte) 255 ? 1 : 0;
      }
    }
    assertThat(mismatches).isZero();
    // the inputs reach both ends of the clamp, so the clamp table was exercised
    assertThat(clampedLow).isGreaterThan(100_000);
    assertThat(clampedHigh).isGreaterThan(100_000);
  }

  @Test
  void yCbCrToRgbLeavesATrailingPartialPixel() {
    byte[] pixels = {(byte) 200, 10, (byte) 240, 7, 9};
    byte[] expected = pixels.clone();
    referenceYCbCrToRgb(expected);
    TiffImageCodecs.yCbCrToRgb(pixels);
    assertThat(pixels).containsExactly(expected);
    assertThat(pixels[3]).isEqualTo((byte) 7);
    assertThat(pixels[4]).isEqualTo((byte) 9);
  }

  /** The copy before the fast path: getSamples per row and band. */
  private static byte[] referenceSamples(Raster raster, int width, int rows, int spp) {
    int columns = Math.min(width, raster.getWidth());
    byte[] out = new byte[rows * width * spp];
    int[] band = new int[columns];
    for (int r = 0; r < rows; r++) {
      for (int s = 0; s < spp; s++) {
        raster.getSamples(raster.getMinX(), raster.getMinY() + r, columns, 1, s, band);
        for (int c = 0, at = r * width * spp + s; c < columns; c++, at += spp) {
          out[at] = (byte) band[c];
        }
      }
    }
    return out;
  }

  private static Raster jdkJpegRaster(int width, int height, long seed) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    Random random = new Random(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    assertThat(ImageIO.write(image, "jpeg", bytes)).isTrue();
    ImageReader reader = Readers.jdkJpegReader();
    try (MemoryCacheImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      reader.setInput(in, true, true);
      return reader.readRaster(0, null);
    } finally {
      reader.dispose();
    }
  }

  @Test
  void jpegRasterCopyEqualsGetSamplesAtChunkWidthsBelowAtAndAboveTheRasters() throws IOException {
    Raster raster = jdkJpegRaster(37, 29, 1);
    assertThat(raster.getNumBands()).isEqualTo(3);
    for (int width : new int[] {37, 40, 64}) {
      for (int rows : new int[] {1, 17, 29}) {
        byte[] actual = TiffImageCodecs.samples(raster, width, 37, "tile 0", rows, 3);
        assertThat(actual).containsExactly(referenceSamples(raster, width, rows, 3));
      }
    }
    // a chunk narrower than the raster (the image's right edge inside the chunk)
    byte[] narrow = TiffImageCodecs.samples(raster, 20, 20, "tile 0", 29, 3);
    assertThat(narrow).containsExactly(referenceSamples(raster, 20, 29, 3));
    assertThat(narrow).isNotEqualTo(new byte[narrow.length]);
  }

  @Test
  void rasterCopyHandlesChildRastersBandOrderAndOtherBufferTypes() throws IOException {
    Random random = new Random(2);
    // an interleaved byte raster seen through a translated child (data offset and min x/y)
    WritableRaster parent =
        Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 50, 40, 3, new java.awt.Point(5, 7));
    for (int y = 0; y < 40; y++) {
      for (int x = 0; x < 50; x++) {
        for (int s = 0; s < 3; s++) {
          parent.setSample(5 + x, 7 + y, s, random.nextInt(256));
        }
      }
    }
    Raster child = parent.createChild(16, 19, 30, 20, 100, 200, null);
    assertThat(TiffImageCodecs.samples(child, 30, 30, "t", 20, 3))
        .containsExactly(referenceSamples(child, 30, 20, 3));
    // bands in BGR order in memory: the fast copy must refuse, the result still be RGB
    BufferedImage bgr = new BufferedImage(23, 11, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < 11; y++) {
      for (int x = 0; x < 23; x++) {
        bgr.setRGB(x, y, random.nextInt(1 << 24));
      }
    }
    assertThat(TiffImageCodecs.samples(bgr.getRaster(), 23, 23, "t", 11, 3))
        .containsExactly(referenceSamples(bgr.getRaster(), 23, 11, 3));
    assertThat(TiffImageCodecs.samples(bgr.getRaster(), 23, 23, "t", 11, 3)[0] & 0xff)
        .isEqualTo(bgr.getRGB(0, 0) >> 16 & 0xff);
    // packed ints (WebP's ARGB images), first three of four bands
    BufferedImage argb = new BufferedImage(13, 9, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 9; y++) {
      for (int x = 0; x < 13; x++) {
        argb.setRGB(x, y, random.nextInt());
      }
    }
    assertThat(TiffImageCodecs.samples(argb.getRaster(), 16, 13, "t", 9, 3))
        .containsExactly(referenceSamples(argb.getRaster(), 16, 9, 3));
    // four interleaved bytes of which the chunk keeps three: the stride differs, so no fast copy
    BufferedImage abgr = new BufferedImage(13, 9, BufferedImage.TYPE_4BYTE_ABGR);
    abgr.getGraphics().drawImage(argb, 0, 0, null);
    assertThat(TiffImageCodecs.samples(abgr.getRaster(), 13, 13, "t", 9, 3))
        .containsExactly(referenceSamples(abgr.getRaster(), 13, 9, 3));
  }
}
