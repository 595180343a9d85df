package io.haloconv.io.tiff;

import static io.haloconv.io.TestFiles.golden;
import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.ImageFormat;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageIoDecoder;
import io.haloconv.io.ImageIoRows;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.io.PixelLayout;
import io.haloconv.io.RegionReadTest;
import io.haloconv.io.SampleFormat;
import io.haloconv.io.TestFiles;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.Golden;
import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageWriteParam;
import javax.imageio.metadata.IIOMetadata;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Band streaming and scratch rasters return exactly the pixels of a full decode: every band of a
 * streamed PNG or JPEG, and every window read back from its scratch raster.
 */
class ScratchRastersTest {
  private static final Duration TIMEOUT = Duration.ofMinutes(1);

  @TempDir Path dir;

  static List<Named<Path>> goldenPngsAndJpegs() {
    return Golden.images(".png", ".jpg");
  }

  @ParameterizedTest
  @MethodSource("goldenPngsAndJpegs")
  void goldenImagesStreamInBandsEqualToTheFullDecode(Path image) throws IOException {
    checkStreams(image);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "gray16.png",
        "gray-alpha.png",
        "rgba.png",
        "rgb48.png",
        "palette-alpha.png",
        "gray4.png",
        "baseline.jpg",
        "gray.jpg"
      })
  void generatedImagesStreamInBandsEqualToTheFullDecode(String name) throws IOException {
    checkStreams(generate(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"astronaut.png", "rocket.jpg", "palette_color.png"})
  void scratchWindowsEqualTheFullDecode(String name) throws IOException {
    checkScratch(golden("images/" + name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"rgb48.png", "gray-alpha.png", "progressive.jpg", "gray4.png"})
  void generatedScratchWindowsEqualTheFullDecode(String name) throws IOException {
    checkScratch(generate(name));
  }

  @ParameterizedTest
  @ValueSource(strings = {"interlaced.png", "progressive.jpg"})
  void multiPassImagesAreNotStreamedButStillStaged(String name) throws IOException {
    // Adam7 PNGs deliver rows in seven passes, progressive JPEGs once per scan.
    Path file = name.endsWith(".png") ? write(dir.resolve(name), interlacedPng()) : generate(name);
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    assertThatThrownBy(() -> ImageIoRows.stream(local(), info, TIMEOUT, 16, band -> {}))
        .isInstanceOf(ImageReadException.class)
        .hasMessageContaining("cannot be streamed");
    checkScratch(file); // falls back to one whole decode
  }

  @Test
  void singleStripTiffIsStreamedIntoItsScratch() throws IOException {
    TiffWriter w = new TiffWriter(300, 170);
    w.compression = TiffDirectory.COMPRESSION_DEFLATE;
    w.predictor = true;
    w.bits = 16;
    w.rowsPerStrip = 170;
    w.samples = 4;
    int[] values = TiffWriter.pattern(300, 170, 4, 16, 3);
    checkScratch(write(dir.resolve("strip.tif"), w.write(values)));
  }

  @Test
  void stagingIsWorthItOnlyForLargeWholeDecodeImages() {
    ImageInfo png =
        new ImageInfo(
            "a.png",
            ImageFormat.PNG,
            4000,
            3000,
            3,
            8,
            PixelLayout.RGB,
            SampleFormat.UNSIGNED_INTEGER,
            4000,
            3000,
            1000);
    assertThat(ScratchRasters.decodedBytes(png)).isEqualTo(36_000_000);
    assertThat(ScratchRasters.worthStaging(png, 32 << 20)).isTrue();
    assertThat(ScratchRasters.worthStaging(png, 64 << 20)).isFalse();
    ImageInfo tiled =
        new ImageInfo(
            "a.tif",
            ImageFormat.TIFF,
            4000,
            3000,
            3,
            8,
            PixelLayout.RGB,
            SampleFormat.UNSIGNED_INTEGER,
            256,
            256,
            1000);
    assertThat(ScratchRasters.worthStaging(tiled, 1)).isFalse();
    ImageInfo floats =
        new ImageInfo(
            "a.tif",
            ImageFormat.TIFF,
            4000,
            3000,
            1,
            32,
            PixelLayout.GRAY,
            SampleFormat.FLOAT,
            4000,
            3000,
            1000);
    assertThat(ScratchRasters.worthStaging(floats, 1)).isFalse();
  }

  /** Streams the image in bands of 7 rows and compares them with a full decode. */
  private void checkStreams(Path file) throws IOException {
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    Tensor3 whole = fullDecode(info);
    List<Tensor3> bands = new ArrayList<>();
    ImageIoRows.stream(local(), info, TIMEOUT, 7, bands::add);
    int y = 0;
    for (Tensor3 band : bands) {
      assertThat(band.height()).isLessThanOrEqualTo(7);
      assertThat(band.bitwiseEquals(RegionReadTest.crop(whole, y, 0, band.height(), info.width())))
          .as("rows from %d of %s", y, file.getFileName())
          .isTrue();
      y += band.height();
    }
    assertThat(y).isEqualTo(info.height());
  }

  /** Writes the scratch raster and compares windows read from it with a full decode. */
  private void checkScratch(Path file) throws IOException {
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    Tensor3 whole = fullDecode(info);
    org.apache.hadoop.fs.Path scratch = hadoop(dir.resolve("scratch-" + file.getFileName()));
    long bytes = ScratchRasters.write(local(), info, scratch, TIMEOUT);
    assertThat(bytes).isPositive();
    try (ImageSource source =
        ImageSource.openScratch(local(), info, ChannelMode.KEEP, Normalization.RAW, scratch)) {
      for (int[] w : RegionReadTest.windows(info.height(), info.width(), 3)) {
        assertThat(
                source
                    .read(w[0], w[1], w[2], w[3])
                    .bitwiseEquals(RegionReadTest.crop(whole, w[0], w[1], w[2], w[3])))
            .as("window %d,%d %dx%d of %s", w[0], w[1], w[2], w[3], file.getFileName())
            .isTrue();
      }
    }
  }

  /**
   * Raw values of the whole image decoded whole: PNGs through the JDK's reader, independent of
   * haloconv's plain-PNG decoder, which both streams and decodes whole; the rest through the
   * ordinary path.
   */
  private static Tensor3 fullDecode(ImageInfo info) throws IOException {
    if (info.format() == ImageFormat.PNG) {
      try (ImageIoDecoder decoder = new ImageIoDecoder(local(), info, TIMEOUT)) {
        return decoder.read(0, 0, info.height(), info.width());
      }
    }
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.RAW)) {
      return source.readAll();
    }
  }

  private Path generate(String name) throws IOException {
    int width = 211;
    int height = 67;
    BufferedImage image =
        switch (name) {
          case "gray16.png" -> gray16(width, height);
          case "gray-alpha.png" -> {
            BufferedImage gray = TestFiles.gradient(width, height, BufferedImage.TYPE_INT_ARGB);
            BufferedImage ga =
                new BufferedImage(
                    new java.awt.image.ComponentColorModel(
                        java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_GRAY),
                        true,
                        false,
                        java.awt.Transparency.TRANSLUCENT,
                        java.awt.image.DataBuffer.TYPE_BYTE),
                    java.awt.image.Raster.createInterleavedRaster(
                        java.awt.image.DataBuffer.TYPE_BYTE, width, height, 2, null),
                    false,
                    null);
            for (int y = 0; y < height; y++) {
              for (int x = 0; x < width; x++) {
                int argb = gray.getRGB(x, y);
                ga.getRaster().setSample(x, y, 0, argb & 0xff);
                ga.getRaster().setSample(x, y, 1, argb >>> 24);
              }
            }
            yield ga;
          }
          case "rgba.png" -> TestFiles.gradient(width, height, BufferedImage.TYPE_INT_ARGB);
          case "rgb48.png" -> rgb48(width, height);
          case "palette-alpha.png" -> paletteWithAlpha(width, height);
          case "gray4.png" -> {
            BufferedImage gray4 =
                new BufferedImage(width, height, BufferedImage.TYPE_BYTE_BINARY, grayRamp(4));
            WritableRaster raster = gray4.getRaster();
            for (int y = 0; y < height; y++) {
              for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, (x + 3 * y) & 15);
              }
            }
            yield gray4;
          }
          case "baseline.jpg", "progressive.jpg" ->
              TestFiles.gradient(width, height, BufferedImage.TYPE_3BYTE_BGR);
          case "gray.jpg" -> TestFiles.gradient(width, height, BufferedImage.TYPE_BYTE_GRAY);
          default -> throw new IllegalArgumentException(name);
        };
    String format = name.endsWith(".png") ? "png" : "jpeg";
    ImageWriteParam param = null;
    if (name.equals("progressive.jpg")) {
      param = TestFiles.jdkWriter("jpeg").getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    return write(dir.resolve(name), TestFiles.encode(image, format, param));
  }

  private static BufferedImage gray16(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_USHORT_GRAY);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (x * 977 + y * 131) & 0xffff);
      }
    }
    return image;
  }

  private static BufferedImage rgb48(int width, int height) {
    java.awt.image.ComponentColorModel model =
        new java.awt.image.ComponentColorModel(
            java.awt.color.ColorSpace.getInstance(java.awt.color.ColorSpace.CS_sRGB),
            false,
            false,
            java.awt.Transparency.OPAQUE,
            java.awt.image.DataBuffer.TYPE_USHORT);
    WritableRaster raster = model.createCompatibleWritableRaster(width, height);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < 3; c++) {
          raster.setSample(x, y, c, (x * 601 + y * 97 + c * 20011) & 0xffff);
        }
      }
    }
    return new BufferedImage(model, raster, false, null);
  }

  private static BufferedImage paletteWithAlpha(int width, int height) {
    byte[] r = new byte[16];
    byte[] g = new byte[16];
    byte[] b = new byte[16];
    byte[] a = new byte[16];
    for (int i = 0; i < 16; i++) {
      r[i] = (byte) (i * 16);
      g[i] = (byte) (255 - i * 9);
      b[i] = (byte) (i * 5);
      a[i] = (byte) (i % 3 == 0 ? 0 : 255);
    }
    BufferedImage image =
        new BufferedImage(
            width, height, BufferedImage.TYPE_BYTE_INDEXED, new IndexColorModel(4, 16, r, g, b, a));
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.getRaster().setSample(x, y, 0, (x / 3 + y) & 15);
      }
    }
    return image;
  }

  private static IndexColorModel grayRamp(int bits) {
    int size = 1 << bits;
    byte[] levels = new byte[size];
    for (int i = 0; i < size; i++) {
      levels[i] = (byte) Math.round(i * 255.0 / (size - 1));
    }
    return new IndexColorModel(bits, size, levels, levels, levels);
  }

  /** An Adam7-interlaced PNG, through the JDK writer's metadata. */
  private static byte[] interlacedPng() throws IOException {
    BufferedImage image = TestFiles.gradient(97, 61, BufferedImage.TYPE_3BYTE_BGR);
    javax.imageio.ImageWriter writer = TestFiles.jdkWriter("png");
    IIOMetadata metadata =
        writer.getDefaultImageMetadata(new javax.imageio.ImageTypeSpecifier(image), null);
    String format = "javax_imageio_png_1.0";
    javax.imageio.metadata.IIOMetadataNode root =
        (javax.imageio.metadata.IIOMetadataNode) metadata.getAsTree(format);
    javax.imageio.metadata.IIOMetadataNode header =
        (javax.imageio.metadata.IIOMetadataNode) root.getElementsByTagName("IHDR").item(0);
    header.setAttribute("interlaceMethod", "adam7");
    metadata.setFromTree(format, root);
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    try (javax.imageio.stream.ImageOutputStream out =
        javax.imageio.ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(new javax.imageio.IIOImage(image, null, metadata));
    } finally {
      writer.dispose();
    }
    assertThat(bytes.toByteArray()[28]).as("IHDR interlace method").isEqualTo((byte) 1);
    return bytes.toByteArray();
  }
}
