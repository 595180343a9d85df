package io.haloconv.io;

import static io.haloconv.io.TestFiles.golden;
import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.Golden;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Windows read from an image equal the same pixels of the whole image, for every strategy. */
public class RegionReadTest {
  @TempDir Path dir;

  /** 1x1 corners, edge strips, the whole image and random windows. */
  public static List<int[]> windows(int height, int width, long seed) {
    List<int[]> windows = new ArrayList<>();
    windows.add(new int[] {0, 0, 1, 1});
    windows.add(new int[] {height - 1, width - 1, 1, 1});
    windows.add(new int[] {0, width - 1, height, 1});
    windows.add(new int[] {height - 1, 0, 1, width});
    windows.add(new int[] {0, 0, height, width});
    Random random = new Random(seed);
    for (int i = 0; i < 8; i++) {
      int y0 = random.nextInt(height);
      int x0 = random.nextInt(width);
      windows.add(
          new int[] {y0, x0, 1 + random.nextInt(height - y0), 1 + random.nextInt(width - x0)});
    }
    return windows;
  }

  public static Tensor3 crop(Tensor3 whole, int y0, int x0, int height, int width) {
    Tensor3 out = Tensor3.zeros(whole.channels(), height, width);
    for (int c = 0; c < whole.channels(); c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          out.set(c, y, x, whole.get(c, y0 + y, x0 + x));
        }
      }
    }
    return out;
  }

  static List<Named<Path>> goldenImages() {
    return Golden.images();
  }

  @ParameterizedTest
  @MethodSource("goldenImages")
  void goldenImageWindowsEqualTheWholeImage(Path image) throws IOException {
    ImageInfo info = ImageProbe.probe(local(), hadoop(image), ImageProbe.DEFAULT_MAX_PIXELS);
    Tensor3 whole;
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      whole = source.readAll();
    }
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      for (int[] w :
          windows(info.height(), info.width(), image.getFileName().toString().hashCode())) {
        Tensor3 region = source.read(w[0], w[1], w[2], w[3]);
        assertThat(region.bitwiseEquals(crop(whole, w[0], w[1], w[2], w[3])))
            .as("window %d,%d %dx%d of %s", w[0], w[1], w[2], w[3], image)
            .isTrue();
      }
    }
  }

  @Test
  void wholeImageFormatsDecodeOncePerSource() throws IOException {
    CountingFileSystem counting = new CountingFileSystem(local());
    ImageInfo info =
        ImageProbe.probe(
            counting, hadoop(golden("images/astronaut.png")), ImageProbe.DEFAULT_MAX_PIXELS);
    counting.reset();
    try (ImageSource source =
        ImageSource.open(counting, info, ChannelMode.KEEP, Normalization.UNIT)) {
      for (int[] w : windows(info.height(), info.width(), 7)) {
        source.read(w[0], w[1], w[2], w[3]);
      }
    }
    assertThat(counting.opens()).isEqualTo(1);
    assertThat(counting.bytesRead()).isLessThanOrEqualTo(info.fileSize() + 16 * 1024);
  }

  @ParameterizedTest
  @ValueSource(strings = {"none", "LZW", "Deflate"})
  void tiledTiffWindowsReadOnlyTheirTiles(String compression) throws IOException {
    BufferedImage image = TestFiles.gradient(1000, 700, BufferedImage.TYPE_3BYTE_BGR);
    ImageWriteParam param = TestFiles.jdkWriter("tiff").getDefaultWriteParam();
    param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
    param.setTiling(128, 128, 0, 0);
    if (!compression.equals("none")) {
      param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
      param.setCompressionType(compression);
    }
    Path file = write(dir.resolve("tiled.tif"), TestFiles.encode(image, "tiff", param));

    CountingFileSystem counting = new CountingFileSystem(local());
    ImageInfo info = ImageProbe.probe(counting, hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.tileWidth()).isEqualTo(128);
    assertThat(info.tileHeight()).isEqualTo(128);
    assertThat(info.supportsRegionReads()).isTrue();
    assertThat(info.layout()).isEqualTo(PixelLayout.RGB);

    try (ImageSource source =
        ImageSource.open(counting, info, ChannelMode.KEEP, Normalization.RAW)) {
      for (int[] w : windows(info.height(), info.width(), 11)) {
        assertThat(
                source
                    .read(w[0], w[1], w[2], w[3])
                    .bitwiseEquals(rgb(image, w[0], w[1], w[2], w[3])))
            .as("window %d,%d %dx%d", w[0], w[1], w[2], w[3])
            .isTrue();
      }
      // A 40x50 window inside one of the 48 tiles: at most that tile (uncompressed ones are
      // even read row by row) plus a buffer, not the whole file.
      counting.reset();
      Tensor3 small = source.read(300, 260, 40, 50);
      assertThat(small.bitwiseEquals(rgb(image, 300, 260, 40, 50))).isTrue();
      assertThat(counting.bytesRead()).isLessThan(info.fileSize() / 8);
    }
  }

  @Test
  void strippedTiffWindowsReadOnlyTheirStrips() throws IOException {
    BufferedImage image = TestFiles.gradient(300, 400, BufferedImage.TYPE_BYTE_GRAY);
    ImageWriteParam param = TestFiles.jdkWriter("tiff").getDefaultWriteParam();
    param.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
    param.setTiling(300, 16, 0, 0); // full-width tiles are how the JDK writer makes strips
    Path file = write(dir.resolve("strips.tif"), TestFiles.encode(image, "tiff", param));
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.tileHeight()).isEqualTo(16);
    assertThat(info.supportsRegionReads()).isTrue();
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.RAW)) {
      for (int[] w : windows(info.height(), info.width(), 5)) {
        Tensor3 got = source.read(w[0], w[1], w[2], w[3]);
        for (int y = 0; y < w[2]; y++) {
          for (int x = 0; x < w[3]; x++) {
            assertThat(got.get(0, y, x))
                .isEqualTo(image.getRaster().getSample(w[1] + x, w[0] + y, 0));
          }
        }
      }
    }
  }

  @Test
  void windowsOutsideTheImageAreRefused() throws IOException {
    ImageInfo info =
        ImageProbe.probe(
            local(), hadoop(golden("images/palette_color.png")), ImageProbe.DEFAULT_MAX_PIXELS);
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThatThrownBy(() -> source.read(5, 5, 6, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageStartingWith(
              "window rows [5, 11) x columns [5, 6) is empty or outside the" + " 10x10 image ");
      assertThatThrownBy(() -> source.read(0, 0, 0, 1)).hasMessageContaining("is empty or outside");
    }
  }

  /** Expected R, G, B planes of a window, from getRGB (which is defined as R, G, B by value). */
  static Tensor3 rgb(BufferedImage image, int y0, int x0, int height, int width) {
    Tensor3 out = Tensor3.zeros(3, height, width);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int argb = image.getRGB(x0 + x, y0 + y);
        out.set(0, y, x, (argb >> 16) & 0xff);
        out.set(1, y, x, (argb >> 8) & 0xff);
        out.set(2, y, x, argb & 0xff);
      }
    }
    return out;
  }
}
