package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.io.tiff.RasterSurgery;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Npz;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real-world rasters (GDAL, libvips and tifffile files from {@code src/test/resources/rasters})
 * through a real job: {@code --level} picks each file's pyramid level, whose features equal the
 * independent decode of that level; a file without the level, a truncated tile and a corrupt JPEG
 * tile are bad records in {@code _errors/}, beside the good files.
 */
class RastersJobTest {
  static final Path RASTERS = Path.of("src/test/resources/rasters");

  @TempDir Path temp;

  private static final FilterBank IDENTITY = FilterBanks.preset("identity", 3);

  private JobConfig job(Path input, String out) {
    return JobConfig.builder(
            input.toString(),
            temp.resolve(out).toString(),
            LayerStack.of(IDENTITY, ConvSpec.builder(IDENTITY).build(), "preset:identity"))
        .tile(24, 24)
        .build();
  }

  private static Tensor3 reference(String name, int level) throws IOException {
    try (InputStream in = Files.newInputStream(RASTERS.resolve(name + ".npz"))) {
      return Npz.read(in).get("level" + level).toTensor3();
    }
  }

  private Map<String, String[]> errors(SparkSession spark, String out) {
    Map<String, String[]> byFile = new TreeMap<>();
    List<Row> rows =
        spark.read().parquet(temp.resolve(out).resolve("_errors").toString()).collectAsList();
    for (Row row : rows) {
      String path = row.getString(row.fieldIndex("path"));
      byFile.put(
          path.substring(path.lastIndexOf('/') + 1),
          new String[] {
            row.getString(row.fieldIndex("stage")),
            row.getString(row.fieldIndex("error")),
            row.getString(row.fieldIndex("message"))
          });
    }
    return byFile;
  }

  @Test
  void levelOneOfEveryPyramidEqualsItsIndependentDecode() throws IOException {
    Path input = Files.createDirectories(temp.resolve("input"));
    for (String name : new String[] {"svs-like", "vips-zstd-subifd-pyramid", "jpeg-ycbcr-tiles"}) {
      Files.copy(RASTERS.resolve(name + ".tif"), input.resolve(name + ".tif"));
    }
    SparkSession spark = SparkTests.session();
    JobResult result = FeaturizeJob.run(spark, job(input, "level1").toBuilder().level(1).build());
    assertThat(result.filesListed()).isEqualTo(3);
    assertThat(result.imagesWritten()).isEqualTo(2);
    assertThat(result.imagesFailed()).isEqualTo(1);

    Map<String, Tensor3> maps = FeatureMaps.viaSpark(spark, temp.resolve("level1").toString());
    assertThat(maps).hasSize(2);
    for (var entry : maps.entrySet()) {
      String name =
          entry.getKey().substring(entry.getKey().lastIndexOf('/') + 1).replace(".tif", "");
      Tensor3 want = reference(name, 1);
      float[] scaled = want.data().clone();
      for (int i = 0; i < scaled.length; i++) {
        scaled[i] = scaled[i] / 255f; // --normalize unit, then the identity bank
      }
      Tensor3 got = entry.getValue();
      assertThat(new int[] {got.channels(), got.height(), got.width()})
          .as(name)
          .containsExactly(want.channels(), want.height(), want.width());
      assertThat(got.data()).as(name).containsExactly(scaled);
    }
    Map<String, String[]> errors = errors(spark, "level1");
    assertThat(errors).containsOnlyKeys("jpeg-ycbcr-tiles.tif");
    assertThat(errors.get("jpeg-ycbcr-tiles.tif"))
        .containsExactly("probe", "no-such-level", "no level 1: the file has level 0 (97x75)");
  }

  @Test
  void aTruncatedTileAndACorruptJpegTileAreBadRecords() throws IOException {
    Path input = Files.createDirectories(temp.resolve("input"));
    Files.copy(RASTERS.resolve("webp-lossless-tiles.tif"), input.resolve("good.tif"));
    Files.write(
        input.resolve("cut.tif"),
        RasterSurgery.of(RASTERS.resolve("zstd-rgb8-planar-tiles.tif")).truncatedInLastChunk());
    Files.write(
        input.resolve("scrambled.tif"),
        RasterSurgery.of(RASTERS.resolve("jpeg-ycbcr-tiles.tif")).scrambleChunk(4).bytes());
    SparkSession spark = SparkTests.session();
    JobResult result = FeaturizeJob.run(spark, job(input, "bad"));
    assertThat(result.imagesWritten()).isEqualTo(1);
    assertThat(result.imagesFailed()).isEqualTo(2);
    Map<String, Tensor3> maps = FeatureMaps.viaSpark(spark, temp.resolve("bad").toString());
    assertThat(maps.keySet()).singleElement().satisfies(p -> assertThat(p).endsWith("/good.tif"));

    Map<String, String[]> errors = errors(spark, "bad");
    assertThat(errors).containsOnlyKeys("cut.tif", "scrambled.tif");
    assertThat(errors.get("cut.tif")[0]).isEqualTo("decode");
    assertThat(errors.get("cut.tif")[1]).isEqualTo("truncated");
    assertThat(errors.get("cut.tif")[2])
        .matches(
            "truncated TIFF: tile \\d+ \\(bytes \\d+ to \\d+\\) lies past the end of the \\d+-byte file");
    assertThat(errors.get("scrambled.tif")[0]).isEqualTo("decode");
    assertThat(errors.get("scrambled.tif")[1]).isEqualTo("corrupt");
    assertThat(errors.get("scrambled.tif")[2])
        .startsWith("corrupt data in tile 4: ")
        .doesNotContain("\n");
  }
}
