package io.haloconv.io;

import static io.haloconv.io.TestFiles.encode;
import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.haloconv.io.tiff.TiffBytes;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.TestImages;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** design.md §2's pixel conventions on generated images of every kind. */
class ChannelConventionsTest {
  @TempDir Path dir;

  record Decoded(ImageInfo info, Tensor3 pixels) {}

  private Decoded decode(byte[] bytes, String name) throws IOException {
    return decode(bytes, name, ChannelMode.KEEP, Normalization.RAW);
  }

  private Decoded decode(byte[] bytes, String name, ChannelMode mode, Normalization normalization)
      throws IOException {
    Path file = write(dir.resolve(name), bytes);
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    try (ImageSource source = ImageSource.open(local(), info, mode, normalization)) {
      return new Decoded(info, source.readAll());
    }
  }

  private static void assertRgb(Tensor3 got, BufferedImage image, boolean alpha) {
    assertThat(got.channels()).isEqualTo(alpha ? 4 : 3);
    for (int y = 0; y < image.getHeight(); y++) {
      for (int x = 0; x < image.getWidth(); x++) {
        int argb = image.getRGB(x, y);
        assertThat(new float[] {got.get(0, y, x), got.get(1, y, x), got.get(2, y, x)})
            .as("pixel %d,%d", x, y)
            .containsExactly((argb >> 16) & 0xff, (argb >> 8) & 0xff, argb & 0xff);
        if (alpha) {
          assertThat(got.get(3, y, x)).isEqualTo((argb >>> 24));
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp", "tiff"})
  void bgrStoredImagesComeBackInRgbOrder(String format) throws IOException {
    // TYPE_3BYTE_BGR keeps blue first in memory; the file and the decode must still say R, G, B.
    BufferedImage image = TestFiles.gradient(23, 17, BufferedImage.TYPE_3BYTE_BGR);
    Decoded decoded = decode(encode(image, format), "bgr." + format);
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.RGB);
    assertRgb(decoded.pixels(), image, false);
    BufferedImage packed = TestFiles.gradient(23, 17, BufferedImage.TYPE_INT_BGR);
    assertRgb(decode(encode(packed, format), "packed." + format).pixels(), packed, false);
  }

  @Test
  void abgrStoredPngComesBackAsRgba() throws IOException {
    BufferedImage image = TestFiles.gradient(19, 11, BufferedImage.TYPE_4BYTE_ABGR);
    Decoded decoded = decode(encode(image, "png"), "abgr.png");
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.RGBA);
    assertRgb(decoded.pixels(), image, true);
    BufferedImage argb = TestFiles.gradient(19, 11, BufferedImage.TYPE_INT_ARGB);
    assertRgb(decode(encode(argb, "png"), "argb.png").pixels(), argb, true);
  }

  @Test
  void palettesExpandToRgbOrRgbaWhenTransparent() throws IOException {
    byte[] r = {0, (byte) 200, 10, (byte) 255};
    byte[] g = {0, 100, (byte) 250, (byte) 255};
    byte[] b = {0, 50, 30, 0};
    byte[] a = {(byte) 255, (byte) 128, 0, (byte) 255};
    IndexColorModel opaque = new IndexColorModel(8, 4, r, g, b);
    IndexColorModel transparent = new IndexColorModel(8, 4, r, g, b, a);
    for (IndexColorModel palette : new IndexColorModel[] {opaque, transparent}) {
      BufferedImage image = new BufferedImage(9, 5, BufferedImage.TYPE_BYTE_INDEXED, palette);
      for (int y = 0; y < 5; y++) {
        for (int x = 0; x < 9; x++) {
          image.getRaster().setSample(x, y, 0, (x + y) % 4);
        }
      }
      boolean alpha = palette == transparent;
      Decoded png = decode(encode(image, "png"), "palette.png");
      assertThat(png.info().layout()).isEqualTo(alpha ? PixelLayout.RGBA : PixelLayout.RGB);
      assertThat(png.info().bitDepth()).isEqualTo(8);
      assertRgb(png.pixels(), image, alpha);
    }
    // GIF: a transparent index makes the first frame RGBA. (Not 4 rows or fewer: the JDK's
    // interlaced GIF writing loses such images' pixels.)
    IndexColorModel gifPalette = new IndexColorModel(8, 4, r, g, b, 2);
    BufferedImage gif = new BufferedImage(6, 40, BufferedImage.TYPE_BYTE_INDEXED, gifPalette);
    gif.getRaster().setSample(1, 1, 0, 2);
    gif.getRaster().setSample(2, 1, 0, 1);
    Decoded decoded = decode(encode(gif, "gif"), "t.gif");
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.RGBA);
    assertThat(decoded.pixels().get(3, 1, 1)).isZero();
    assertThat(decoded.pixels().get(3, 1, 2)).isEqualTo(255);
    assertThat(decoded.pixels().get(0, 1, 2)).isEqualTo(200);
  }

  @Test
  void grayPalettesOfPaletteFormatsStillExpandToRgb() throws IOException {
    BufferedImage gray = TestFiles.gradient(8, 8, BufferedImage.TYPE_BYTE_GRAY);
    // GIF is always a palette (here the 256-entry gray ramp): design.md §2 says palette → RGB.
    Decoded gif = decode(encode(gray, "gif"), "gray.gif");
    assertThat(gif.info().layout()).isEqualTo(PixelLayout.RGB);
    assertThat(gif.pixels().get(0, 3, 5)).isEqualTo(gif.pixels().get(2, 3, 5));
  }

  @ParameterizedTest
  @ValueSource(strings = {"png", "bmp", "wbmp", "tiff", "gif"})
  void oneBitImagesAreOneChannelOfZeroAndOne(String format) throws IOException {
    BufferedImage image = new BufferedImage(13, 7, BufferedImage.TYPE_BYTE_BINARY);
    for (int y = 0; y < 7; y++) {
      for (int x = 0; x < 13; x++) {
        image.getRaster().setSample(x, y, 0, (x * y + x) % 3 == 0 ? 1 : 0);
      }
    }
    Decoded decoded =
        decode(encode(image, format), "bits." + format, ChannelMode.KEEP, Normalization.UNIT);
    // Even in GIF, a palette format, a black-and-white 1-bit palette is binary.
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.BINARY);
    assertThat(decoded.info().channels()).isEqualTo(1);
    assertThat(decoded.info().bitDepth()).isEqualTo(1);
    for (int y = 0; y < 7; y++) {
      for (int x = 0; x < 13; x++) {
        assertThat(decoded.pixels().get(0, y, x)).isEqualTo(image.getRaster().getSample(x, y, 0));
      }
    }
  }

  @Test
  void oneBitWithWhiteFirstPaletteStillMapsWhiteToOne() throws IOException {
    IndexColorModel inverted =
        new IndexColorModel(
            1,
            2,
            new byte[] {(byte) 255, 0},
            new byte[] {(byte) 255, 0},
            new byte[] {(byte) 255, 0});
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_BYTE_BINARY, inverted);
    // White, black, black, white.
    image.getRaster().setSamples(0, 0, 4, 1, 0, new int[] {0, 1, 1, 0});
    Decoded decoded = decode(encode(image, "bmp"), "inverted.bmp");
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.BINARY);
    assertThat(decoded.pixels().data()).containsExactly(1, 0, 0, 1);
  }

  @Test
  void grayAlphaPngIsTwoChannels() throws IOException {
    ComponentColorModel model =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_GRAY),
            true,
            false,
            Transparency.TRANSLUCENT,
            DataBuffer.TYPE_BYTE);
    WritableRaster raster = model.createCompatibleWritableRaster(5, 3);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        raster.setSample(x, y, 0, 40 * x + y);
        raster.setSample(x, y, 1, 255 - 50 * x);
      }
    }
    BufferedImage image = new BufferedImage(model, raster, false, null);
    Decoded decoded = decode(encode(image, "png"), "ga.png");
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.GRAY_ALPHA);
    assertThat(decoded.info().channels()).isEqualTo(2);
    assertThat(decoded.pixels().get(0, 2, 4)).isEqualTo(162);
    assertThat(decoded.pixels().get(1, 2, 4)).isEqualTo(55);
  }

  @Test
  void sixteenBitImagesScaleBy65535() throws IOException {
    BufferedImage gray = new BufferedImage(3, 2, BufferedImage.TYPE_USHORT_GRAY);
    gray.getRaster().setSamples(0, 0, 3, 2, 0, new int[] {0, 1, 255, 256, 65534, 65535});
    Decoded decoded = decode(encode(gray, "png"), "g16.png", ChannelMode.KEEP, Normalization.UNIT);
    assertThat(decoded.info().bitDepth()).isEqualTo(16);
    assertThat(decoded.pixels().data())
        .containsExactly(0f, 1f / 65535f, 255f / 65535f, 256f / 65535f, 65534f / 65535f, 1f);
    Decoded raw = decode(encode(gray, "tiff"), "g16.tif");
    assertThat(raw.pixels().data()).containsExactly(0, 1, 255, 256, 65534, 65535);

    ComponentColorModel rgb16 =
        new ComponentColorModel(
            ColorSpace.getInstance(ColorSpace.CS_sRGB),
            false,
            false,
            Transparency.OPAQUE,
            DataBuffer.TYPE_USHORT);
    WritableRaster raster = rgb16.createCompatibleWritableRaster(2, 1);
    raster.setPixel(0, 0, new int[] {65535, 1000, 0});
    raster.setPixel(1, 0, new int[] {7, 40000, 65535});
    Decoded colour =
        decode(encode(new BufferedImage(rgb16, raster, false, null), "png"), "rgb16.png");
    assertThat(colour.info().layout()).isEqualTo(PixelLayout.RGB);
    assertThat(colour.info().bitDepth()).isEqualTo(16);
    assertThat(colour.pixels().data()).containsExactly(65535, 7, 1000, 40000, 0, 65535);
  }

  @Test
  void lowBitGrayPngIsGrayOfItsBitDepth() throws IOException {
    byte[] ramp = new byte[16];
    for (int i = 0; i < 16; i++) {
      ramp[i] = (byte) (i * 17);
    }
    IndexColorModel gray4 = new IndexColorModel(4, 16, ramp, ramp, ramp);
    BufferedImage image = new BufferedImage(16, 1, BufferedImage.TYPE_BYTE_BINARY, gray4);
    for (int x = 0; x < 16; x++) {
      image.getRaster().setSample(x, 0, 0, x);
    }
    Decoded decoded =
        decode(encode(image, "png"), "gray4.png", ChannelMode.KEEP, Normalization.UNIT);
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.GRAY);
    assertThat(decoded.info().bitDepth()).isEqualTo(4);
    assertThat(decoded.pixels().get(0, 0, 15)).isEqualTo(1f);
    assertThat(decoded.pixels().get(0, 0, 5)).isEqualTo(5f / 15f);
  }

  @Test
  void packedRgb565BmpScalesToEightBits() throws IOException {
    BufferedImage image = new BufferedImage(4, 1, BufferedImage.TYPE_USHORT_565_RGB);
    image.getRaster().setPixel(0, 0, new int[] {31, 63, 31});
    image.getRaster().setPixel(1, 0, new int[] {0, 32, 16});
    Decoded decoded = decode(encode(image, "bmp"), "565.bmp");
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.RGB);
    assertThat(decoded.info().bitDepth()).isEqualTo(8);
    assertThat(
            new float[] {
              decoded.pixels().get(0, 0, 0),
              decoded.pixels().get(1, 0, 0),
              decoded.pixels().get(2, 0, 0)
            })
        .containsExactly(255, 255, 255);
    assertThat(
            new float[] {
              decoded.pixels().get(0, 0, 1),
              decoded.pixels().get(1, 0, 1),
              decoded.pixels().get(2, 0, 1)
            })
        .containsExactly(0, 130, 132);
  }

  @Test
  void cmykJpegDecodesToRgb() throws IOException {
    // Adobe CMYK JPEGs store inverted ink: 255 = no ink. Left half cyan, right half white.
    Decoded decoded = decode(TestImages.cmykJpeg(32, 16), "cmyk.jpg");
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.RGB);
    assertThat(decoded.info().channels()).isEqualTo(3);
    Tensor3 pixels = decoded.pixels();
    // Cyan ink: little red, much green and blue. No ink: white. (Exact values depend on the
    // CMYK profile TwelveMonkeys applies.)
    assertThat(pixels.get(0, 8, 4)).isLessThan(100);
    assertThat(pixels.get(1, 8, 4)).isGreaterThan(120);
    assertThat(pixels.get(2, 8, 4)).isGreaterThan(180);
    for (int c = 0; c < 3; c++) {
      assertThat(pixels.get(c, 8, 28)).isCloseTo(255, within(12f));
    }
  }

  @Test
  void grayJpegIsOneChannel() throws IOException {
    BufferedImage image = TestFiles.gradient(16, 16, BufferedImage.TYPE_BYTE_GRAY);
    byte[] jpeg = encode(image, "jpeg");
    Decoded decoded = decode(jpeg, "gray.jpg");
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.GRAY);
    BufferedImage reference = TestFiles.jdkDecode(jpeg, "jpeg");
    assertThat(decoded.pixels().get(0, 9, 3)).isEqualTo(reference.getRaster().getSample(3, 9, 0));
  }

  @Test
  void multiBandTiffKeepsItsBands() throws IOException {
    // Pixel (x, y) band b holds b + 10·(3y + x).
    byte[] data = new byte[3 * 2 * 5];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i % 5 + 10 * (i / 5));
    }
    byte[] tiff =
        TiffBytes.tiff(
            3, 2, 5, 8, TiffBytes.PHOTOMETRIC_BLACK_IS_ZERO, TiffBytes.SAMPLE_UNSIGNED, 1, data);
    Decoded decoded = decode(tiff, "bands.tif");
    assertThat(decoded.info().channels()).isEqualTo(5);
    assertThat(decoded.info().layout()).isEqualTo(PixelLayout.MULTIBAND);
    assertThat(decoded.pixels().get(4, 1, 2)).isEqualTo(54);
    assertThat(decoded.pixels().get(2, 0, 1)).isEqualTo(12);
  }
}
