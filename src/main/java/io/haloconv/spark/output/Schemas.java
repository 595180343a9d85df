package io.haloconv.spark.output;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The Parquet schemas of design.md §3: one row per output tile, and one per bad record. */
public final class Schemas {
  private Schemas() {}

  public static final StructType FEATURES =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("y0", DataTypes.IntegerType, false),
            DataTypes.createStructField("x0", DataTypes.IntegerType, false),
            DataTypes.createStructField("height", DataTypes.IntegerType, false),
            DataTypes.createStructField("width", DataTypes.IntegerType, false),
            DataTypes.createStructField("channels", DataTypes.IntegerType, false),
            DataTypes.createStructField("out_height", DataTypes.IntegerType, false),
            DataTypes.createStructField("out_width", DataTypes.IntegerType, false),
            DataTypes.createStructField("dtype", DataTypes.StringType, false),
            DataTypes.createStructField("features", DataTypes.BinaryType, false),
          });

  public static final StructType ERRORS =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("stage", DataTypes.StringType, false),
            DataTypes.createStructField("error", DataTypes.StringType, false),
            DataTypes.createStructField("message", DataTypes.StringType, false),
          });
}
