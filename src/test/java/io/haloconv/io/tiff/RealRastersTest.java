package io.haloconv.io.tiff;

import static io.haloconv.io.TestFiles.local;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.CountingFileSystem;
import io.haloconv.io.Georeference;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.io.RegionReadTest;
import io.haloconv.io.SampleFormat;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Npz;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.hadoop.fs.FileSystem;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * haloconv's TIFF reader on files written by GDAL, libvips and tifffile (made by {@code
 * jobs/testdata/make-rasters.py}), against the pixels an independent reader (GDAL, libvips) decoded
 * from them: every window of every level equal, exactly for lossless codecs and within one 8-bit
 * step for JPEG, reading only the tiles under the window; and the georeference equal to what GDAL
 * reports.
 */
class RealRastersTest {
  static final Path DIR = Path.of("src/test/resources/rasters");
  private static final ObjectMapper JSON = new ObjectMapper();

  record Case(String name, JsonNode facts) {
    Path file() {
      return DIR.resolve(name + ".tif");
    }

    org.apache.hadoop.fs.Path hadoopPath() {
      return new org.apache.hadoop.fs.Path(file().toAbsolutePath().toUri());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> cases() throws IOException {
    JsonNode cases = JSON.readTree(DIR.resolve("cases.json").toFile()).get("cases");
    List<Case> out = new ArrayList<>();
    for (Iterator<String> names = cases.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      out.add(new Case(name, cases.get(name)));
    }
    assertThat(out).hasSizeGreaterThan(10);
    return out.stream();
  }

  static Map<String, NpyArray> reference(Case c) throws IOException {
    try (InputStream in = Files.newInputStream(DIR.resolve(c.name + ".npz"))) {
      return Npz.read(in);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void everyWindowOfEveryLevelEqualsTheIndependentDecode(Case c) throws IOException {
    Map<String, NpyArray> reference = reference(c);
    JsonNode levels = c.facts.get("levels");
    assertThat(reference).hasSize(levels.size());
    boolean exact = c.facts.get("exact").asBoolean();
    for (int level = 0; level < levels.size(); level++) {
      Tensor3 want = reference.get("level" + level).toTensor3();
      ImageInfo info =
          ImageProbe.probe(
              local(),
              c.hadoopPath(),
              ImageProbe.DEFAULT_MAX_PIXELS,
              ImageProbe.DEFAULT_TIMEOUT,
              level);
      assertThat(new int[] {info.width(), info.height(), info.channels(), info.level()})
          .as("%s level %d", c, level)
          .containsExactly(
              levels.get(level).get(0).asInt(),
              levels.get(level).get(1).asInt(),
              c.facts.get("channels").asInt(),
              level);
      assertThat(info.sampleFormat()).isEqualTo(sampleFormat(c.facts.get("dtype").asText()));
      try (TiffDecoder decoder = TiffDecoder.open(local(), info)) {
        assertThat(decoder).as("haloconv's reader decodes %s level %d", c, level).isNotNull();
        for (int[] w : RegionReadTest.windows(info.height(), info.width(), info.width() * 7L)) {
          Tensor3 got = decoder.read(w[0], w[1], w[2], w[3]);
          Tensor3 expected = RegionReadTest.crop(want, w[0], w[1], w[2], w[3]);
          String what = c + " level " + level + " window " + java.util.Arrays.toString(w);
          if (exact) {
            assertThat(got.bitwiseEquals(expected)).as(what).isTrue();
          } else {
            assertThat(maxDifference(got, expected)).as(what).isLessThanOrEqualTo(1f);
          }
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void aTileWindowReadsOnlyItsTiles(Case c) throws IOException {
    ImageInfo info = ImageProbe.probe(local(), c.hadoopPath(), ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.supportsRegionReads()).as("%s is read by window", c).isTrue();
    CountingFileSystem counting = new CountingFileSystem(local());
    long fileSize = Files.size(c.file());
    try (ImageSource source =
        ImageSource.open(counting, info, ChannelMode.KEEP, Normalization.RAW)) {
      counting.reset();
      int y0 = (info.height() - 1) / info.tileHeight() * info.tileHeight();
      int x0 = (info.width() - 1) / info.tileWidth() * info.tileWidth();
      source.read(y0, x0, info.height() - y0, info.width() - x0);
      long read = counting.bytesRead();
      // The window is the last block: only its chunks' bytes (one per plane) may be read.
      TiffDirectory dir;
      try (var in = local().open(c.hadoopPath())) {
        dir = TiffDirectory.read(in, fileSize, info.directory());
      }
      long under = 0;
      for (int plane = 0; plane < dir.planes(); plane++) {
        under +=
            dir.byteCounts[dir.chunkIndex(plane, dir.chunksDown() - 1, dir.chunksAcross() - 1)];
      }
      assertThat(dir.chunksAcross() * dir.chunksDown())
          .as("%s chunks", c)
          .isGreaterThanOrEqualTo(4);
      assertThat(read)
          .as("%s bytes read for its last block", c)
          .isPositive()
          .isLessThanOrEqualTo(under);
    }
  }

  @ParameterizedTest
  @MethodSource("cases")
  void georeferenceIsWhatGdalReports(Case c) throws IOException {
    JsonNode facts = c.facts;
    for (int level = 0; level < facts.get("levels").size(); level++) {
      ImageInfo info =
          ImageProbe.probe(
              local(),
              c.hadoopPath(),
              ImageProbe.DEFAULT_MAX_PIXELS,
              ImageProbe.DEFAULT_TIMEOUT,
              level);
      Georeference geo = info.georeference();
      if (facts.has("geotransform")) {
        assertThat(geo).as("%s level %d", c, level).isNotNull();
        double[] want = new double[6];
        for (int i = 0; i < 6; i++) {
          want[i] = facts.get("geotransform").get(i).asDouble();
        }
        // Overviews: GDAL scales the base transform by the size ratio.
        double fx = facts.get("levels").get(0).get(0).asDouble() / info.width();
        double fy = facts.get("levels").get(0).get(1).asDouble() / info.height();
        want[1] *= fx;
        want[2] *= fy;
        want[4] *= fx;
        want[5] *= fy;
        assertThat(geo.transform()).as("%s level %d", c, level).containsExactly(want, within(1e-9));
        assertThat(geo.epsg()).isEqualTo(facts.get("epsg").asInt());
        JsonNode nodata = facts.get("nodata");
        if (nodata.isNull()) {
          assertThat(geo.nodata()).isNull();
        } else {
          assertThat(geo.nodataValue()).hasValue(nodata.asDouble());
        }
      } else if (facts.has("mpp")) {
        double scale = facts.get("levels").get(0).get(0).asDouble() / info.width();
        assertThat(geo).as("%s", c).isNotNull();
        assertThat(geo.micronsPerPixelX())
            .isCloseTo(facts.get("mpp").asDouble() * scale, within(1e-9));
      }
    }
  }

  static SampleFormat sampleFormat(String dtype) {
    if (dtype.startsWith("float")) {
      return SampleFormat.FLOAT;
    }
    return dtype.startsWith("int") ? SampleFormat.SIGNED_INTEGER : SampleFormat.UNSIGNED_INTEGER;
  }

  static float maxDifference(Tensor3 a, Tensor3 b) {
    assertThat(a.channels()).isEqualTo(b.channels());
    float[] x = a.data();
    float[] y = b.data();
    assertThat(x).hasSameSizeAs(y);
    float max = 0;
    for (int i = 0; i < x.length; i++) {
      max = Math.max(max, Math.abs(x[i] - y[i]));
    }
    return max;
  }

  static FileSystem fs() {
    return local();
  }
}
