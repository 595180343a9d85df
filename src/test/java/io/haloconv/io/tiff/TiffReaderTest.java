package io.haloconv.io.tiff;

import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.CountingFileSystem;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.io.Readers;
import io.haloconv.io.RegionReadTest;
import io.haloconv.io.RowSource;
import io.haloconv.tensor.Tensor3;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import javax.imageio.ImageReader;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * haloconv's TIFF reader against a full decode by an independent reader: every window equals the
 * same pixels of the written values, which the JDK's reader (classic TIFF) or TwelveMonkeys'
 * (BigTIFF) also decode whole.
 */
class TiffReaderTest {
  @TempDir Path dir;

  /** A spread of layouts: each compression, both predictors, byte orders, tiles and strips. */
  static Stream<TiffWriter> layouts() {
    List<TiffWriter> layouts = new ArrayList<>();
    int[] compressions = {
      TiffDirectory.COMPRESSION_NONE,
      TiffDirectory.COMPRESSION_LZW,
      TiffDirectory.COMPRESSION_DEFLATE,
      TiffDirectory.COMPRESSION_PACKBITS
    };
    Random random = new Random(4);
    for (int i = 0; i < 24; i++) {
      TiffWriter w = new TiffWriter(61 + random.nextInt(40), 45 + random.nextInt(40));
      w.compression = compressions[i % 4];
      w.predictor =
          (w.compression == TiffDirectory.COMPRESSION_LZW
                  || w.compression == TiffDirectory.COMPRESSION_DEFLATE)
              && (i / 4) % 2 == 1;
      w.bits = (i / 8) % 2 == 0 ? 8 : 16;
      w.order = i % 3 == 0 ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN;
      w.planar = i % 5 == 1 || i % 5 == 3;
      int kind = i % 4 == 2 ? 0 : random.nextInt(4); // 0 gray, 1 gray+alpha, 2 RGB, 3 RGBA
      w.samples = new int[] {1, 2, 3, 4}[kind];
      w.photometric = kind >= 2 ? 2 : 1;
      if (i % 2 == 0) {
        w.tileWidth = 16 * (1 + random.nextInt(3));
        w.tileHeight = 16 * (1 + random.nextInt(3));
      } else {
        w.rowsPerStrip = 1 + random.nextInt(20);
      }
      w.bigTiff = i % 3 == 1;
      layouts.add(w);
    }
    return layouts.stream();
  }

  @ParameterizedTest
  @MethodSource("layouts")
  void windowsEqualTheWrittenPixelsAndAFullDecode(TiffWriter w) throws IOException {
    int[] values = TiffWriter.pattern(w.width, w.height, w.samples, w.bits, w.width * 31L);
    byte[] bytes = w.write(values);
    Path file = write(dir.resolve("image.tif"), bytes);
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.channels()).isEqualTo(w.samples);

    // An independent full decode agrees with the values written.
    // (The JDK's reader refuses the predictor on 16-bit samples; TwelveMonkeys' reads it.)
    Tensor3 reference = fullDecode(bytes, w.bigTiff || (w.predictor && w.bits == 16));
    assertThat(reference.bitwiseEquals(tensor(values, w.samples, w.height, w.width)))
        .as("reference decode of %s", describe(w))
        .isTrue();

    try (TiffDecoder decoder = TiffDecoder.open(local(), info)) {
      assertThat(decoder).as("haloconv reads %s", describe(w)).isNotNull();
      for (int[] win : RegionReadTest.windows(w.height, w.width, w.width)) {
        Tensor3 got = decoder.read(win[0], win[1], win[2], win[3]);
        assertThat(
                got.bitwiseEquals(RegionReadTest.crop(reference, win[0], win[1], win[2], win[3])))
            .as("window %d,%d %dx%d of %s", win[0], win[1], win[2], win[3], describe(w))
            .isTrue();
      }
    }
  }

  @Test
  void stripsStreamTopToBottomAsTheFullDecode() throws IOException {
    TiffWriter w = new TiffWriter(203, 97);
    w.compression = TiffDirectory.COMPRESSION_LZW;
    w.predictor = true;
    w.rowsPerStrip = 97; // one strip: no window can enter it without decoding from the top
    w.samples = 3;
    int[] values = TiffWriter.pattern(w.width, w.height, 3, 8, 5);
    Path file = write(dir.resolve("one-strip.tif"), w.write(values));
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.supportsRegionReads()).isFalse();
    Tensor3 expected = tensor(values, 3, w.height, w.width);
    try (TiffDecoder decoder = TiffDecoder.open(local(), info);
        RowSource rows = decoder.rows()) {
      int y = 0;
      for (Tensor3 band = rows.next(10); band != null; band = rows.next(10)) {
        assertThat(band.height()).isLessThanOrEqualTo(10);
        assertThat(band.bitwiseEquals(RegionReadTest.crop(expected, y, 0, band.height(), w.width)))
            .as("band at row %d", y)
            .isTrue();
        y += band.height();
      }
      assertThat(y).isEqualTo(w.height);
    }
  }

  @Test
  void probeReportsTheSmallestReadableBlock() throws IOException {
    TiffWriter tiled = new TiffWriter(100, 80);
    tiled.tileWidth = 32;
    tiled.tileHeight = 16;
    tiled.compression = TiffDirectory.COMPRESSION_DEFLATE;
    tiled.bigTiff = true;
    TiffWriter strips = new TiffWriter(100, 80);
    strips.rowsPerStrip = 10;
    strips.compression = TiffDirectory.COMPRESSION_PACKBITS;
    TiffWriter raw = new TiffWriter(100, 80);
    raw.rowsPerStrip = 80;
    int[] values = TiffWriter.pattern(100, 80, 3, 8, 1);
    assertThat(block("tiled.tif", tiled.write(values))).containsExactly(32, 16);
    assertThat(block("strips.tif", strips.write(values))).containsExactly(100, 10);
    // Uncompressed strips are read row by row, however tall the strip.
    assertThat(block("raw.tif", raw.write(values))).containsExactly(100, 1);
  }

  @Test
  void compressedChunksAreDecodedOnceAcrossATileRow() throws IOException {
    TiffWriter w = new TiffWriter(640, 96);
    w.compression = TiffDirectory.COMPRESSION_DEFLATE;
    w.rowsPerStrip = 16;
    int[] values = TiffWriter.pattern(w.width, w.height, 3, 8, 9);
    Path file = write(dir.resolve("strips.tif"), w.write(values));
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    try (TiffDecoder decoder = TiffDecoder.open(local(), info)) {
      // Ten 64-column windows of rows 10..42 (a 3x3 halo around 32 rows): 3 strips, once each.
      for (int x = 0; x < 640; x += 64) {
        decoder.read(10, x, 33, 64);
      }
      assertThat(decoder.chunksDecoded()).isEqualTo(3);
    }
  }

  @Test
  void bigTiffReadsByWindowOnlyTheTilesItTouches() throws IOException {
    TiffWriter w = new TiffWriter(512, 512);
    w.bigTiff = true;
    w.tileWidth = 64;
    w.tileHeight = 64;
    w.compression = TiffDirectory.COMPRESSION_LZW;
    int[] values = TiffWriter.pattern(512, 512, 3, 8, 2);
    Path file = write(dir.resolve("big.tif"), w.write(values));
    CountingFileSystem counting = new CountingFileSystem(local());
    ImageInfo info = ImageProbe.probe(counting, hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.supportsRegionReads()).isTrue();
    counting.reset();
    try (ImageSource source =
        ImageSource.open(counting, info, ChannelMode.KEEP, Normalization.RAW)) {
      Tensor3 got = source.read(100, 200, 20, 20); // inside one 64x64 tile
      assertThat(
              got.bitwiseEquals(RegionReadTest.crop(tensor(values, 3, 512, 512), 100, 200, 20, 20)))
          .isTrue();
    }
    assertThat(counting.bytesRead()).isLessThan(info.fileSize() / 16);
  }

  private int[] block(String name, byte[] bytes) throws IOException {
    ImageInfo info =
        ImageProbe.probe(local(), hadoop(write(dir.resolve(name), bytes)), Long.MAX_VALUE);
    return new int[] {info.tileWidth(), info.tileHeight()};
  }

  static String describe(TiffWriter w) {
    return (w.bigTiff ? "BigTIFF " : "TIFF ")
        + w.width
        + "x"
        + w.height
        + "x"
        + w.samples
        + " "
        + w.bits
        + "-bit "
        + (w.tileWidth > 0
            ? "tiles " + w.tileWidth + "x" + w.tileHeight
            : "strips of " + w.rowsPerStrip)
        + (w.planar ? " planar" : " chunky")
        + " compression "
        + w.compression
        + (w.predictor ? " predictor" : "")
        + " "
        + w.order;
  }

  static Tensor3 tensor(int[] values, int channels, int height, int width) {
    Tensor3 out = Tensor3.zeros(channels, height, width);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        for (int c = 0; c < channels; c++) {
          out.set(c, y, x, values[(y * width + x) * channels + c]);
        }
      }
    }
    return out;
  }

  /**
   * The whole image as raw band values, decoded by the JDK's TIFF reader or TwelveMonkeys' (which
   * reads BigTIFF), never by haloconv's.
   */
  static Tensor3 fullDecode(byte[] bytes, boolean twelveMonkeys) {
    Readers.initialise();
    String prefix =
        twelveMonkeys ? "com.twelvemonkeys.imageio.plugins.tiff." : "com.sun.imageio.plugins.tiff.";
    for (var it = javax.imageio.ImageIO.getImageReadersByFormatName("tiff"); it.hasNext(); ) {
      ImageReader reader = it.next();
      if (!reader.getClass().getName().startsWith(prefix)) {
        continue;
      }
      try {
        reader.setInput(new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes)));
        BufferedImage image = reader.read(0);
        Raster raster = image.getRaster();
        Tensor3 out = Tensor3.zeros(raster.getNumBands(), raster.getHeight(), raster.getWidth());
        for (int c = 0; c < raster.getNumBands(); c++) {
          for (int y = 0; y < raster.getHeight(); y++) {
            for (int x = 0; x < raster.getWidth(); x++) {
              out.set(c, y, x, raster.getSample(x, y, c));
            }
          }
        }
        return out;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      } finally {
        reader.dispose();
      }
    }
    throw new IllegalStateException("no reader " + prefix);
  }
}
