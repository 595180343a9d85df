package io.haloconv.io;

import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.haloconv.io.tiff.TiffBytes;
import io.haloconv.tensor.Tensor3;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.Base64;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebP, progressive JPEG, interlaced PNG, float and signed TIFF. */
class MoreFormatsTest {
  /**
   * A 5x3 lossless RGBA WebP written by Pillow 12 (libwebp, {@code lossless=True, exact=True}):
   * pixel (x, y) is colour (x + y) % 5 of red, half-transparent green, transparent blue, (10, 20,
   * 30), (200, 100, 50).
   */
  private static final String LOSSLESS_RGBA_WEBP =
      "UklGRkwAAABXRUJQVlA4TEAAAAAvBIAAECcgECBM+PI/Y4NM2qZ961/PrI1M2qb10Hv+XU5AQnguywUc7ks2W0A"
          + "hG0lwcD+EFTiDdbiI/scteq4C";

  /** A 16x16 lossy WebP of colour (200, 40, 90), quality 95; libwebp decodes (200, 39, 89). */
  private static final String LOSSY_RGB_WEBP =
      "UklGRjYAAABXRUJQVlA4ICoAAABwAQCdASoQABAAAIAIJaACdAF1AAD++nkuIP/+uif//Wjn//rRz/1xAAA=";

  @TempDir Path dir;

  private Tensor3 readAll(ImageInfo info) throws ImageReadException {
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.RAW)) {
      return source.readAll();
    }
  }

  private ImageInfo probe(String name, byte[] bytes) throws ImageReadException {
    return ImageProbe.probe(
        local(), hadoop(write(dir.resolve(name), bytes)), ImageProbe.DEFAULT_MAX_PIXELS);
  }

  @Test
  void decodesLosslessWebpWithAlpha() throws IOException {
    ImageInfo info = probe("a.webp", Base64.getDecoder().decode(LOSSLESS_RGBA_WEBP));
    assertThat(info.format()).isEqualTo(ImageFormat.WEBP);
    assertThat(info.layout()).isEqualTo(PixelLayout.RGBA);
    assertThat(info.width()).isEqualTo(5);
    assertThat(info.height()).isEqualTo(3);
    Tensor3 pixels = readAll(info);
    int[][] colours = {
      {255, 0, 0, 255}, {0, 255, 0, 128}, {0, 0, 255, 0}, {10, 20, 30, 255}, {200, 100, 50, 255}
    };
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 5; x++) {
        int[] colour = colours[(x + y) % 5];
        for (int c = 0; c < 4; c++) {
          assertThat(pixels.get(c, y, x)).as("channel %d of %d,%d", c, x, y).isEqualTo(colour[c]);
        }
      }
    }
  }

  @Test
  void decodesLossyWebp() throws IOException {
    ImageInfo info = probe("b.webp", Base64.getDecoder().decode(LOSSY_RGB_WEBP));
    assertThat(info.layout()).isEqualTo(PixelLayout.RGB);
    Tensor3 pixels = readAll(info);
    assertThat(pixels.get(0, 8, 8)).isCloseTo(200, within(2f));
    assertThat(pixels.get(1, 8, 8)).isCloseTo(40, within(2f));
    assertThat(pixels.get(2, 8, 8)).isCloseTo(90, within(2f));
  }

  @Test
  void progressiveJpegAndInterlacedPngMatchTheirReferenceDecodes() throws IOException {
    BufferedImage image = TestFiles.gradient(37, 29, BufferedImage.TYPE_3BYTE_BGR);
    ImageWriteParam progressive = TestFiles.jdkWriter("jpeg").getDefaultWriteParam();
    progressive.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    byte[] jpeg = TestFiles.encode(image, "jpeg", progressive);
    Tensor3 decoded = readAll(probe("p.jpg", jpeg));
    assertThat(
            decoded.bitwiseEquals(
                RegionReadTest.rgb(TestFiles.jdkDecode(jpeg, "jpeg"), 0, 0, 29, 37)))
        .isTrue();

    ImageWriteParam interlaced = TestFiles.jdkWriter("png").getDefaultWriteParam();
    interlaced.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    byte[] png = TestFiles.encode(image, "png", interlaced);
    assertThat(readAll(probe("i.png", png)).bitwiseEquals(RegionReadTest.rgb(image, 0, 0, 29, 37)))
        .isTrue();
  }

  @Test
  void floatTiffSamplesAreTakenAsTheyAre() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(4 * 4).order(ByteOrder.LITTLE_ENDIAN);
    data.putFloat(-0.5f).putFloat(0).putFloat(1.25f).putFloat(1000f);
    ImageInfo info =
        probe(
            "f.tif",
            TiffBytes.tiff(
                2,
                2,
                1,
                32,
                TiffBytes.PHOTOMETRIC_BLACK_IS_ZERO,
                TiffBytes.SAMPLE_FLOAT,
                1,
                data.array()));
    assertThat(info.sampleFormat()).isEqualTo(SampleFormat.FLOAT);
    assertThat(info.bitDepth()).isEqualTo(32);
    assertThat(info.layout()).isEqualTo(PixelLayout.GRAY);
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThat(source.readAll().data()).containsExactly(-0.5f, 0, 1.25f, 1000f);
    }
  }

  @Test
  void signedTiffSamplesScaleBy32767() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(2 * 3).order(ByteOrder.LITTLE_ENDIAN);
    data.putShort((short) -32768).putShort((short) 0).putShort((short) 32767);
    ImageInfo info =
        probe(
            "s.tif",
            TiffBytes.tiff(
                3,
                1,
                1,
                16,
                TiffBytes.PHOTOMETRIC_BLACK_IS_ZERO,
                TiffBytes.SAMPLE_SIGNED,
                1,
                data.array()));
    assertThat(info.sampleFormat()).isEqualTo(SampleFormat.SIGNED_INTEGER);
    assertThat(readAll(info).data()).containsExactly(-32768, 0, 32767);
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThat(source.readAll().data()).containsExactly(-32768f / 32767, 0, 1);
    }
  }
}
