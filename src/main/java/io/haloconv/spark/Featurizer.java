package io.haloconv.spark;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageBytes;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.NodataPolicy;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecordSink;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.EmptyTiles;
import io.haloconv.spark.output.OutputLayout;
import io.haloconv.spark.plan.TaskMemory;
import io.haloconv.spark.task.ImageFeatures;
import io.haloconv.spark.task.StackBroadcast;
import io.haloconv.spark.task.TaskMetrics;
import io.haloconv.spark.task.TaskSettings;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;
import java.io.Serializable;
import java.util.Iterator;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * haloconv's convolution for your own Spark code: turns a Dataset of images into the feature rows
 * of design.md §3 ({@link io.haloconv.spark.output.TileRows#SCHEMA}), lazily, as any Dataset
 * transformation. One convolution ({@link #builder(FilterBank)}) or a layer stack ({@link
 * #builder(LayerStack)}, design.md §6: then with a {@code layer} column when the stack emits
 * layers, or {@link io.haloconv.spark.output.EmbeddingRows} when it ends in a global or grid pool:
 * each image's tiles run in one task, so its cells are merged there). Images can be
 *
 * <ul>
 *   <li>file paths or URIs ({@link #featurizePaths}), read through Hadoop's FileSystem;
 *   <li>rows of Spark's image data source, {@code spark.read().format("image")} ({@link
 *       #featurizeImages}), whose BGR(A) pixels become R, G, B(, A) channels;
 *   <li>encoded image bytes in a binary column, or a struct with a {@code bytes} field such as
 *       Hugging Face datasets' image feature {@code {bytes, path}} ({@link #featurizeBinary}).
 * </ul>
 *
 * <p>Each image is featurized within one task, its tiles one after another, with the same decode,
 * channel conversion, normalisation, halo windows, kernel and encoding as {@code haloconv
 * featurize}: the values are bitwise those the command writes. (The command also spreads the tiles
 * of a few huge images over many tasks; here the input's partitioning decides the parallelism.)
 *
 * <p>Bad images follow {@link Builder#mode}: {@code FAILFAST} (the default) fails the Spark job
 * with the image's name; {@code DROPMALFORMED} skips them; {@code PERMISSIVE} adds a nullable
 * {@code error} struct column {@code (stage, error, message)} and emits one row with only {@code
 * path} and {@code error} for each bad image, as Spark's readers keep corrupt records.
 *
 * <p>Works with Spark's Java serializer and with Kryo, with or without haloconv's registrator: the
 * bank is broadcast as serialised bytes, and tasks capture only serialisable settings.
 */
public final class Featurizer {
  /** Images whose feature bytes exceed this are passed on tile by tile instead of held whole. */

  /** The {@code error} struct of {@code PERMISSIVE} mode. */
  public static final StructType ERROR =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("stage", DataTypes.StringType, false),
            DataTypes.createStructField("error", DataTypes.StringType, false),
            DataTypes.createStructField("message", DataTypes.StringType, false),
          });

  private final LayerStack stack;
  private final int tileHeight;
  private final int tileWidth;
  private final ChannelMode channels;
  private final Normalization normalization;
  private final Precision precision;
  private final long maxPixels;
  private final FailureMode mode;
  private final NodataPolicy nodata;
  private final EmptyTiles emptyTiles;

  private Featurizer(Builder b, LayerStack stack) {
    this.stack = stack;
    this.tileHeight = stack.tileSide(b.tileHeight, b.precision.bytesPerValue());
    this.tileWidth = stack.tileSide(b.tileWidth, b.precision.bytesPerValue());
    this.channels = b.channels;
    this.normalization = b.normalization;
    this.precision = b.precision;
    this.maxPixels = b.maxPixels;
    this.mode = b.mode;
    this.nodata = b.nodata;
    this.emptyTiles = b.emptyTiles;
  }

  /** A builder for {@code bank}, with a valid convolution (stride 1, no padding) to start from. */
  public static Builder builder(FilterBank bank) {
    return new Builder(requireNonNull(bank, "bank is null"), null);
  }

  /**
   * A builder for a layer stack (design.md §6, e.g. from {@code StackFile}): the rows are the last
   * layer's, or with emitted layers every written layer's, with a {@code layer} column.
   */
  public static Builder builder(LayerStack stack) {
    return new Builder(null, requireNonNull(stack, "stack is null"));
  }

  /** Configures a {@link Featurizer}; {@link #build} checks that the pieces fit together. */
  public static final class Builder {
    private final FilterBank bank;
    private final LayerStack stack;
    private ConvSpec spec;
    private int tileHeight;
    private int tileWidth;
    private ChannelMode channels = ChannelMode.KEEP;
    private Normalization normalization = Normalization.UNIT;
    private Precision precision = Precision.FLOAT32;
    private long maxPixels = JobConfig.DEFAULT_MAX_PIXELS;
    private FailureMode mode = FailureMode.FAILFAST;
    private NodataPolicy nodata = NodataPolicy.AUTO;
    private EmptyTiles emptyTiles = EmptyTiles.KEEP;

    private Builder(FilterBank bank, LayerStack stack) {
      this.bank = bank;
      this.stack = stack;
      this.spec = bank == null ? null : ConvSpec.builder(bank).build();
    }

    /** The convolution (stride, padding, dilation, groups, padding mode, activation). */
    public Builder spec(ConvSpec value) {
      if (stack != null) {
        throw new IllegalStateException("a layer stack gives each layer its own spec");
      }
      this.spec = requireNonNull(value, "spec is null");
      return this;
    }

    /** Output tiles of {@code side}×{@code side} feature-map pixels. */
    public Builder tile(int side) {
      return tile(side, side);
    }

    /** Output tiles of {@code height}×{@code width} feature-map pixels (one row each). */
    public Builder tile(int height, int width) {
      if (height < 1 || width < 1) {
        throw new IllegalArgumentException("tile size must be >= 1, got " + height + "x" + width);
      }
      this.tileHeight = height;
      this.tileWidth = width;
      return this;
    }

    /** The stored value type: float32 (default), float16 or bfloat16. */
    public Builder precision(Precision value) {
      this.precision = requireNonNull(value, "precision is null");
      return this;
    }

    /** Channel conversion, as {@code --channels}; default keep. */
    public Builder channels(ChannelMode value) {
      this.channels = requireNonNull(value, "channels is null");
      return this;
    }

    /** Value scaling, as {@code --normalize}; default unit. */
    public Builder normalization(Normalization value) {
      this.normalization = requireNonNull(value, "normalization is null");
      return this;
    }

    /** Larger images (width·height) are bad records, refused from their header. */
    public Builder maxPixels(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("max pixels must be >= 1, got " + value);
      }
      this.maxPixels = value;
      return this;
    }

    /** Which input pixels are masked, as {@code --nodata}; default {@code auto}. */
    public Builder nodata(NodataPolicy value) {
      this.nodata = requireNonNull(value, "nodata is null");
      return this;
    }

    /** Whether rows with no valid pixel are left out, as {@code --skip-empty-tiles}. */
    public Builder emptyTiles(EmptyTiles value) {
      this.emptyTiles = requireNonNull(value, "emptyTiles is null");
      return this;
    }

    /** What a bad image does; default {@code FAILFAST}. */
    public Builder mode(FailureMode value) {
      this.mode = requireNonNull(value, "mode is null");
      return this;
    }

    /**
     * @throws IllegalArgumentException when the spec does not fit the bank, or the channel mode or
     *     normalisation does not give the channels the bank expects
     */
    public Featurizer build() {
      LayerStack layers;
      if (stack != null) {
        layers = stack;
      } else {
        spec.checkBank(bank);
        layers = LayerStack.of(bank, spec, "api");
      }
      if (layers.inputChannels().isPresent()) {
        int need = layers.inputChannels().getAsInt();
        if (channels.fixedChannels().isPresent() && channels.fixedChannels().getAsInt() != need) {
          throw new IllegalArgumentException(
              "filters expect "
                  + need
                  + " input channels, "
                  + "channels "
                  + channels.cliName()
                  + " gives "
                  + channels.fixedChannels().getAsInt());
        }
        normalization.requireChannels(need);
      }
      return new Featurizer(this, layers);
    }
  }

  /**
   * The schema of the rows this featurizer produces: §3's, with {@code layer} for a stack with
   * emitted layers, plus {@code error} if permissive.
   */
  public StructType schema() {
    StructType features = OutputLayout.schema(stack);
    if (mode != FailureMode.PERMISSIVE) {
      return features;
    }
    StructType nullable = new StructType();
    for (StructField f : features.fields()) {
      nullable = nullable.add(f.name(), f.dataType(), true);
    }
    return nullable.add("error", ERROR, true);
  }

  /**
   * Featurizes the files a Dataset names: a {@code Dataset<String>}, or a Dataset whose only (or
   * {@code path} or {@code value}) column is a string. {@code path} in the output is the string as
   * given.
   */
  public Dataset<Row> featurizePaths(Dataset<?> paths) {
    Dataset<Row> frame = paths.toDF();
    String column =
        frame.columns().length == 1
            ? frame.columns()[0]
            : hasColumn(frame, "path") ? "path" : hasColumn(frame, "value") ? "value" : null;
    if (column == null) {
      throw new IllegalArgumentException(
          "cannot tell which column holds the paths: give it, "
              + "featurizePaths(frame, column); columns: "
              + String.join(", ", frame.columns()));
    }
    return featurizePaths(frame, column);
  }

  /** Featurizes the files named by the string column {@code pathColumn}. */
  public Dataset<Row> featurizePaths(Dataset<Row> frame, String pathColumn) {
    requireType(frame, pathColumn, "a string column of paths", t -> t instanceof StringType);
    HadoopConf hadoop = new HadoopConf(frame.sparkSession().sparkContext().hadoopConfiguration());
    return run(frame.select(col(pathColumn)), new FromPaths(hadoop, maxPixels));
  }

  /**
   * Featurizes rows of Spark's image data source, {@code spark.read().format("image").load(...)},
   * whose column {@code image} is the struct {@code (origin, height, width, nChannels, mode,
   * data)}. {@code path} in the output is {@code origin}. Spark stores 3- and 4-channel pixels as
   * B, G, R(, A); they become R, G, B(, A) as design.md §2 wants. Rows Spark could not decode
   * (height −1) are bad records.
   */
  public Dataset<Row> featurizeImages(Dataset<Row> images) {
    return featurizeImages(images, "image");
  }

  /** {@link #featurizeImages(Dataset)} with the image struct in column {@code imageColumn}. */
  public Dataset<Row> featurizeImages(Dataset<Row> images, String imageColumn) {
    requireType(
        images,
        imageColumn,
        "Spark's image struct (origin, height, width, nChannels, " + "mode, data)",
        t ->
            t instanceof StructType s
                && hasFields(s, "origin", "height", "width", "nChannels", "mode", "data"));
    Dataset<Row> fields =
        images.select(
            col(imageColumn + ".origin"),
            col(imageColumn + ".height"),
            col(imageColumn + ".width"),
            col(imageColumn + ".nChannels"),
            col(imageColumn + ".mode"),
            col(imageColumn + ".data"));
    return run(fields, new FromSparkImages(maxPixels));
  }

  /**
   * Featurizes encoded images (PNG, JPEG, TIFF, ..., or .npy bytes) held in {@code contentColumn}:
   * a binary column, or a struct with a binary {@code bytes} field (Hugging Face datasets' image
   * feature). {@code path} in the output is {@code idColumn}'s value as a string; with {@code
   * idColumn} null it is {@code row-N}, N from {@code monotonically_increasing_id()}: unique within
   * the result, but not stable across differently partitioned inputs, so give an id column when the
   * rows must be traced back.
   */
  public Dataset<Row> featurizeBinary(Dataset<Row> frame, String contentColumn, String idColumn) {
    DataType type =
        requireType(
            frame,
            contentColumn,
            "a binary column, or a struct with a " + "binary 'bytes' field",
            t ->
                t instanceof BinaryType
                    || t instanceof StructType s
                        && hasFields(s, "bytes")
                        && s.apply("bytes").dataType() instanceof BinaryType);
    String bytes = type instanceof StructType ? contentColumn + ".bytes" : contentColumn;
    Column id =
        idColumn == null
            ? concat(lit("row-"), monotonically_increasing_id().cast("string"))
            : col(idColumn).cast("string");
    if (idColumn != null) {
      requireType(frame, idColumn, "an id column", t -> true);
    }
    return run(frame.select(id, col(bytes)), new FromBytes(maxPixels));
  }

  private Dataset<Row> run(Dataset<Row> input, Preparer preparer) {
    SparkSession spark = input.sparkSession();
    TaskSettings settings = settings(spark);
    BadRecordSink sink =
        switch (mode) {
          case FAILFAST -> BadRecordSink.failFast();
          case DROPMALFORMED -> BadRecordSink.drop();
          case PERMISSIVE -> BadRecordSink.rows(OutputLayout.schema(stack).size());
        };
    return input.mapPartitions(new Task(preparer, settings, sink, null), Encoders.row(schema()));
  }

  /** The task settings, with the layer stack broadcast ({@link StackBroadcast}). */
  TaskSettings settings(SparkSession spark) {
    return new TaskSettings(
        StackBroadcast.of(JavaSparkContext.fromSparkContext(spark.sparkContext()), stack),
        channels,
        normalization,
        precision,
        mode,
        tileHeight,
        tileWidth,
        maxPixels,
        TaskSettings.DEFAULT_MAX_BUFFERED_BYTES,
        TaskMemory.of(spark.sparkContext()),
        nodata,
        emptyTiles);
  }

  LayerStack stack() {
    return stack;
  }

  FailureMode mode() {
    return mode;
  }

  private static boolean hasColumn(Dataset<Row> frame, String name) {
    for (String c : frame.columns()) {
      if (c.equals(name)) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasFields(StructType type, String... names) {
    for (String name : names) {
      boolean found = false;
      for (String f : type.fieldNames()) {
        found |= f.equals(name);
      }
      if (!found) {
        return false;
      }
    }
    return true;
  }

  private interface TypeCheck {
    boolean accepts(DataType type);
  }

  private static DataType requireType(
      Dataset<Row> frame, String column, String what, TypeCheck check) {
    requireNonNull(column, "column is null");
    StructType schema = frame.schema();
    if (!hasFields(schema, column)) {
      throw new IllegalArgumentException(
          "no column '" + column + "'; columns: " + String.join(", ", schema.fieldNames()));
    }
    DataType type = schema.apply(column).dataType();
    if (!check.accepts(type)) {
      throw new IllegalArgumentException(
          "column '" + column + "' must be " + what + ", it is " + type.simpleString());
    }
    return type;
  }

  /** Turns one input row into an opened image, or a bad record. Runs in tasks. */
  interface Preparer extends Serializable {
    ImageFeatures.Prepared prepare(Row row, TaskSettings settings);
  }

  /** The task: input rows → prepared images → feature rows, lazily. */
  static final class Task implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;
    private final Preparer preparer;
    private final TaskSettings settings;
    private final BadRecordSink sink;
    private final TaskMetrics metrics;

    Task(Preparer preparer, TaskSettings settings, BadRecordSink sink, TaskMetrics metrics) {
      this.preparer = preparer;
      this.settings = settings;
      this.sink = sink;
      this.metrics = metrics;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Iterator<ImageFeatures.Prepared> images =
          new Iterator<>() {
            @Override
            public boolean hasNext() {
              return rows.hasNext();
            }

            @Override
            public ImageFeatures.Prepared next() {
              return preparer.prepare(rows.next(), settings);
            }
          };
      return new ImageFeatures(images, settings, sink, metrics);
    }
  }

  /** Column 0: a path or URI. */
  static final class FromPaths implements Preparer {
    private static final long serialVersionUID = 1L;
    private final HadoopConf hadoop;
    private final long maxPixels;

    FromPaths(HadoopConf hadoop, long maxPixels) {
      this.hadoop = hadoop;
      this.maxPixels = maxPixels;
    }

    @Override
    public ImageFeatures.Prepared prepare(Row row, TaskSettings settings) {
      if (row.isNullAt(0) || row.getString(0).isEmpty()) {
        return ImageFeatures.Prepared.bad(
            new BadRecord(
                "(none)", BadRecord.LIST, ErrorKind.MISSING_IMAGE, "the path is null or empty"));
      }
      String path = row.getString(0);
      String stage = "probe";
      try {
        Path file = new Path(path);
        FileSystem fs = file.getFileSystem(hadoop.get());
        ImageInfo info = ImageProbe.probe(fs, file, maxPixels);
        stage = "decode";
        return ImageFeatures.Prepared.ok(
            path, ImageSource.open(fs, info, settings.channels(), settings.normalization()));
      } catch (Exception e) {
        return ImageFeatures.Prepared.bad(BadRecords.of(path, stage, e));
      }
    }
  }

  /** Columns: origin, height, width, nChannels, mode, data of Spark's image schema. */
  static final class FromSparkImages implements Preparer {
    private static final long serialVersionUID = 1L;
    private final long maxPixels;

    FromSparkImages(long maxPixels) {
      this.maxPixels = maxPixels;
    }

    @Override
    public ImageFeatures.Prepared prepare(Row row, TaskSettings settings) {
      String origin =
          row.isNullAt(0) || row.getString(0).isEmpty() ? "(no origin)" : row.getString(0);
      int height = row.isNullAt(1) ? -1 : row.getInt(1);
      int width = row.isNullAt(2) ? -1 : row.getInt(2);
      int channels = row.isNullAt(3) ? -1 : row.getInt(3);
      byte[] data = row.isNullAt(5) ? null : (byte[]) row.get(5);
      if (height < 1 || width < 1 || channels < 1 || data == null || data.length == 0) {
        return ImageFeatures.Prepared.bad(
            new BadRecord(
                origin,
                BadRecord.DECODE,
                ErrorKind.NOT_AN_IMAGE,
                "Spark's image data source could not decode it (height "
                    + height
                    + ", width "
                    + width
                    + ", nChannels "
                    + channels
                    + ")"));
      }
      if ((long) height * width > maxPixels) {
        return ImageFeatures.Prepared.bad(
            new BadRecord(
                origin,
                BadRecord.PROBE,
                ErrorKind.TOO_LARGE,
                "image is " + width + "x" + height + " pixels, max pixels is " + maxPixels));
      }
      try {
        return ImageFeatures.Prepared.ok(
            origin,
            ImageBytes.ofInterleaved(
                origin,
                data,
                height,
                width,
                channels,
                ImageBytes.ChannelOrder.BGR,
                settings.channels(),
                settings.normalization()));
      } catch (Exception e) {
        return ImageFeatures.Prepared.bad(BadRecords.of(origin, "decode", e));
      }
    }
  }

  /** Columns: id (string), encoded image bytes. */
  static final class FromBytes implements Preparer {
    private static final long serialVersionUID = 1L;
    private final long maxPixels;

    FromBytes(long maxPixels) {
      this.maxPixels = maxPixels;
    }

    @Override
    public ImageFeatures.Prepared prepare(Row row, TaskSettings settings) {
      String id = row.isNullAt(0) || row.getString(0).isEmpty() ? null : row.getString(0);
      if (id == null) {
        return ImageFeatures.Prepared.bad(
            new BadRecord(
                "(no id)", BadRecord.LIST, ErrorKind.MISSING_ID, "the row's id is null or empty"));
      }
      if (row.isNullAt(1)) {
        return ImageFeatures.Prepared.bad(
            new BadRecord(
                id, BadRecord.PROBE, ErrorKind.MISSING_IMAGE, "the row's image bytes are null"));
      }
      byte[] bytes = (byte[]) row.get(1);
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
}
