package io.haloconv.io;

import static io.haloconv.io.TestFiles.golden;
import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ImageBytes.ChannelOrder;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.Golden;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** In-memory images decode to exactly the floats their files give. */
class ImageBytesTest {
  @org.junit.jupiter.api.io.TempDir Path temp;

  private static Tensor3 fromFile(Path file, ChannelMode mode) throws Exception {
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    try (ImageSource source = ImageSource.open(local(), info, mode, Normalization.UNIT)) {
      return source.readAll();
    }
  }

  static List<Named<Path>> goldenImages() {
    return Golden.images();
  }

  @ParameterizedTest
  @MethodSource("goldenImages")
  void encodedBytesDecodeBitwiseLikeTheFile(Path file) throws Exception {
    byte[] bytes = Files.readAllBytes(file);
    ImageInfo info = ImageBytes.probe(bytes, ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.path()).isEqualTo(ImageBytes.PATH);
    Tensor3 got;
    try (ImageSource source =
        ImageBytes.open(
            bytes,
            info,
            ChannelMode.KEEP,
            Normalization.UNIT,
            ImageSource.DEFAULT_DECODE_TIMEOUT)) {
      got = source.readAll();
      // a window reads the same values as the whole image cropped
      Tensor3 window = source.read(3, 5, 4, 2);
      assertThat(window.get(0, 0, 0)).isEqualTo(got.get(0, 3, 5));
    }
    assertThat(got.bitwiseEquals(fromFile(file, ChannelMode.KEEP))).isTrue();
  }

  @Test
  void npyBytesDecodeLikeTheFile() throws Exception {
    float[] values = new float[2 * 5 * 7];
    for (int i = 0; i < values.length; i++) {
      values[i] = i * 0.25f - 3;
    }
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    io.haloconv.tensor.Npy.write(out, new int[] {2, 5, 7}, values);
    byte[] bytes = out.toByteArray();
    Path file = TestFiles.write(temp.resolve("x.npy"), bytes);
    ImageInfo info = ImageBytes.probe(bytes, ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.format()).isEqualTo(ImageFormat.NPY);
    try (ImageSource source =
        ImageBytes.open(
            bytes,
            info,
            ChannelMode.KEEP,
            Normalization.UNIT,
            ImageSource.DEFAULT_DECODE_TIMEOUT)) {
      assertThat(source.readAll().bitwiseEquals(fromFile(file, ChannelMode.KEEP))).isTrue();
    }
  }

  @Test
  void garbageAndEmptyBytesFailAtProbe() {
    assertThatThrownBy(() -> ImageBytes.probe(new byte[0], 100))
        .isInstanceOf(ImageReadException.class)
        .hasMessageContaining("empty file (0 bytes)");
    assertThatThrownBy(() -> ImageBytes.probe("not an image at all".getBytes(), 100))
        .isInstanceOf(ImageReadException.class)
        .satisfies(
            e ->
                assertThat(((ImageReadException) e).stage())
                    .isEqualTo(ImageReadException.Stage.PROBE));
  }

  @Test
  void bgrInterleavedPixelsBecomeRgbPlanes() throws Exception {
    Path file = golden("images/astronaut.png");
    Tensor3 want = fromFile(file, ChannelMode.KEEP);
    BufferedImage image = javax.imageio.ImageIO.read(file.toFile());
    int h = image.getHeight();
    int w = image.getWidth();
    byte[] bgr = new byte[h * w * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int rgb = image.getRGB(x, y);
        int o = (y * w + x) * 3;
        bgr[o] = (byte) rgb; // blue first, as Spark's image source stores it
        bgr[o + 1] = (byte) (rgb >> 8);
        bgr[o + 2] = (byte) (rgb >> 16);
      }
    }
    try (ImageSource source =
        ImageBytes.ofInterleaved(
            "astronaut", bgr, h, w, 3, ChannelOrder.BGR, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThat(source.info().layout()).isEqualTo(PixelLayout.RGB);
      assertThat(source.readAll().bitwiseEquals(want)).isTrue();
    }
    try (ImageSource gray =
        ImageBytes.ofInterleaved(
            "astronaut", bgr, h, w, 3, ChannelOrder.BGR, ChannelMode.GRAY, Normalization.UNIT)) {
      assertThat(gray.readAll().bitwiseEquals(fromFile(file, ChannelMode.GRAY))).isTrue();
    }
  }

  @Test
  void bgraKeepsAlphaLast() throws Exception {
    byte[] bgra = {10, 20, 30, 40, 50, 60, 70, (byte) 255};
    try (ImageSource source =
        ImageBytes.ofInterleaved(
            "two pixels", bgra, 1, 2, 4, ChannelOrder.BGR, ChannelMode.KEEP, Normalization.RAW)) {
      Tensor3 t = source.readAll();
      assertThat(new float[] {t.get(0, 0, 0), t.get(1, 0, 0), t.get(2, 0, 0), t.get(3, 0, 0)})
          .containsExactly(30, 20, 10, 40);
      assertThat(new float[] {t.get(0, 0, 1), t.get(1, 0, 1), t.get(2, 0, 1), t.get(3, 0, 1)})
          .containsExactly(70, 60, 50, 255);
    }
  }

  @Test
  void interleavedDataOfTheWrongLengthIsRefused() {
    assertThatThrownBy(
            () ->
                ImageBytes.ofInterleaved(
                    "x",
                    new byte[5],
                    2,
                    2,
                    1,
                    ChannelOrder.RGB,
                    ChannelMode.KEEP,
                    Normalization.UNIT))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("decoded image of 2x2x1 needs 4 bytes, got 5");
  }
}
