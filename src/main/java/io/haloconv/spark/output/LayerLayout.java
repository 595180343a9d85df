package io.haloconv.spark.output;

import io.haloconv.stack.LayerStack;
import io.haloconv.stack.MapRegion;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Precision;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Where the written layers go (design.md §6). With no emitted layer the last layer's rows go
 * straight into the output directory, as for a single convolution. Otherwise every written layer
 * goes to {@code DIR/layer=NAME/}: rows carry a {@code layer} column that Spark's {@code
 * partitionBy} turns into that directory, so {@code spark.read.parquet(DIR)} shows it as a column
 * again. With partitioning, Spark sorts each task's rows by layer before writing (a local sort, no
 * shuffle).
 */
public final class LayerLayout {
  public static final String COLUMN = "layer";

  /** The features schema plus the layer name, for rows of a stack with emitted layers. */
  static final StructType LAYERED_FEATURES =
      Schemas.FEATURES.add(DataTypes.createStructField(COLUMN, DataTypes.StringType, false));

  private LayerLayout() {}

  public static boolean layered(LayerStack stack) {
    return stack.emitsLayers();
  }

  public static StructType schema(LayerStack stack) {
    return layered(stack) ? LAYERED_FEATURES : Schemas.FEATURES;
  }

  /**
   * One written layer's part of a tile as a design.md §3 row, with its layer's name where layers
   * are emitted: the region's values encoded at {@code precision}, channel by channel, row by row.
   */
  public static Row row(String path, StackGeometry g, MapRegion region, Precision precision) {
    int bytesPerValue = precision.bytesPerValue();
    byte[] bytes = new byte[region.size() * bytesPerValue];
    int at = 0;
    for (int c = 0; c < region.channels(); c++) {
      for (int y = 0; y < region.height(); y++) {
        int from = region.offset(c, y);
        precision.encode(region.data(), from, from + region.width(), bytes, at);
        at += region.width() * bytesPerValue;
      }
    }
    int level = region.layer() + 1;
    LayerStack stack = g.stack();
    if (layered(stack)) {
      return RowFactory.create(
          path,
          region.y0(),
          region.x0(),
          region.height(),
          region.width(),
          region.channels(),
          g.height(level),
          g.width(level),
          precision.dtype(),
          bytes,
          stack.layer(region.layer()).name());
    }
    return RowFactory.create(
        path,
        region.y0(),
        region.x0(),
        region.height(),
        region.width(),
        region.channels(),
        g.height(level),
        g.width(level),
        precision.dtype(),
        bytes);
  }

  /** The directory, relative to the output, holding layer {@code index}'s rows. */
  static String directory(LayerStack stack, int index) {
    return layered(stack) ? COLUMN + "=" + stack.layer(index).name() : ".";
  }

  /** Writes the rows with the writer {@code options} ({@link ParquetLayout#options}). */
  public static void write(
      Dataset<Row> frame, LayerStack stack, Path dir, Map<String, String> options) {
    if (layered(stack)) {
      frame.write().options(options).partitionBy(COLUMN).parquet(dir.toString());
    } else {
      frame.write().options(options).parquet(dir.toString());
    }
  }

  /**
   * Gives every written layer a readable dataset even when no row of it was written (every image
   * failed): an empty Parquet file with the features schema.
   */
  public static void writeMissing(
      SparkSession spark, LayerStack stack, Path dir, Map<String, String> options)
      throws IOException {
    FileSystem fs = dir.getFileSystem(spark.sparkContext().hadoopConfiguration());
    if (!layered(stack)) {
      if (!fs.exists(dir)) {
        empty(spark).write().options(options).parquet(dir.toString());
      }
      return;
    }
    for (int index : stack.writtenLayers()) {
      Path layerDir = new Path(dir, directory(stack, index));
      if (!fs.exists(layerDir)) {
        empty(spark).write().options(options).parquet(layerDir.toString());
      }
    }
  }

  private static Dataset<Row> empty(SparkSession spark) {
    return spark.createDataFrame(new ArrayList<Row>(), Schemas.FEATURES);
  }

  /**
   * Reads back the feature rows written under {@code dir} (a job's staging directory), with the
   * {@code layer} column where layers are emitted.
   */
  public static Dataset<Row> read(SparkSession spark, LayerStack stack, Path dir) {
    // The staging directory's name starts with '.', which Spark's reader takes for hidden: it
    // warns "All paths were ignored", then reads it all the same. Naming its entries instead
    // (the base path keeps layer=NAME a column; _errors and _SUCCESS are skipped as ever) does
    // not warn.
    return spark
        .read()
        .schema(schema(stack))
        .option("basePath", dir.toString())
        .parquet(new Path(dir, "*").toString());
  }

  /** Bytes of the feature Parquet files, in layer directories too (not {@code _errors/}). */
  public static long parquetBytes(FileSystem fs, Path dir) throws IOException {
    long total = 0;
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (s.isFile() && name.endsWith(".parquet")) {
        total += s.getLen();
      } else if (s.isDirectory() && name.startsWith(COLUMN + "=")) {
        total += parquetBytes(fs, s.getPath());
      }
    }
    return total;
  }
}
