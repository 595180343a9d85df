package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.spark.output.TileRows;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.PoolOp;
import io.haloconv.stack.PoolSpec;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code transform} and {@code crs} columns of real GeoTIFFs (GDAL-made, north-up and rotated)
 * equal what GDAL itself reports for the same region: {@code gdal_translate -srcwin} for a stride-1
 * {@code same} convolution's tiles, and {@code -srcwin … -outsize} for a 2×2 stride-2 pool's. The
 * GDAL values were computed by jobs/testdata/make-geo-cases.py into geo-cases.json.
 */
class GeoreferenceJobTest {
  static final Path RASTERS = Path.of("src/test/resources/rasters");
  private static final Map<String, String> CRS =
      Map.of(
          "zstd-float32-pred3-geo", "EPSG:32633",
          "deflate-float32-rotated-geo", "EPSG:4326",
          "nodata-float32-geo", "EPSG:32633",
          "cog-zstd-float32", "EPSG:32633");

  @TempDir Path temp;

  static JsonNode cases() throws IOException {
    return new ObjectMapper().readTree(RASTERS.resolve("geo-cases.json").toFile());
  }

  private Path input() throws IOException {
    Path input = Files.createDirectories(temp.resolve("input"));
    for (String name :
        List.of("zstd-float32-pred3-geo", "deflate-float32-rotated-geo", "nodata-float32-geo")) {
      Files.copy(RASTERS.resolve(name + ".tif"), input.resolve(name + ".tif"));
    }
    return input;
  }

  private static ConvLayer sameConv(boolean emit) {
    FilterBank bank = FilterBanks.preset("gaussian", 1);
    return new ConvLayer(
        "conv",
        "preset:gaussian",
        bank,
        ConvSpec.builder(bank).padding(Padding.SAME).paddingMode(PaddingMode.REFLECT).build(),
        emit);
  }

  /** GDAL's geotransform of each window {x0, y0, w, h}, keyed "name x0 y0 w h". */
  private static Map<String, List<Double>> windows(JsonNode byRaster) {
    Map<String, List<Double>> want = new HashMap<>();
    byRaster
        .fields()
        .forEachRemaining(
            e -> {
              for (JsonNode w : e.getValue().get("windows")) {
                List<Double> gt = new java.util.ArrayList<>();
                w.get(4).forEach(v -> gt.add(v.asDouble()));
                want.put(
                    e.getKey()
                        + " "
                        + w.get(0).asInt()
                        + " "
                        + w.get(1).asInt()
                        + " "
                        + w.get(2).asInt()
                        + " "
                        + w.get(3).asInt(),
                    gt);
              }
            });
    return want;
  }

  private static String key(Row r) {
    String path = r.getString(r.fieldIndex(TileRows.PATH));
    String name = path.substring(path.lastIndexOf('/') + 1).replace(".tif", "");
    return name
        + " "
        + r.getInt(r.fieldIndex(TileRows.X0))
        + " "
        + r.getInt(r.fieldIndex(TileRows.Y0))
        + " "
        + r.getInt(r.fieldIndex(TileRows.WIDTH))
        + " "
        + r.getInt(r.fieldIndex(TileRows.HEIGHT));
  }

  private static void assertTransforms(List<Row> rows, Map<String, List<Double>> want) {
    assertThat(rows).hasSize(want.size());
    for (Row r : rows) {
      String key = key(r);
      assertThat(want).as("GDAL windows").containsKey(key);
      List<Double> got = r.getList(r.fieldIndex(TileRows.TRANSFORM));
      assertThat(got).as(key).containsExactlyElementsOf(want.get(key));
      assertThat(r.getString(r.fieldIndex(TileRows.CRS)))
          .as(key)
          .isEqualTo(CRS.get(key.substring(0, key.indexOf(' '))));
      assertThat(r.isNullAt(r.fieldIndex(TileRows.MPP_X))).as(key).isTrue();
    }
  }

  @Test
  void sameConvolutionTilesCarryGdalsSrcwinTransform() throws IOException {
    SparkSession spark = SparkTests.session();
    String out = temp.resolve("same").toString();
    JobConfig config =
        JobConfig.builder(input().toString(), out, new LayerStack(List.of(sameConv(false))))
            .tile(16, 16)
            .build();
    JobResult result = FeaturizeJob.run(spark, config);
    assertThat(result.imagesWritten()).isEqualTo(3);
    assertTransforms(spark.read().parquet(out).collectAsList(), windows(cases().get("srcwin")));
  }

  @Test
  void pooledTilesCarryGdalsOutsizeTransformAndEmittedLayersTheirOwn() throws IOException {
    SparkSession spark = SparkTests.session();
    String out = temp.resolve("pool").toString();
    LayerStack stack =
        new LayerStack(
            List.of(
                sameConv(true),
                new PoolLayer("pool", new PoolSpec(PoolOp.MAX, 2, 2, 2, 2, Padding.VALID), false)));
    // Pool tiles of 8 project to conv tiles of 16: GDAL's srcwin grid of geo-cases.json.
    JobConfig config = JobConfig.builder(input().toString(), out, stack).tile(8, 8).build();
    JobResult result = FeaturizeJob.run(spark, config);
    assertThat(result.imagesWritten()).isEqualTo(3);
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertTransforms(
        rows.stream().filter(r -> r.getString(r.fieldIndex("layer")).equals("conv")).toList(),
        windows(cases().get("srcwin")));
    assertTransforms(
        rows.stream().filter(r -> r.getString(r.fieldIndex("layer")).equals("pool")).toList(),
        windows(cases().get("outsize")));
  }

  @Test
  void slidesCarryMicronsPerOutputPixelAndNoTransform() throws IOException {
    Path input = Files.createDirectories(temp.resolve("slides"));
    Files.copy(RASTERS.resolve("resolution-uint16.tif"), input.resolve("resolution-uint16.tif"));
    Files.copy(RASTERS.resolve("svs-like.tif"), input.resolve("svs-like.tif"));
    SparkSession spark = SparkTests.session();
    String out = temp.resolve("mpp").toString();
    LayerStack pool =
        new LayerStack(
            List.of(
                new PoolLayer("pool", new PoolSpec(PoolOp.AVG, 2, 2, 2, 2, Padding.VALID), false)));
    JobResult result =
        FeaturizeJob.run(
            spark, JobConfig.builder(input.toString(), out, pool).tile(8, 8).level(0).build());
    assertThat(result.imagesWritten()).isEqualTo(2);
    // cases.json: 2000 pixels/cm is 5 µm, Aperio's MPP = 0.499; a 2x2/2 pool doubles both.
    Map<String, Double> mpp = Map.of("resolution-uint16", 10.0, "svs-like", 0.998);
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertThat(rows).isNotEmpty();
    for (Row r : rows) {
      String name = key(r).substring(0, key(r).indexOf(' '));
      assertThat(r.getDouble(r.fieldIndex(TileRows.MPP_X))).as(name).isEqualTo(mpp.get(name));
      assertThat(r.getDouble(r.fieldIndex(TileRows.MPP_Y))).as(name).isEqualTo(mpp.get(name));
      assertThat(r.isNullAt(r.fieldIndex(TileRows.TRANSFORM))).as(name).isTrue();
      assertThat(r.isNullAt(r.fieldIndex(TileRows.CRS))).as(name).isTrue();
      assertThat(r.getDouble(r.fieldIndex(TileRows.VALID_FRACTION))).as(name).isEqualTo(1.0);
    }
  }

  @Test
  void aPyramidLevelsTilesCarryGdalsOverviewTransform() throws IOException {
    Path input = Files.createDirectories(temp.resolve("cog"));
    Files.copy(RASTERS.resolve("cog-zstd-float32.tif"), input.resolve("cog-zstd-float32.tif"));
    SparkSession spark = SparkTests.session();
    String out = temp.resolve("level1").toString();
    JobConfig config =
        JobConfig.builder(input.toString(), out, new LayerStack(List.of(sameConv(false))))
            .tile(16, 16)
            .level(1)
            .build();
    assertThat(FeaturizeJob.run(spark, config).imagesWritten()).isEqualTo(1);
    assertTransforms(spark.read().parquet(out).collectAsList(), windows(cases().get("overview")));
  }
}
