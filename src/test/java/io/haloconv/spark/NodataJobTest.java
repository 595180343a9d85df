package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.io.NodataPolicy;
import io.haloconv.spark.output.EmptyTiles;
import io.haloconv.spark.output.OutputReader;
import io.haloconv.spark.output.TileRows;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Npz;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.NaiveConv;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --nodata} on a GDAL-made float32 GeoTIFF with GDAL_NODATA −9999, nodata blocks, pixels on
 * its edges and NaN samples: masked pixels contribute 0 (the maps equal an independent float64
 * convolution of the image with them set to 0), each row's {@code valid_fraction} equals an
 * independent tap-by-tap dilation of the mask through reflect padding, the maps are bitwise the
 * same whatever the tile size, and {@code --skip-empty-tiles} leaves out exactly the tiles with no
 * valid pixel, counting them.
 */
class NodataJobTest {
  static final Path RASTERS = Path.of("src/test/resources/rasters");
  private static final String NAME = "nodata-float32-geo";
  private static final FilterBank BANK = FilterBanks.random(2, 1, 3, 31);
  private static final ConvSpec SPEC =
      ConvSpec.builder(BANK).padding(Padding.SAME).paddingMode(PaddingMode.REFLECT).build();

  @TempDir Path temp;

  private static Tensor3 pixels() throws IOException {
    try (InputStream in = Files.newInputStream(RASTERS.resolve(NAME + ".npz"))) {
      return Npz.read(in).get("level0").toTensor3();
    }
  }

  private static boolean masked(float v) {
    return v == -9999f || Float.isNaN(v);
  }

  private Path input() throws IOException {
    Path input = Files.createDirectories(temp.resolve("input"));
    if (!Files.exists(input.resolve(NAME + ".tif"))) {
      Files.copy(RASTERS.resolve(NAME + ".tif"), input.resolve(NAME + ".tif"));
    }
    return input;
  }

  private JobConfig job(String out, int tile) throws IOException {
    return JobConfig.builder(
            input().toString(), temp.resolve(out).toString(), LayerStack.of(BANK, SPEC, "random"))
        .tile(tile, tile)
        .build();
  }

  /** Whether output (y, x) of the reflect-padded 3×3 conv reads a masked pixel, tap by tap. */
  private static boolean invalid(Tensor3 image, int y, int x) {
    for (int dy = -1; dy <= 1; dy++) {
      for (int dx = -1; dx <= 1; dx++) {
        int sy = reflect(y + dy, image.height());
        int sx = reflect(x + dx, image.width());
        if (masked(image.get(0, sy, sx))) {
          return true;
        }
      }
    }
    return false;
  }

  private static int reflect(int v, int size) {
    return v < 0 ? -v : v >= size ? 2 * size - 2 - v : v;
  }

  private static double validFraction(Tensor3 image, int y0, int x0, int h, int w) {
    int valid = 0;
    for (int y = y0; y < y0 + h; y++) {
      for (int x = x0; x < x0 + w; x++) {
        valid += invalid(image, y, x) ? 0 : 1;
      }
    }
    return (double) valid / (h * w);
  }

  @Test
  void maskedPixelsContributeZeroAndValidFractionIsTheDilatedMask() throws IOException {
    Tensor3 image = pixels();
    int maskedCount = 0;
    Tensor3 zeroed = Tensor3.zeros(1, image.height(), image.width());
    for (int y = 0; y < image.height(); y++) {
      for (int x = 0; x < image.width(); x++) {
        float v = image.get(0, y, x);
        maskedCount += masked(v) ? 1 : 0;
        zeroed.set(0, y, x, masked(v) ? 0f : v);
      }
    }
    assertThat(maskedCount).as("the raster has nodata and NaN pixels").isGreaterThan(240);
    double[] want = NaiveConv.convolve(zeroed, BANK, SPEC);

    SparkSession spark = SparkTests.session();
    FeaturizeJob.run(spark, job("t7", 7));
    FeaturizeJob.run(spark, job("t16", 16));
    Tensor3 got7 =
        FeatureMaps.viaSpark(spark, temp.resolve("t7").toString()).values().iterator().next();
    Tensor3 got16 =
        FeatureMaps.viaSpark(spark, temp.resolve("t16").toString()).values().iterator().next();
    // -9999 or NaN convolved as numbers would be far off (or NaN) here.
    NaiveConv.assertClose(got7.data(), want, "masked pixels as 0");
    assertThat(got16.data()).as("bitwise equal across tile sizes").containsExactly(got7.data());

    int invalidRows = 0;
    for (String out : new String[] {"t7", "t16"}) {
      for (Row r : spark.read().parquet(temp.resolve(out).toString()).collectAsList()) {
        int y0 = r.getInt(r.fieldIndex(TileRows.Y0));
        int x0 = r.getInt(r.fieldIndex(TileRows.X0));
        double fraction =
            validFraction(
                image,
                y0,
                x0,
                r.getInt(r.fieldIndex(TileRows.HEIGHT)),
                r.getInt(r.fieldIndex(TileRows.WIDTH)));
        assertThat(r.getDouble(r.fieldIndex(TileRows.VALID_FRACTION)))
            .as("%s tile %d,%d", out, y0, x0)
            .isEqualTo(fraction);
        invalidRows += fraction < 1 ? 1 : 0;
      }
    }
    assertThat(invalidRows).as("some tiles hold nodata").isGreaterThan(4);
  }

  @Test
  void nodataNoneConvolvesTheValuesAsTheyAre() throws IOException {
    SparkSession spark = SparkTests.session();
    FeaturizeJob.run(
        spark,
        job("none", 16).toBuilder().nodata(NodataPolicy.NONE).emptyTiles(EmptyTiles.KEEP).build());
    List<Row> rows = spark.read().parquet(temp.resolve("none").toString()).collectAsList();
    for (Row r : rows) {
      assertThat(r.getDouble(r.fieldIndex(TileRows.VALID_FRACTION))).isEqualTo(1.0);
    }
    Tensor3 got =
        FeatureMaps.viaSpark(spark, temp.resolve("none").toString()).values().iterator().next();
    boolean nan = false;
    boolean huge = false;
    for (float v : got.data()) {
      nan |= Float.isNaN(v);
      huge |= Math.abs(v) > 1000;
    }
    assertThat(nan).as("NaN samples spread").isTrue();
    assertThat(huge).as("-9999 is convolved as a number").isTrue();
  }

  @Test
  void skipEmptyTilesLeavesOutExactlyTheTilesWithNoValidPixel() throws IOException {
    Tensor3 image = pixels();
    int tile = 4;
    Set<String> kept = new HashSet<>();
    int empty = 0;
    int total = 0;
    for (int y0 = 0; y0 < image.height(); y0 += tile) {
      for (int x0 = 0; x0 < image.width(); x0 += tile) {
        int h = Math.min(tile, image.height() - y0);
        int w = Math.min(tile, image.width() - x0);
        total++;
        if (validFraction(image, y0, x0, h, w) == 0) {
          empty++;
        } else {
          kept.add(y0 + "," + x0);
        }
      }
    }
    // The 12x20 block, and the top-left corner block read again by reflect padding (numpy's
    // dilation of the mask agrees: 13).
    assertThat(empty).as("tiles with no valid pixel").isEqualTo(13);

    SparkSession spark = SparkTests.session();
    String out = temp.resolve("skip").toString();
    JobResult result =
        FeaturizeJob.run(
            spark,
            job("skip", tile).toBuilder()
                .nodata(NodataPolicy.AUTO)
                .emptyTiles(EmptyTiles.SKIP)
                .build());
    assertThat(result.emptyTilesSkipped()).isEqualTo(empty);
    assertThat(result.tiles()).isEqualTo(total - empty);
    Set<String> written = new HashSet<>();
    for (Row r : spark.read().parquet(out).collectAsList()) {
      written.add(r.getInt(r.fieldIndex(TileRows.Y0)) + "," + r.getInt(r.fieldIndex(TileRows.X0)));
      assertThat(r.getDouble(r.fieldIndex(TileRows.VALID_FRACTION))).isGreaterThan(0);
    }
    assertThat(written).isEqualTo(kept);
    JsonNode manifest = new ObjectMapper().readTree(Path.of(out, "_manifest.json").toFile());
    assertThat(manifest.path("counts").path("empty_tiles_skipped").asLong()).isEqualTo(empty);
    assertThat(manifest.path("counts").path("tiles").asLong()).isEqualTo(total - empty);

    // Readers of the output see the left-out tiles as NaN, the rest as written.
    OutputReader reader = OutputReader.open(spark, out);
    assertThat(reader.leftEmptyTilesOut()).isTrue();
    String path = spark.read().parquet(out).first().getString(0);
    Tensor3 map = reader.featureMap(path, null).map();
    assertThat(Float.isNaN(map.get(0, 13, 13))).isTrue();
    assertThat(Float.isNaN(map.get(1, 33, 1))).isFalse();
  }

  @Test
  void parquetInputRowsCarryTheSameColumnsAndSkipTheSameTiles() throws IOException {
    SparkSession spark = SparkTests.session();
    String dataset = temp.resolve("bytes").toString();
    spark
        .createDataFrame(
            List.of(
                org.apache.spark.sql.RowFactory.create(
                    "dem", Files.readAllBytes(RASTERS.resolve(NAME + ".tif")))),
            new org.apache.spark.sql.types.StructType()
                .add("id", org.apache.spark.sql.types.DataTypes.StringType)
                .add("image", org.apache.spark.sql.types.DataTypes.BinaryType))
        .write()
        .parquet(dataset);
    String out = temp.resolve("from-parquet").toString();
    JobConfig config =
        JobConfig.builder(dataset, out, LayerStack.of(BANK, SPEC, "random"))
            .tile(4, 4)
            .nodata(NodataPolicy.AUTO)
            .emptyTiles(EmptyTiles.SKIP)
            .build();
    JobResult result =
        ParquetFeaturizeJob.run(
            spark,
            config,
            new io.haloconv.spark.listing.ParquetInput("image", "id"),
            new java.io.PrintStream(java.io.OutputStream.nullOutputStream()));
    assertThat(result.emptyTilesSkipped()).isEqualTo(13);
    List<Row> rows = spark.read().parquet(out).collectAsList();
    assertThat(rows).hasSize(90 - 13);
    for (Row r : rows) {
      assertThat(r.getString(r.fieldIndex(TileRows.CRS))).isEqualTo("EPSG:32633");
      int x0 = r.getInt(r.fieldIndex(TileRows.X0));
      int y0 = r.getInt(r.fieldIndex(TileRows.Y0));
      // -a_ullr 440000 3751200 ...: 30 m pixels, north up.
      assertThat(r.<Double>getList(r.fieldIndex(TileRows.TRANSFORM)))
          .containsExactly(440000.0 + 30 * x0, 30.0, 0.0, 3751200.0 - 30 * y0, 0.0, -30.0);
      assertThat(r.getDouble(r.fieldIndex(TileRows.VALID_FRACTION))).isGreaterThan(0);
    }
  }
}
