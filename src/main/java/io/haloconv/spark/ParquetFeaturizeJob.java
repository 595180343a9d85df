package io.haloconv.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageBytes;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecordSink;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.listing.ParquetInput;
import io.haloconv.spark.output.Manifest;
import io.haloconv.spark.output.OutputLayout;
import io.haloconv.spark.output.ParquetSettings;
import io.haloconv.spark.output.TileRows;
import io.haloconv.spark.plan.ImagePlanner;
import io.haloconv.spark.task.ImageFeatures;
import io.haloconv.spark.task.TaskMetrics;
import io.haloconv.spark.task.TaskSettings;
import io.haloconv.stack.LayerStack;
import java.io.IOException;
import java.io.PrintStream;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.MapType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.util.CollectionAccumulator;

/**
 * {@code featurize --input-format parquet}: featurizes a Parquet dataset of encoded images, one per
 * row, into the same output as the file job: features, {@code _errors/}, {@code _manifest.json} and
 * {@code _SUCCESS}, published whole through a staging directory. Each row's image is featurized in
 * the task that reads the row (images in rows are small enough for one task each).
 *
 * <p>Bad rows are bad records: a null image, bytes that do not decode, a channel count that does
 * not fit, an image over {@code --max-pixels}, a null id, and an id shared by several rows (all of
 * them: their tiles could not be told apart in the output).
 */
public final class ParquetFeaturizeJob {
  private ParquetFeaturizeJob() {}

  public static JobResult run(
      SparkSession spark, JobConfig config, ParquetInput input, PrintStream log) {
    long start = System.nanoTime();
    // Read before the output is taken: a missing input or column is refused with the output as
    // it was.
    Dataset<Row> rows = rows(spark, config.input(), input);
    return OutputJob.run(
        spark,
        config,
        log,
        start,
        Manifest.Input.parquet(input.imageColumn(), input.idColumn()),
        staging -> writeFeatures(spark, config, input, rows, start, staging));
  }

  /** Check ids, convolve and write: this job's part of {@link OutputJob}. */
  private static OutputJob.Written writeFeatures(
      SparkSession spark,
      JobConfig config,
      ParquetInput input,
      Dataset<Row> rows,
      long start,
      OutputJob.Staging staging)
      throws IOException {
    SparkContext sc = spark.sparkContext();
    ProgressListener progress = staging.progress();
    LayerStack stack = config.stack();
    if (stack.embedding().isPresent()) {
      // Its rows are written as tiles, and its stages count tiles: embeddings come from files.
      throw JobException.badInput(
          "the stack ends in a "
              + stack.embedding().get().type()
              + ": embeddings are computed from image files, not --input-format parquet");
    }
    Featurizer featurizer =
        Featurizer.builder(stack)
            .tile(config.resolvedTileHeight(), config.resolvedTileWidth())
            .channels(config.channels())
            .normalization(config.normalization())
            .precision(config.precision())
            .maxPixels(config.maxPixels())
            .mode(config.mode())
            .nodata(config.nodata())
            .emptyTiles(config.emptyTiles())
            .build();
    long total = rows.count();
    double listSeconds = seconds(start);
    progress.phase("read", total + " rows of " + config.input());

    long checkStart = System.nanoTime();
    Map<String, BadRecord> bad = new LinkedHashMap<>();
    if (input.idColumn() != null) {
      rows = withoutDuplicateIds(rows, input.idColumn(), bad);
    }
    if (config.mode() == FailureMode.FAILFAST && !bad.isEmpty()) {
      throw JobException.failed(bad.values().iterator().next().describe(), null);
    }
    double checkSeconds = seconds(checkStart);

    long writeStart = System.nanoTime();
    TaskMetrics metrics = new TaskMetrics(sc);
    CollectionAccumulator<BadRecord> taskErrors = sc.collectionAccumulator("haloconv.errors");
    BadRecordSink sink =
        switch (config.mode()) {
          case FAILFAST -> BadRecordSink.failFast();
          case DROPMALFORMED, PERMISSIVE -> BadRecordSink.accumulate(taskErrors);
        };
    Dataset<Row> features =
        rows.mapPartitions(
            new Featurizer.Task(
                new FromRows(config.maxPixels()), featurizer.settings(spark), sink, metrics),
            Encoders.row(TileRows.schema(stack)));
    long[] perPartition = rowsPerPartition(rows);
    // The rows left once those with a shared id are set aside, as progress will count them.
    long images = Arrays.stream(perPartition).sum();
    progress.phase("convolve", images + " images in " + perPartition.length + " tasks");
    progress.trackImages(perPartition, metrics.inputPixels);
    sc.setJobDescription("haloconv convolve");
    try {
      OutputLayout.write(features, stack, staging.dir(), writeOptions(spark, config));
    } finally {
      sc.setJobDescription(null);
    }
    for (BadRecord record : taskErrors.value()) {
      bad.putIfAbsent(record.path() + "\u0000" + record.message(), record);
    }
    OutputLayout.writeMissing(spark, stack, staging.dir(), writeOptions(spark, config));
    double writeSeconds = seconds(writeStart);
    progress.drain();

    // Tiles and values from the rows written: tasks of this job are not counted by a plan.
    Dataset<Row> written = OutputLayout.read(spark, stack, staging.dir());
    Column layer = TileRows.layered(stack) ? col(TileRows.LAYER) : lit("");
    Map<String, Long> tilesPerLayer = new LinkedHashMap<>();
    long tiles = 0;
    long values = 0;
    for (Row r :
        written
            .groupBy(layer.as(TileRows.LAYER))
            .agg(
                count(lit(1)),
                sum(
                    col(TileRows.CHANNELS)
                        .cast("long")
                        .multiply(col(TileRows.HEIGHT))
                        .multiply(col(TileRows.WIDTH))))
            .collectAsList()) {
      tilesPerLayer.put(r.getString(0), r.getLong(1));
      tiles += r.getLong(1);
      values += r.isNullAt(2) ? 0 : r.getLong(2);
    }
    int[] writtenLayers = stack.writtenLayers();
    long[] layerTiles = new long[writtenLayers.length];
    for (int i = 0; i < writtenLayers.length; i++) {
      layerTiles[i] =
          TileRows.layered(stack)
              ? tilesPerLayer.getOrDefault(stack.layer(writtenLayers[i]).name(), 0L)
              : tiles;
    }
    return new OutputJob.Written(
        total,
        total - bad.size(),
        bad.values(),
        tiles,
        layerTiles,
        values,
        listSeconds,
        checkSeconds,
        writeSeconds,
        metrics,
        emptyRows(metrics));
  }

  /**
   * The input as (id, location, bytes) rows: id from the id column (a string, possibly null) or the
   * location; location {@code FILE#ROW} from Parquet's file metadata.
   *
   * @throws JobException (bad input) for a missing input or column, or a column of the wrong type
   */
  public static Dataset<Row> rows(SparkSession spark, String path, ParquetInput input) {
    Dataset<Row> frame;
    try {
      frame = spark.read().parquet(path);
    } catch (RuntimeException e) {
      throw JobException.badInput(
          "cannot read --input " + path + " as Parquet: " + BadRecords.oneLine(e.getMessage()));
    }
    StructType schema = frame.schema();
    DataType image = column(schema, input.imageColumn(), "--image-column");
    String bytes;
    if (image instanceof BinaryType) {
      bytes = input.imageColumn();
    } else if (image instanceof StructType struct
        && List.of(struct.fieldNames()).contains("bytes")
        && struct.apply("bytes").dataType() instanceof BinaryType) {
      bytes = input.imageColumn() + ".bytes";
    } else {
      throw JobException.badInput(
          "--image-column "
              + input.imageColumn()
              + " must be binary or "
              + "a struct with a binary 'bytes' field, it is "
              + image.simpleString());
    }
    Column location =
        concat(col("_metadata.file_path"), lit("#"), col("_metadata.row_index").cast("string"));
    Column id;
    if (input.idColumn() != null) {
      DataType type = column(schema, input.idColumn(), "--id-column");
      if (type instanceof StructType
          || type instanceof BinaryType
          || type instanceof ArrayType
          || type instanceof MapType) {
        throw JobException.badInput(
            "--id-column "
                + input.idColumn()
                + " must be a string or "
                + "number, it is "
                + type.simpleString());
      }
      id = col(input.idColumn()).cast("string");
    } else {
      id = location;
    }
    return frame.select(id.as("id"), location.as("location"), col(bytes).as("bytes"));
  }

  private static DataType column(StructType schema, String name, String flag) {
    for (StructField f : schema.fields()) {
      if (f.name().equals(name)) {
        return f.dataType();
      }
    }
    throw JobException.badInput(
        flag
            + " "
            + name
            + " is not a column of the input; its columns: "
            + String.join(", ", schema.fieldNames()));
  }

  /** Marks every row of an id that more than one row has as a bad record, and drops them. */
  private static Dataset<Row> withoutDuplicateIds(
      Dataset<Row> rows, String idColumn, Map<String, BadRecord> bad) {
    Dataset<Row> counts =
        rows.filter(col("id").isNotNull()).groupBy("id").count().filter(col("count").gt(1));
    List<Row> duplicates =
        rows.join(counts, "id")
            .select("id", "location", "count")
            .orderBy("id", "location")
            .collectAsList();
    if (duplicates.isEmpty()) {
      return rows;
    }
    for (Row r : duplicates) {
      BadRecord record =
          new BadRecord(
              r.getString(0),
              BadRecord.LIST,
              ErrorKind.DUPLICATE_ID,
              "--id-column "
                  + idColumn
                  + " value is shared by "
                  + r.getLong(2)
                  + " rows; this one is "
                  + r.getString(1));
      bad.put(record.path() + "\u0000" + record.message(), record);
    }
    // A join on the column's name: counts derives from rows, and comparing their id columns as
    // expressions reads to Spark as the trivially true 'id == id' (which it warns about).
    return rows.join(
        org.apache.spark.sql.functions.broadcast(counts.select("id")),
        new String[] {"id"},
        "left_anti");
  }

  /** Rows in each partition of {@code rows}, for progress: one cheap pass over no columns. */
  private static long[] rowsPerPartition(Dataset<Row> rows) {
    List<Long> counts =
        rows.select(lit(1))
            .javaRDD()
            .mapPartitions(
                it -> {
                  long n = 0;
                  while (it.hasNext()) {
                    it.next();
                    n++;
                  }
                  return List.of(n).iterator();
                })
            .collect();
    long[] out = new long[counts.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = counts.get(i);
    }
    return out;
  }

  /** Rows left out as empty: {@code ImageFeatures} reports only images that succeeded. */
  private static long emptyRows(TaskMetrics metrics) {
    long n = 0;
    for (String entry : metrics.emptyTiles.value()) {
      String flags = entry.substring(0, entry.indexOf('\t') - 1);
      n += flags.chars().filter(c -> c == '1').count();
    }
    return n;
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }

  /** Columns id, location, bytes → an opened image, or a bad record named by id or location. */
  static final class FromRows implements Featurizer.Preparer {
    private static final long serialVersionUID = 1L;
    private final long maxPixels;

    FromRows(long maxPixels) {
      this.maxPixels = maxPixels;
    }

    @Override
    public ImageFeatures.Prepared prepare(Row row, TaskSettings settings) {
      String location = row.getString(1);
      if (row.isNullAt(0) || row.getString(0).isEmpty()) {
        return ImageFeatures.Prepared.bad(
            new BadRecord(
                location,
                BadRecord.LIST,
                ErrorKind.MISSING_ID,
                "the id column is null or empty in this row"));
      }
      String id = row.getString(0);
      if (row.isNullAt(2)) {
        return ImageFeatures.Prepared.bad(
            new BadRecord(
                id,
                BadRecord.PROBE,
                ErrorKind.MISSING_IMAGE,
                "the image column is null in row " + location));
      }
      byte[] bytes = (byte[]) row.get(2);
      String stage = "probe";
      try {
        ImageInfo info = ImageBytes.probe(bytes, maxPixels);
        stage = "decode";
        return ImageFeatures.Prepared.ok(
            id,
            ImageBytes.open(
                bytes,
                info,
                settings.channels(),
                settings.normalization(),
                ImageSource.DEFAULT_DECODE_TIMEOUT));
      } catch (Exception e) {
        return ImageFeatures.Prepared.bad(BadRecords.of(id, stage, e));
      }
    }
  }

  /** The job's Parquet settings ({@link ParquetSettings}), rows sized by the default tile. */
  private static Map<String, String> writeOptions(SparkSession spark, JobConfig config) {
    return ParquetSettings.writeOptions(
        spark.sparkContext(),
        config.compression(),
        new ImagePlanner(config).maxRowBytes(),
        OutputLayout.filesPerTask(config.stack()));
  }
}
