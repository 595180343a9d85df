package io.haloconv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which images are decoded whole, what that costs, and the refusal of one that cannot fit. */
class DecodeMemoryTest {
  @TempDir Path temp;

  private ImageInfo probe(String name, byte[] bytes) throws Exception {
    Path file = Files.write(temp.resolve(name), bytes);
    return ImageProbe.probe(TestFiles.local(), TestFiles.hadoop(file), Long.MAX_VALUE);
  }

  @Test
  void theProbeSaysWhichImagesCanBeStreamed() throws Exception {
    BufferedImage rgb = TestImages.noise(64, 48, BufferedImage.TYPE_3BYTE_BGR, 1);
    ImageWriteParam interlaced = TestImages.writer("png").getDefaultWriteParam();
    interlaced.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    assertThat(probe("a.png", TestImages.encode(rgb, "png", null)).streamable()).isTrue();
    assertThat(probe("b.png", TestImages.encode(rgb, "png", interlaced)).streamable()).isFalse();
    assertThat(probe("c.jpg", TestImages.jpeg(64, 48)).streamable()).isTrue();
    assertThat(probe("d.jpg", TestImages.progressiveJpeg(64, 48)).streamable()).isFalse();
    assertThat(probe("e.jpg", TestImages.cmykJpeg(64, 48)).streamable()).isFalse();
    assertThat(probe("f.bmp", TestImages.encode(rgb, "bmp", null)).streamable()).isFalse();
    assertThat(probe("g.gif", TestImages.encode(rgb, "gif", null)).streamable()).isFalse();
  }

  @Test
  void onlyImagesNotReadByWindowOrStreamedAreDecodedWhole() throws Exception {
    ImageInfo png = probe("a.png", TestImages.png(64, 48, 1));
    ImageInfo progressive = probe("b.jpg", TestImages.progressiveJpeg(64, 48));
    assertThat(DecodeMemory.decodesWhole(png, false)).isTrue();
    assertThat(DecodeMemory.decodesWhole(png, true)).isFalse(); // streamed into a scratch raster
    assertThat(DecodeMemory.decodesWhole(progressive, true)).isTrue();
    ImageInfo tiled =
        new ImageInfo(
            "file:/t.tif",
            ImageFormat.TIFF,
            4096,
            4096,
            3,
            8,
            PixelLayout.RGB,
            SampleFormat.UNSIGNED_INTEGER,
            256,
            256,
            1000);
    assertThat(DecodeMemory.decodesWhole(tiled, false)).isFalse();
  }

  @Test
  void aWholeDecodeCostsTheReaderPeakAndTheFloatWindows() throws Exception {
    ImageInfo png = probe("a.png", TestImages.png(64, 48, 1));
    long decoded = 64L * 48 * 3;
    assertThat(DecodeMemory.decodedBytes(png)).isEqualTo(decoded);
    // A 10x10 window: 100 pixels x 3 channels, 4 bytes as decoded and 4 after conversion.
    assertThat(DecodeMemory.wholeDecodeBytes(png, 100))
        .isEqualTo((long) Math.ceil(DecodeMemory.JDK_FACTOR * decoded + 100 * 3 * 8));
    // A window larger than the image is the image.
    assertThat(DecodeMemory.wholeDecodeBytes(png, 1L << 40))
        .isEqualTo((long) Math.ceil(DecodeMemory.JDK_FACTOR * decoded + decoded * 8));
  }

  @Test
  void anImageOverTheBudgetIsRefusedWithTheNumbers() throws Exception {
    ImageInfo progressive = probe("b.jpg", TestImages.progressiveJpeg(64, 48));
    MemoryBudget budget = new MemoryBudget(1000, "a test's 1000 bytes");
    DecodeMemory.requireFits(progressive, 1000, budget); // exactly the budget fits
    assertThatThrownBy(() -> DecodeMemory.requireFits(progressive, 5_000_000, budget))
        .isInstanceOfSatisfying(
            ImageReadException.class,
            e -> {
              assertThat(e.kind()).isEqualTo(ErrorKind.TOO_LARGE);
              assertThat(e.stage()).isEqualTo(ImageReadException.Stage.PROBE);
            })
        .hasMessage(
            "decoding this 64x48 progressive, CMYK or lossless JPEG whole needs about 4.8 MiB"
                + " (5000000 bytes) of heap, one task has 0.0 MiB (1000 bytes: a test's 1000"
                + " bytes); the file was not decoded: give executors more memory, run fewer"
                + " tasks per executor (fewer cores each), or lower --max-pixels to refuse"
                + " images this large");
  }
}
