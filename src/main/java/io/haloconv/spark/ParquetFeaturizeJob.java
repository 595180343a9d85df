package io.haloconv.spark;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageBytes;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecordSink;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.listing.ParquetInput;
import io.haloconv.spark.output.LayerLayout;
import io.haloconv.spark.output.Manifest;
import io.haloconv.spark.output.OutputCommit;
import io.haloconv.spark.output.ParquetLayout;
import io.haloconv.spark.output.Schemas;
import io.haloconv.spark.plan.ImagePlanner;
import io.haloconv.spark.task.ImageFeatures;
import io.haloconv.spark.task.TaskMetrics;
import io.haloconv.spark.task.TaskSettings;
import io.haloconv.stack.LayerStack;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
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
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private ParquetFeaturizeJob() {}

  public static JobResult run(
      SparkSession spark, JobConfig config, ParquetInput input, PrintStream log) {
    long start = System.nanoTime();
    SparkContext sc = spark.sparkContext();
    Path output = new Path(config.output());
    FileSystem outFs;
    try {
      outFs = output.getFileSystem(sc.hadoopConfiguration());
      output = outFs.makeQualified(output);
    } catch (IOException e) {
      throw JobException.badInput("cannot open output " + config.output() + ": " + e.getMessage());
    }
    LayerStack stack = config.stack();
    Featurizer featurizer =
        Featurizer.builder(stack)
            .tile(
                tileOrDefault(config.tileHeight(), config),
                tileOrDefault(config.tileWidth(), config))
            .channels(config.channels())
            .normalization(config.normalization())
            .precision(config.precision())
            .maxPixels(config.maxPixels())
            .mode(config.mode())
            .build();
    Dataset<Row> rows = rows(spark, config.input(), input);
    try (OutputCommit commit =
            OutputCommit.begin(
                outFs,
                output,
                config.writeMode(),
                () -> RunningTasks.awaitNone(sc, RunningTasks.ABORT_WAIT));
        ProgressListener progress = ProgressListener.attach(sc, log)) {
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
              Encoders.row(LayerLayout.schema(stack)));
      long[] perPartition = rowsPerPartition(rows);
      // The rows left once those with a shared id are set aside, as progress will count them.
      long images = java.util.Arrays.stream(perPartition).sum();
      progress.phase("convolve", images + " images in " + perPartition.length + " tasks");
      progress.trackImages(perPartition, metrics.inputPixels);
      sc.setJobDescription("haloconv convolve");
      try {
        LayerLayout.write(features, stack, commit.staging(), writeOptions(spark, config));
      } finally {
        sc.setJobDescription(null);
      }
      for (BadRecord record : taskErrors.value()) {
        bad.putIfAbsent(record.path() + "\u0000" + record.message(), record);
      }
      LayerLayout.writeMissing(spark, stack, commit.staging(), writeOptions(spark, config));
      double writeSeconds = seconds(writeStart);
      progress.drain();

      if (config.mode() == FailureMode.PERMISSIVE) {
        List<Row> errorRows = new ArrayList<>();
        for (BadRecord r : bad.values()) {
          errorRows.add(RowFactory.create(r.path(), r.stage(), r.error(), r.message()));
        }
        spark
            .createDataFrame(errorRows, Schemas.ERRORS)
            .coalesce(1)
            .write()
            .parquet(new Path(commit.staging(), "_errors").toString());
      }
      Dataset<Row> written = LayerLayout.read(spark, stack, commit.staging());
      Column layer = LayerLayout.layered(stack) ? col(LayerLayout.COLUMN) : lit("");
      Map<String, Long> tilesPerLayer = new LinkedHashMap<>();
      long tiles = 0;
      long values = 0;
      for (Row r :
          written
              .groupBy(layer.as("layer"))
              .agg(
                  count(lit(1)),
                  sum(col("channels").cast("long").multiply(col("height")).multiply(col("width"))))
              .collectAsList()) {
        tilesPerLayer.put(r.getString(0), r.getLong(1));
        tiles += r.getLong(1);
        values += r.isNullAt(2) ? 0 : r.getLong(2);
      }
      int[] writtenLayers = stack.writtenLayers();
      long[] layerTiles = new long[writtenLayers.length];
      for (int i = 0; i < writtenLayers.length; i++) {
        layerTiles[i] =
            LayerLayout.layered(stack)
                ? tilesPerLayer.getOrDefault(stack.layer(writtenLayers[i]).name(), 0L)
                : tiles;
      }
      long failed = bad.size();
      JobResult result =
          new JobResult(
              total,
              total - failed,
              failed,
              tiles,
              LayerLayout.parquetBytes(outFs, commit.staging()),
              values,
              metrics.inputPixels.value(),
              seconds(start),
              new JobResult.StageTimes(
                  listSeconds,
                  checkSeconds,
                  writeSeconds,
                  progress.taskSeconds(),
                  metrics.readNanos.value() / 1e9,
                  metrics.convolveNanos.value() / 1e9,
                  metrics.encodeNanos.value() / 1e9));
      commit.writeFile(
          "_manifest.json",
          manifest(config, input, result, sc.version(), layerTiles)
              .getBytes(StandardCharsets.UTF_8));
      commit.writeFile("_SUCCESS", new byte[0]);
      commit.publish();
      return result;
    } catch (IOException | RuntimeException e) {
      throw JobException.from(e, output);
    }
  }

  private static int tileOrDefault(int side, JobConfig config) {
    return config.stack().tileSide(side, config.precision().bytesPerValue());
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
          || type instanceof org.apache.spark.sql.types.ArrayType
          || type instanceof org.apache.spark.sql.types.MapType) {
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

  private static String manifest(
      JobConfig config,
      ParquetInput input,
      JobResult result,
      String sparkVersion,
      long[] layerTiles)
      throws IOException {
    ObjectNode root =
        (ObjectNode) JSON.readTree(Manifest.json(config, result, sparkVersion, layerTiles));
    ObjectNode ordered = JSON.createObjectNode();
    root.fields()
        .forEachRemaining(
            e -> {
              ordered.set(e.getKey(), e.getValue());
              if (e.getKey().equals("input")) {
                ordered.put("input_format", "parquet");
                ordered.put("image_column", input.imageColumn());
                if (input.idColumn() == null) {
                  ordered.putNull("id_column");
                } else {
                  ordered.put("id_column", input.idColumn());
                }
              }
            });
    ObjectNode counts = (ObjectNode) ordered.get("counts");
    if (counts != null) {
      // "files_listed" means rows here: say so under the name a reader of this output expects.
      counts.put("rows_read", result.filesListed());
    }
    return JSON.writeValueAsString(ordered) + "\n";
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

  /** The job's Parquet settings ({@link ParquetLayout}), rows sized by the default tile. */
  private static Map<String, String> writeOptions(SparkSession spark, JobConfig config) {
    return ParquetLayout.writeOptions(
        spark.sparkContext(), config.compression(), new ImagePlanner(config).maxRowBytes());
  }
}
