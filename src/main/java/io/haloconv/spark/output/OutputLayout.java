package io.haloconv.spark.output;

import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.stack.LayerStack;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The directory layout of a featurize output (design.md §3, §6), in one place: where the written
 * layers' rows go, {@code _errors/}, {@code _manifest.json} and {@code _SUCCESS}. With no emitted
 * layer the last layer's rows go straight into the output directory, as for a single convolution.
 * Otherwise every written layer goes to {@code DIR/layer=NAME/}: rows carry a {@code layer} column
 * that Spark's {@code partitionBy} turns into that directory, so {@code spark.read.parquet(DIR)}
 * shows it as a column again. With partitioning, each task keeps one file open per written layer
 * ({@link #write}) rather than letting Spark sort its rows by layer first. The rows themselves are
 * {@link TileRows}'.
 */
public final class OutputLayout {
  /** The bad records' directory. */
  public static final String ERRORS = "_errors";

  /** The job's manifest, written last but one. */
  public static final String MANIFEST = "_manifest.json";

  /** Written last: the job finished and the output is complete. */
  public static final String SUCCESS = "_SUCCESS";

  /** One row per bad record, in {@link #ERRORS}. */
  public static final StructType ERROR_SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("path", DataTypes.StringType, false),
            DataTypes.createStructField("stage", DataTypes.StringType, false),
            DataTypes.createStructField("error", DataTypes.StringType, false),
            DataTypes.createStructField("message", DataTypes.StringType, false),
          });

  private OutputLayout() {}

  /**
   * The schema of the rows {@code stack} writes: {@link EmbeddingRows#SCHEMA} for a stack ending in
   * a global or grid pool, else {@link TileRows#schema}.
   */
  public static StructType schema(LayerStack stack) {
    return EmbeddingRows.embeds(stack) ? EmbeddingRows.SCHEMA : TileRows.schema(stack);
  }

  /** The directory, relative to the output, holding layer {@code index}'s rows. */
  static String directory(LayerStack stack, int index) {
    return TileRows.layered(stack) ? TileRows.LAYER + "=" + stack.layer(index).name() : ".";
  }

  /**
   * The feature rows of {@code rows} (in {@link RowFormat#INTERNAL} form) as a frame of {@code
   * schema}, for {@link #write}. Spark's {@code createDataFrame} of external rows converts each row
   * to an {@code UnsafeRow} (a copy of its features), which its scan then projects again (a copy
   * read out and a copy written) before the Parquet writer copies the features out once more;
   * internal rows skip the first three of these to one: the scan's projection into a buffer it
   * reuses. {@code internalCreateDataFrame} is private to Spark's Scala package but public in its
   * bytecode; it wraps the RDD as {@code createDataFrame} does, without the conversion.
   */
  public static Dataset<Row> frame(
      SparkSession spark, JavaRDD<InternalRow> rows, StructType schema) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      throw new IllegalStateException(
          "writing features needs a classic SparkSession, not " + spark.getClass().getName());
    }
    return classic.internalCreateDataFrame(rows.rdd(), schema, false);
  }

  /** The Parquet files a task writes at once: one per written layer where layers are emitted. */
  public static int filesPerTask(LayerStack stack) {
    return TileRows.layered(stack) ? stack.writtenLayers().length : 1;
  }

  /**
   * Writes the rows with the writer {@code options} ({@link ParquetSettings#options}, sized for
   * {@link #filesPerTask} open files).
   *
   * <p>A {@code partitionBy} write makes Spark sort each task's rows by the partition column first,
   * unless {@code spark.sql.maxConcurrentOutputFileWriters} lets a task keep a file open per value:
   * the sort would copy every row of up to 16 MB into its memory pages (and spill them to disk when
   * they do not fit) to group a handful of layers. So the setting is raised to the number of
   * written layers for this write, and put back after it. A task never sees more layers than that;
   * Spark would fall back to sorting the rest if it did.
   */
  public static void write(
      Dataset<Row> frame, LayerStack stack, Path dir, Map<String, String> options) {
    if (!TileRows.layered(stack)) {
      frame.write().options(options).parquet(dir.toString());
      return;
    }
    RuntimeConfig conf = frame.sparkSession().conf();
    String key = "spark.sql.maxConcurrentOutputFileWriters";
    // getOption gives the default (0) too; getAll only what the session set.
    boolean wasSet = conf.getAll().contains(key);
    String before = conf.get(key);
    int files = filesPerTask(stack);
    boolean raise = Integer.parseInt(before.trim()) < files;
    if (raise) {
      conf.set(key, Integer.toString(files));
    }
    try {
      frame.write().options(options).partitionBy(TileRows.LAYER).parquet(dir.toString());
    } finally {
      if (raise) {
        if (wasSet) {
          conf.set(key, before);
        } else {
          conf.unset(key);
        }
      }
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
    if (!TileRows.layered(stack)) {
      if (!fs.exists(dir)) {
        spark
            .createDataFrame(new ArrayList<Row>(), schema(stack))
            .write()
            .options(options)
            .parquet(dir.toString());
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
    return spark.createDataFrame(new ArrayList<Row>(), TileRows.SCHEMA);
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

  /**
   * Rows of the Parquet files directly in {@code dir} (an output without layers), from their
   * footers: {@code _errors/} and layer directories are not counted.
   */
  public static long rowCount(SparkSession spark, FileSystem fs, Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    for (FileStatus s : fs.listStatus(dir)) {
      if (s.isFile() && s.getPath().getName().endsWith(".parquet")) {
        files.add(s.getPath().toString());
      }
    }
    return files.isEmpty() ? 0 : spark.read().parquet(files.toArray(new String[0])).count();
  }

  /** Bytes of the feature Parquet files, in layer directories too (not {@code _errors/}). */
  public static long parquetBytes(FileSystem fs, Path dir) throws IOException {
    long total = 0;
    for (FileStatus s : fs.listStatus(dir)) {
      String name = s.getPath().getName();
      if (s.isFile() && name.endsWith(".parquet")) {
        total += s.getLen();
      } else if (s.isDirectory() && name.startsWith(TileRows.LAYER + "=")) {
        total += parquetBytes(fs, s.getPath());
      }
    }
    return total;
  }

  /** Writes the bad records as one Parquet file in {@code dir/_errors/}. */
  public static void writeErrors(SparkSession spark, Collection<BadRecord> records, Path dir) {
    List<Row> rows = new ArrayList<>();
    for (BadRecord r : records) {
      rows.add(RowFactory.create(r.path(), r.stage(), r.error(), r.message()));
    }
    spark
        .createDataFrame(rows, ERROR_SCHEMA)
        .coalesce(1)
        .write()
        .parquet(new Path(dir, ERRORS).toString());
  }

  /**
   * The Parquet files of {@code _errors/} under {@code root}, and of any {@code
   * layer=NAME/_errors/} (outputs of older layouts): the files, not the directories, since Spark
   * warns about reading a path named {@code _*}.
   */
  public static List<String> errorFiles(FileSystem fs, Path root) throws IOException {
    List<String> files = new ArrayList<>();
    for (String pattern : new String[] {ERRORS, TileRows.LAYER + "=*/" + ERRORS}) {
      FileStatus[] found = fs.globStatus(new Path(root, pattern));
      if (found != null) {
        for (FileStatus s : found) {
          if (s.isDirectory()) {
            for (FileStatus file : fs.listStatus(s.getPath())) {
              if (file.getPath().getName().endsWith(".parquet")) {
                files.add(file.getPath().toString());
              }
            }
          }
        }
      }
    }
    return files;
  }
}
