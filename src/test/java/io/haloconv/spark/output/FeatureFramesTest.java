package io.haloconv.spark.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.io.Georeference;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.PoolOp;
import io.haloconv.stack.PoolSpec;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Precision;
import io.haloconv.testing.SparkTests;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.CatalystTypeConverters;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.execution.QueryExecution;
import org.apache.spark.sql.util.QueryExecutionListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Feature rows in Spark's internal form ({@link TileRows#internalRow}, {@link OutputLayout#frame})
 * carry exactly the values of the external rows, and a layered write keeps a file open per layer
 * instead of sorting the rows by layer.
 */
class FeatureFramesTest {
  @TempDir Path tmp;

  /** conv (emitted) then a 2×2 max pool: two written layers. */
  private static LayerStack layeredStack() {
    FilterBank bank = FilterBanks.random(4, 3, 3, 11);
    ConvSpec spec = ConvSpec.builder(bank).padding(Padding.SAME).build();
    return new LayerStack(
        List.of(
            new ConvLayer("conv", "random", bank, spec, true),
            new PoolLayer(
                "pool",
                new PoolSpec(PoolOp.MAX, 2, 2, 2, 2, new Padding.Explicit(0, 0, 0, 0)),
                false)));
  }

  private static final Georeference GEO =
      new Georeference(new double[] {500000, 10, 0, 6000000, 0, -10}, 32633, null, 0.25, 0.5);

  /**
   * One tile per written layer, with random features of {@code precision}: {layer, y0, x0, height,
   * width, channels, features}.
   */
  private static List<Object[]> parts(
      StackGeometry g, LayerStack stack, long seed, Precision precision) {
    Random random = new Random(seed);
    List<Object[]> parts = new ArrayList<>();
    for (int layer : stack.writtenLayers()) {
      int level = layer + 1;
      int height = Math.min(5, g.height(level));
      int width = Math.min(7, g.width(level));
      int channels = g.channels(level);
      byte[] features = new byte[channels * height * width * precision.bytesPerValue()];
      random.nextBytes(features);
      parts.add(new Object[] {layer, 1, 2, height, width, channels, features});
    }
    return parts;
  }

  /** {@code p}, one of {@link #parts}, as the part of a tile of {@code path}. */
  private static TilePart part(
      String path,
      StackGeometry g,
      Object[] p,
      Precision precision,
      Georeference geo,
      double validFraction) {
    return new TilePart(
        path,
        g,
        (int) p[0],
        (int) p[1],
        (int) p[2],
        (int) p[3],
        (int) p[4],
        (int) p[5],
        (byte[]) p[6],
        precision,
        geo,
        validFraction);
  }

  @Test
  void internalRowsCarryTheRowsValuesAndTheFeatureArrayItself() {
    LayerStack stack = layeredStack();
    StackGeometry g = stack.geometry(3, 40, 30);
    var toScala = CatalystTypeConverters.createToScalaConverter(TileRows.schema(stack));
    for (Georeference geo : new Georeference[] {GEO, null}) {
      for (Object[] p : parts(g, stack, 1, Precision.BFLOAT16)) {
        byte[] features = (byte[]) p[6];
        TilePart part = part("file:/a.tif", g, p, Precision.BFLOAT16, geo, 0.75);
        Row row = TileRows.row(part);
        InternalRow internal = TileRows.internalRow(part);
        assertThat(internal.numFields()).isEqualTo(row.length()).isEqualTo(16);
        // The writer reads the encoder's array, not a copy.
        assertThat(internal.getBinary(9)).isSameAs(features);
        Row converted = (Row) toScala.apply(internal);
        for (int i = 0; i < row.length(); i++) {
          Object expected = row.get(i);
          Object actual = converted.get(i);
          if (expected instanceof double[] d) {
            assertThat(actual).as(TileRows.schema(stack).fields()[i].name()).isNotNull();
            assertThat(((scala.collection.Seq<?>) actual).size()).isEqualTo(6);
            for (int j = 0; j < d.length; j++) {
              assertThat(((scala.collection.Seq<?>) actual).apply(j)).isEqualTo(d[j]);
            }
          } else {
            assertThat(actual).as(TileRows.schema(stack).fields()[i].name()).isEqualTo(expected);
          }
        }
        assertThat(converted.getString(15)).isEqualTo(stack.layer((int) p[0]).name());
        if (geo != null) {
          assertThat(converted.getString(11)).isEqualTo("EPSG:32633");
          assertThat(converted.get(12)).isNotNull();
        } else {
          assertThat(converted.isNullAt(10)).isTrue();
          assertThat(converted.isNullAt(11)).isTrue();
        }
      }
    }
  }

  @Test
  void aLayeredWriteOfInternalRowsReadsBackEqualWithoutSortingAndRestoresTheSetting()
      throws Exception {
    SparkSession spark = SparkTests.session();
    LayerStack stack = layeredStack();
    StackGeometry g = stack.geometry(3, 40, 30);
    List<Object[]> all = new ArrayList<>();
    for (long seed = 0; seed < 6; seed++) {
      all.addAll(parts(g, stack, seed, Precision.FLOAT16));
    }
    // Tile order, as tasks emit them: the layers interleaved, never grouped.
    List<byte[]> features = new ArrayList<>();
    List<InternalRow> rows = new ArrayList<>();
    for (Object[] p : all) {
      features.add((byte[]) p[6]);
      rows.add(
          TileRows.internalRow(
              part("file:/t" + features.size() + ".tif", g, p, Precision.FLOAT16, GEO, 1.0)));
    }
    List<String> plans = new CopyOnWriteArrayList<>();
    QueryExecutionListener listener =
        new QueryExecutionListener() {
          @Override
          public void onSuccess(String function, QueryExecution qe, long nanos) {
            plans.add(qe.executedPlan().toString());
          }

          @Override
          public void onFailure(String function, QueryExecution qe, Exception exception) {}
        };
    String key = "spark.sql.maxConcurrentOutputFileWriters";
    assertThat(spark.conf().getAll().contains(key)).isFalse();
    spark.listenerManager().register(listener);
    org.apache.hadoop.fs.Path dir = new org.apache.hadoop.fs.Path(tmp.resolve("out").toString());
    try {
      JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      OutputLayout.write(
          OutputLayout.frame(spark, jsc.parallelize(rows, 2), TileRows.schema(stack)),
          stack,
          dir,
          ParquetSettings.options(Compression.ZSTD, 4L << 20));
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.listenerManager().unregister(listener);
    }
    assertThat(spark.conf().getAll().contains(key)).isFalse();
    assertThat(plans).anyMatch(p -> p.contains("InsertIntoHadoopFsRelationCommand"));
    for (String plan : plans) {
      assertThat(plan).doesNotContain("Sort");
    }
    assertThat(Files.isDirectory(tmp.resolve("out/layer=conv"))).isTrue();
    assertThat(Files.isDirectory(tmp.resolve("out/layer=pool"))).isTrue();

    List<Row> back = OutputLayout.read(spark, stack, dir).collectAsList();
    assertThat(back).hasSize(rows.size());
    for (Row r : back) {
      String path = r.getString(r.fieldIndex(TileRows.PATH));
      int index = Integer.parseInt(path.substring("file:/t".length(), path.indexOf(".tif"))) - 1;
      Object[] p = all.get(index);
      assertThat(r.getString(r.fieldIndex(TileRows.LAYER)))
          .isEqualTo(stack.layer((int) p[0]).name());
      assertThat((byte[]) r.get(r.fieldIndex(TileRows.FEATURES))).isEqualTo(features.get(index));
      assertThat(r.getInt(r.fieldIndex(TileRows.CHANNELS))).isEqualTo((int) p[5]);
      assertThat(r.getString(r.fieldIndex(TileRows.DTYPE))).isEqualTo("float16");
    }
  }

  @Test
  void aSettingAlreadyHighEnoughIsLeftAsItWas() throws Exception {
    SparkSession spark = SparkTests.session();
    LayerStack stack = layeredStack();
    StackGeometry g = stack.geometry(3, 40, 30);
    List<InternalRow> rows = new ArrayList<>();
    for (Object[] p : parts(g, stack, 9, Precision.FLOAT32)) {
      rows.add(TileRows.internalRow(part("file:/x.tif", g, p, Precision.FLOAT32, null, 1.0)));
    }
    String key = "spark.sql.maxConcurrentOutputFileWriters";
    spark.conf().set(key, "7");
    try {
      OutputLayout.write(
          OutputLayout.frame(
              spark,
              JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 1),
              TileRows.schema(stack)),
          stack,
          new org.apache.hadoop.fs.Path(tmp.resolve("kept").toString()),
          ParquetSettings.options(Compression.NONE, 4L << 20));
      assertThat(spark.conf().get(key)).isEqualTo("7");
    } finally {
      spark.conf().unset(key);
    }
    assertThat(
            OutputLayout.read(
                    spark, stack, new org.apache.hadoop.fs.Path(tmp.resolve("kept").toString()))
                .count())
        .isEqualTo(2);
  }
}
