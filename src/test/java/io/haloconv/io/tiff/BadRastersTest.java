package io.haloconv.io.tiff;

import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import java.io.IOException;
import java.nio.file.Path;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TIFFs damaged one way each: every one is a bad record of the right kind with a one-line
 * message, at the stage it is found, never a crash or a tile of zeros.
 */
class BadRastersTest {
  static final Path JPEG = RealRastersTest.DIR.resolve("jpeg-ycbcr-tiles.tif");
  static final Path ZSTD = RealRastersTest.DIR.resolve("zstd-float32-pred3-geo.tif");
  static final Path SVS = RealRastersTest.DIR.resolve("svs-like.tif");

  @TempDir Path dir;

  private ImageReadException failure(ThrowingCallable call) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(call)
        .isInstanceOf(ImageReadException.class)
        .satisfies(e -> caught[0] = e)
        .satisfies(
            e -> assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("Exception"));
    return (ImageReadException) caught[0];
  }

  /** Probes {@code bytes}, then reads every pixel. */
  private void readAll(byte[] bytes) throws IOException {
    Path file = write(dir.resolve("bad.tif"), bytes);
    ImageInfo info = ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.RAW)) {
      source.readAll();
    }
  }

  @Test
  void aTruncatedTileIsTruncated() {
    ImageReadException e = failure(() -> readAll(RasterSurgery.of(ZSTD).truncatedInLastChunk()));
    assertThat(e.kind()).isEqualTo(ErrorKind.TRUNCATED);
    assertThat(e.stage()).isEqualTo(ImageReadException.Stage.DECODE);
    assertThat(e.getMessage())
        .matches(
            "truncated TIFF: tile \\d+ \\(bytes \\d+ to \\d+\\) lies past the end of the \\d+-byte file");
  }

  @Test
  void aCorruptJpegTileIsCorrupt() {
    ImageReadException e = failure(() -> readAll(RasterSurgery.of(JPEG).scrambleChunk(4).bytes()));
    assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT);
    assertThat(e.getMessage()).startsWith("corrupt data in tile 4: ");
  }

  @Test
  void aJpegTileWithoutItsTablesIsCorrupt() {
    ImageReadException e = failure(() -> readAll(RasterSurgery.of(JPEG).dropTag(347).bytes()));
    assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT);
    assertThat(e.getMessage())
        .isEqualTo("JPEG tile 0 has no quantisation tables and the TIFF has no JPEGTables");
  }

  @Test
  void anUnknownCompressionIsUnsupported() {
    ImageReadException e =
        failure(() -> readAll(RasterSurgery.of(ZSTD).setValue(259, 34887).bytes()));
    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
    assertThat(e.getMessage()).isEqualTo("unsupported TIFF compression 34887 (LERC)");
  }

  @Test
  void oldStyleJpegIsUnsupported() {
    ImageReadException e = failure(() -> readAll(RasterSurgery.of(JPEG).setValue(259, 6).bytes()));
    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
    assertThat(e.getMessage()).startsWith("unsupported TIFF compression 6 (old-style JPEG)");
  }

  @Test
  void anUnknownPredictorIsUnsupported() {
    ImageReadException e = failure(() -> readAll(RasterSurgery.of(ZSTD).setValue(317, 7).bytes()));
    assertThat(e.kind()).isEqualTo(ErrorKind.UNSUPPORTED);
    assertThat(e.getMessage()).isEqualTo("unsupported TIFF predictor 7");
  }

  @Test
  void aGeoKeyDirectoryOutsideTheFileIsCorrupt() {
    ImageReadException e =
        failure(() -> readAll(RasterSurgery.of(ZSTD).pointOutside(34735).bytes()));
    assertThat(e.kind()).isEqualTo(ErrorKind.CORRUPT);
    assertThat(e.stage()).isEqualTo(ImageReadException.Stage.PROBE);
    assertThat(e.getMessage())
        .matches(
            "malformed GeoTIFF: GeoKeyDirectory \\(tag 34735\\): its values lie outside the"
                + " \\d+-byte file");
  }

  @Test
  void aLevelTheFileLacksNamesTheLevelsItHas() throws IOException {
    ImageReadException e =
        failure(
            () ->
                ImageProbe.probe(
                    local(),
                    hadoop(SVS.toAbsolutePath()),
                    ImageProbe.DEFAULT_MAX_PIXELS,
                    ImageProbe.DEFAULT_TIMEOUT,
                    3));
    assertThat(e.kind()).isEqualTo(ErrorKind.NO_SUCH_LEVEL);
    assertThat(e.getMessage())
        .isEqualTo("no level 3: the file has levels 0 (128x96), 1 (64x48), 2 (32x24)");
  }
}
