package io.haloconv.spark.output;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Precision;
import io.haloconv.testing.SparkTests;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Outputs written before the georeferencing and nodata columns existed (design.md §3's ten columns
 * only) still read back: the reader requires the contract's columns, nothing more.
 */
class OldOutputsTest {
  @TempDir Path temp;

  @Test
  void anOutputWithOnlyTheContractsColumnsReadsBack() {
    SparkSession spark = SparkTests.session();
    StructType old = new StructType();
    for (String name : TileRows.REQUIRED) {
      old = old.add(TileRows.SCHEMA.apply(name));
    }
    float[] left = {1, 2, 3, 4};
    float[] right = {5, 6};
    byte[] a = new byte[16];
    byte[] b = new byte[8];
    Precision.FLOAT32.encode(left, 0, 4, a, 0);
    Precision.FLOAT32.encode(right, 0, 2, b, 0);
    List<Row> rows =
        List.of(
            RowFactory.create("file:/x.png", 0, 0, 2, 2, 1, 2, 3, "float32", a),
            RowFactory.create("file:/x.png", 0, 2, 2, 1, 1, 2, 3, "float32", b));
    String dir = temp.resolve("old").toString();
    spark.createDataFrame(rows, old).write().parquet(dir);
    OutputReader reader = OutputReader.open(spark, dir);
    assertThat(reader.leftEmptyTilesOut()).isFalse();
    assertThat(reader.featureMap("file:/x.png", null).map().data())
        .containsExactly(1, 2, 5, 3, 4, 6);
  }
}
