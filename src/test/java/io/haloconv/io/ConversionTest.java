package io.haloconv.io;

import static io.haloconv.io.TestFiles.encode;
import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.tensor.Tensor3;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --channels} conversions and {@code --normalize} modes, parsing included. */
class ConversionTest {
  @TempDir Path dir;
  private ImageInfo rgba;
  private ImageInfo gray;

  /** Pixel 0: (200, 100, 50, alpha 128); pixel 1: (0, 255, 10, alpha 255). Gray: 0 and 255. */
  @BeforeEach
  void writeImages() throws IOException {
    BufferedImage colour = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
    colour.setRGB(0, 0, 0x80c86432);
    colour.setRGB(1, 0, 0xff00ff0a);
    rgba = probe(write(dir.resolve("rgba.png"), encode(colour, "png")));
    BufferedImage mono = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
    mono.getRaster().setSamples(0, 0, 2, 1, 0, new int[] {0, 255});
    gray = probe(write(dir.resolve("gray.png"), encode(mono, "png")));
  }

  private static ImageInfo probe(Path file) throws ImageReadException {
    return ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
  }

  private static float[] read(ImageInfo info, ChannelMode mode, Normalization normalization)
      throws ImageReadException {
    try (ImageSource source = ImageSource.open(local(), info, mode, normalization)) {
      Tensor3 pixels = source.readAll();
      assertThat(pixels.channels()).isEqualTo(source.channels());
      return pixels.data();
    }
  }

  @Test
  void unitDividesByTheLargestValueAndRawKeepsIntegers() throws ImageReadException {
    assertThat(read(rgba, ChannelMode.KEEP, Normalization.RAW))
        .containsExactly(200, 0, 100, 255, 50, 10, 128, 255);
    assertThat(read(rgba, ChannelMode.KEEP, Normalization.UNIT))
        .containsExactly(200f / 255, 0, 100f / 255, 1, 50f / 255, 10f / 255, 128f / 255, 1);
  }

  @Test
  void grayUsesBt601LumaAndDropsAlpha() throws ImageReadException {
    float luma = 0.299f * 200 + 0.587f * 100 + 0.114f * 50;
    float[] raw = read(rgba, ChannelMode.GRAY, Normalization.RAW);
    assertThat(raw).hasSize(2);
    assertThat(raw[0]).isEqualTo(luma);
    float[] unit = read(rgba, ChannelMode.GRAY, Normalization.UNIT);
    assertThat(unit[0])
        .isEqualTo(0.299f * (200f / 255) + 0.587f * (100f / 255) + 0.114f * (50f / 255));
  }

  @Test
  void rgbDropsAlphaAndReplicatesGray() throws ImageReadException {
    assertThat(read(rgba, ChannelMode.RGB, Normalization.RAW))
        .containsExactly(200, 0, 100, 255, 50, 10);
    assertThat(read(gray, ChannelMode.RGB, Normalization.RAW))
        .containsExactly(0, 255, 0, 255, 0, 255);
  }

  @Test
  void rgbaAddsAnOpaqueAlpha() throws ImageReadException {
    assertThat(read(gray, ChannelMode.RGBA, Normalization.RAW))
        .containsExactly(0, 255, 0, 255, 0, 255, 255, 255);
    assertThat(read(gray, ChannelMode.RGBA, Normalization.UNIT))
        .containsExactly(0, 1, 0, 1, 0, 1, 1, 1);
    assertThat(read(rgba, ChannelMode.RGBA, Normalization.RAW))
        .containsExactly(200, 0, 100, 255, 50, 10, 128, 255);
  }

  @Test
  void meanStdNormalisesUnitValuesPerOutputChannel() throws ImageReadException {
    Normalization perChannel = Normalization.parse("mean-std:0.5,0.25,0;0.5,0.25,2");
    float[] values = read(rgba, ChannelMode.RGB, perChannel);
    assertThat(values)
        .containsExactly(
            (200f / 255 - 0.5f) / 0.5f,
            (0 - 0.5f) / 0.5f,
            (100f / 255 - 0.25f) / 0.25f,
            (1 - 0.25f) / 0.25f,
            (50f / 255) / 2,
            (10f / 255) / 2);
    float[] single = read(gray, ChannelMode.KEEP, Normalization.parse("mean-std:0.5;0.5"));
    assertThat(single).containsExactly(-1, 1);
  }

  @Test
  void conversionsThatDoNotFitTheImageFailAtOpen() {
    assertThatThrownBy(
            () ->
                read(
                    gray,
                    ChannelMode.KEEP,
                    Normalization.parse("mean-std:0.485,0.456,0.406;0.229,0.224,0.225")))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("--normalize mean-std has 3 values per channel, image has 1 channel")
        .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.DECODE));
    assertThatThrownBy(() -> ChannelMode.RGB.outputChannels(5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "--channels rgb cannot convert an image of 5 channels: only 1 to 4 channels"
                + " (gray, gray+alpha, rgb, rgba) convert");
    assertThat(ChannelMode.KEEP.outputChannels(5)).isEqualTo(5);
    assertThat(ChannelMode.GRAY.outputChannels(4)).isEqualTo(1);
  }

  @Test
  void parsesChannelModes() {
    assertThat(ChannelMode.parse("keep")).isEqualTo(ChannelMode.KEEP);
    assertThat(ChannelMode.parse(" RGBA ")).isEqualTo(ChannelMode.RGBA);
    assertThat(ChannelMode.GRAY.cliName()).isEqualTo("gray");
    assertThatThrownBy(() -> ChannelMode.parse("bgr"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--channels must be keep, gray, rgb or rgba, got 'bgr'");
  }

  @Test
  void parsesNormalizationsAndPrintsThemBack() {
    assertThat(Normalization.parse("unit")).isSameAs(Normalization.UNIT);
    assertThat(Normalization.parse("raw")).isSameAs(Normalization.RAW);
    Normalization imagenet = Normalization.parse("mean-std:0.485,0.456,0.406;0.229,0.224,0.225");
    assertThat(imagenet.kind()).isEqualTo(Normalization.Kind.MEAN_STD);
    assertThat(imagenet.mean(2)).isEqualTo(0.406f);
    assertThat(imagenet.std(0)).isEqualTo(0.229f);
    assertThat(imagenet.toString()).isEqualTo("mean-std:0.485,0.456,0.406;0.229,0.224,0.225");
    assertThat(Normalization.parse(imagenet.toString())).isEqualTo(imagenet);
    Normalization shared = Normalization.parse("mean-std:0.5;2");
    assertThat(shared.mean(7)).isEqualTo(0.5f);
    assertThat(shared.std(7)).isEqualTo(2f);
    shared.requireChannels(7);
  }

  @Test
  void refusesMalformedNormalizationsWithOneLineMessages() {
    assertThatThrownBy(() -> Normalization.parse("zscore"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("--normalize must be unit, raw or mean-std:M1,M2,..;S1,S2,.., got 'zscore'");
    assertThatThrownBy(() -> Normalization.parse("mean-std:0.5,0.5"))
        .hasMessage(
            "--normalize mean-std needs means and stds separated by ';', e.g."
                + " mean-std:0.485,0.456,0.406;0.229,0.224,0.225, got 'mean-std:0.5,0.5'");
    assertThatThrownBy(() -> Normalization.parse("mean-std:0.5,abc;1"))
        .hasMessage("--normalize mean-std: 'abc' is not a number");
    assertThatThrownBy(() -> Normalization.parse("mean-std:0.5,0.4;1,0"))
        .hasMessage("--normalize mean-std: stds must be finite and != 0, got 0 (std 2 of 2)");
    assertThatThrownBy(() -> Normalization.parse("mean-std:1,2,3;1,2"))
        .hasMessage(
            "--normalize mean-std has 3 means and 2 stds: give one value for all"
                + " channels, or one per channel");
    assertThatThrownBy(() -> Normalization.parse("mean-std:NaN;1"))
        .hasMessage("--normalize mean-std: means must be finite, got NaN");
    assertThatThrownBy(() -> Normalization.parse("mean-std:;1"))
        .hasMessageStartingWith("--normalize mean-std needs means and stds separated by ';'");
  }

  @Test
  void valuesSurviveJavaSerialisation() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(rgba);
      out.writeObject(Normalization.UNIT);
      out.writeObject(Normalization.parse("mean-std:1;2"));
    }
    try (ObjectInputStream in =
        new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      assertThat(in.readObject()).isEqualTo(rgba);
      assertThat(in.readObject()).isSameAs(Normalization.UNIT);
      assertThat(in.readObject()).isEqualTo(Normalization.parse("mean-std:1;2"));
    }
  }

  @Test
  void imageInfoValidatesItsValues() {
    assertThatThrownBy(
            () ->
                new ImageInfo(
                    "x.png",
                    ImageFormat.PNG,
                    0,
                    5,
                    3,
                    8,
                    PixelLayout.RGB,
                    SampleFormat.UNSIGNED_INTEGER,
                    1,
                    1,
                    10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("width and height must be >= 1, got 0x5: x.png");
    assertThatThrownBy(
            () ->
                new ImageInfo(
                    "x.png",
                    ImageFormat.PNG,
                    5,
                    5,
                    4,
                    8,
                    PixelLayout.RGB,
                    SampleFormat.UNSIGNED_INTEGER,
                    5,
                    5,
                    10))
        .hasMessage("layout RGB has 3 channel(s), got 4: x.png");
    assertThatThrownBy(
            () ->
                new ImageInfo(
                    "x.png",
                    ImageFormat.PNG,
                    5,
                    5,
                    1,
                    1,
                    PixelLayout.GRAY,
                    SampleFormat.UNSIGNED_INTEGER,
                    5,
                    5,
                    10))
        .hasMessageStartingWith("a 1-bit single-channel image must have layout BINARY");
    assertThatThrownBy(
            () ->
                new ImageInfo(
                    "x.tif",
                    ImageFormat.TIFF,
                    5,
                    5,
                    1,
                    8,
                    PixelLayout.GRAY,
                    SampleFormat.UNSIGNED_INTEGER,
                    6,
                    5,
                    10))
        .hasMessage("tile size must be 1x1 to 5x5, got 6x5: x.tif");
    assertThatThrownBy(
            () ->
                new ImageInfo(
                    "x.npy",
                    ImageFormat.NPY,
                    5,
                    5,
                    1,
                    8,
                    PixelLayout.TENSOR,
                    SampleFormat.FLOAT,
                    5,
                    5,
                    10))
        .hasMessage("floating-point samples must have 16, 32 or 64 bits, got 8: x.npy");
  }
}
