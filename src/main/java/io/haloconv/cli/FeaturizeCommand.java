package io.haloconv.cli;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.NodataPolicy;
import io.haloconv.io.Normalization;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.listing.ParquetInput;
import io.haloconv.spark.output.Compression;
import io.haloconv.spark.output.EmptyTiles;
import io.haloconv.spark.output.WriteMode;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.Layer;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code haloconv featurize}: parses and validates every flag of design.md §4, reads the bank and
 * checks it against the spec, and refuses an existing output — all before a SparkSession exists, so
 * bad input costs no cluster time and always exits with code 2.
 */
final class FeaturizeCommand {
  static final Set<String> VALUED =
      Set.of(
          "--input",
          "--filters",
          "--output",
          "--stride",
          "--padding",
          "--dilation",
          "--groups",
          "--padding-mode",
          "--activation",
          "--tile",
          "--channels",
          "--normalize",
          "--precision",
          "--mode",
          "--master",
          "--driver-memory",
          "--conf",
          "--max-pixels",
          "--level",
          "--layers",
          "--onnx-until",
          "--pattern",
          "--input-format",
          "--image-column",
          "--id-column",
          "--compression",
          "--nodata");
  static final Set<String> REPEATABLE = Set.of("--conf");
  static final Set<String> SWITCHES = Set.of("--overwrite", "--help", "--skip-empty-tiles");

  /**
   * What describes the one convolution of {@code --filters}; a {@code --layers} file has it per
   * layer.
   */
  static final List<String> SINGLE_LAYER_FLAGS =
      List.of(
          "--filters",
          "--stride",
          "--padding",
          "--dilation",
          "--groups",
          "--padding-mode",
          "--activation");

  /**
   * The parsed command: the job, plus how to start Spark for it.
   *
   * @param parquet the Parquet input's columns with {@code --input-format parquet}, else null
   */
  record Parsed(JobConfig config, SparkFlags spark, ParquetInput parquet) {}

  private FeaturizeCommand() {}

  static Parsed parse(String[] argv) {
    Args args = Args.parse(argv, VALUED, REPEATABLE, SWITCHES);
    if (!args.positional().isEmpty()) {
      throw new UsageException(
          "unexpected argument '" + args.positional().get(0) + "'; featurize takes only --flags");
    }
    String input = args.require("--input");
    String output = args.require("--output");
    for (String flag : new String[] {"--input", "--output", "--filters", "--layers"}) {
      if (args.has(flag) && args.get(flag).isBlank()) {
        throw new UsageException(flag + " must not be empty");
      }
    }
    if (!args.has("--filters") && !args.has("--layers")) {
      throw new UsageException("--filters (or --layers) is required");
    }

    SparkFlags spark = SparkFlags.from(args);

    ChannelMode channels =
        parse("--channels", args.get("--channels"), ChannelMode.KEEP, ChannelMode::parse);
    Normalization normalization =
        parse("--normalize", args.get("--normalize"), Normalization.UNIT, Normalization::parse);
    Precision precision =
        parse("--precision", args.get("--precision"), Precision.FLOAT32, Precision::parse);
    Compression compression =
        parse("--compression", args.get("--compression"), Compression.ZSTD, Compression::parse);
    FailureMode mode =
        parse("--mode", args.get("--mode"), FailureMode.PERMISSIVE, FailureMode::parse);
    int[] tile =
        args.has("--tile")
            ? Values.pair("--tile", args.get("--tile"), 1, 1 << 16)
            : new int[] {0, 0};
    long maxPixels =
        args.has("--max-pixels")
            ? Values.longValue("--max-pixels", args.get("--max-pixels"), 1, Long.MAX_VALUE)
            : JobConfig.DEFAULT_MAX_PIXELS;
    int level =
        args.has("--level") ? Values.integer("--level", args.get("--level"), 0, 1 << 16) : 0;

    NodataPolicy nodata =
        parse("--nodata", args.get("--nodata"), NodataPolicy.AUTO, NodataPolicy::parse);
    EmptyTiles emptyTiles = args.has("--skip-empty-tiles") ? EmptyTiles.SKIP : EmptyTiles.KEEP;

    Configuration hadoop = hadoopConf(spark.conf());
    int presetChannels = channels.fixedChannels().orElse(3);
    String layersFile = "";
    LayerStack stack;
    if (args.has("--layers")) {
      List<String> clash = SINGLE_LAYER_FLAGS.stream().filter(args::has).toList();
      if (!clash.isEmpty()) {
        throw new UsageException(
            "--layers cannot be combined with "
                + String.join(", ", clash)
                + "; the stack file gives each layer its filters and settings");
      }
      layersFile = args.get("--layers");
      stack = StackLoader.load(layersFile, args.get("--onnx-until"), presetChannels, hadoop);
    } else {
      if (args.has("--onnx-until")) {
        throw new UsageException("--onnx-until needs --layers MODEL.onnx");
      }
      stack = singleLayer(args, presetChannels, hadoop);
    }
    checkChannels(stack, channels, normalization);
    checkSmallestImage(stack, maxPixels);
    ParquetInput parquet = parquetInput(args);
    String pattern = args.has("--pattern") ? InputChecks.pattern(args.get("--pattern")) : null;
    WriteMode writeMode = args.has("--overwrite") ? WriteMode.OVERWRITE : WriteMode.ERROR_IF_EXISTS;
    InputChecks.input(input, hadoop);
    checkOutput(output, writeMode, hadoop);

    JobConfig config =
        JobConfig.builder(input, output, stack)
            .layersFile(layersFile)
            .tile(tile[0], tile[1])
            .channels(channels)
            .normalization(normalization)
            .precision(precision)
            .mode(mode)
            .writeMode(writeMode)
            .maxPixels(maxPixels)
            .pattern(pattern)
            .compression(compression)
            .level(level)
            .nodata(nodata)
            .emptyTiles(emptyTiles)
            .build();
    if (parquet != null && config.stack().embedding().isPresent()) {
      throw new UsageException(
          "--layers ends in a "
              + config.stack().embedding().get().type()
              + ": embeddings are computed from image files, not --input-format parquet");
    }
    if (level > 0 && parquet != null) {
      throw new UsageException(
          "--level reads pyramid levels of TIFF files, not --input-format parquet");
    }
    return new Parsed(config, spark, parquet);
  }

  /** {@code --input-format files|parquet} with its column flags, checked before Spark starts. */
  private static ParquetInput parquetInput(Args args) {
    String format = args.has("--input-format") ? args.get("--input-format") : "files";
    switch (format) {
      case "files":
        for (String flag : new String[] {"--image-column", "--id-column"}) {
          if (args.has(flag)) {
            throw new UsageException(flag + " needs --input-format parquet");
          }
        }
        return null;
      case "parquet":
        if (args.has("--pattern")) {
          throw new UsageException("--input-format parquet does not take --pattern");
        }
        try {
          return new ParquetInput(
              args.has("--image-column")
                  ? args.get("--image-column")
                  : ParquetInput.DEFAULT_IMAGE_COLUMN,
              args.get("--id-column"));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      default:
        throw new UsageException("--input-format must be files or parquet, got '" + format + "'");
    }
  }

  /** The one convolution of {@code --filters} and the spec flags, as a stack of one layer. */
  private static LayerStack singleLayer(Args args, int presetChannels, Configuration hadoop) {
    String filters = args.require("--filters");
    Padding padding = parse("--padding", args.get("--padding"), Padding.VALID, Padding::parse);
    PaddingMode paddingMode =
        parse("--padding-mode", args.get("--padding-mode"), PaddingMode.ZEROS, PaddingMode::parse);
    Activation activation =
        parse("--activation", args.get("--activation"), Activation.NONE, Activation::parse);
    int[] stride =
        args.has("--stride")
            ? Values.pair("--stride", args.get("--stride"), 1, 1 << 16)
            : new int[] {1, 1};
    int[] dilation =
        args.has("--dilation")
            ? Values.pair("--dilation", args.get("--dilation"), 1, 1 << 16)
            : new int[] {1, 1};
    int groups =
        args.has("--groups") ? Values.integer("--groups", args.get("--groups"), 1, 1 << 16) : 1;
    FilterBank bank = BankLoader.load(filters, presetChannels, hadoop);
    try {
      ConvSpec spec =
          ConvSpec.builder(bank)
              .stride(stride[0], stride[1])
              .dilation(dilation[0], dilation[1])
              .groups(groups)
              .padding(padding)
              .paddingMode(paddingMode)
              .activation(activation)
              .build();
      return LayerStack.of(bank, spec, filters);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
  }

  /** The first conv layer's channels against a fixed {@code --channels} and the normalisation. */
  private static void checkChannels(
      LayerStack stack, ChannelMode channels, Normalization normalization) {
    if (stack.inputChannels().isEmpty()) {
      return; // pools only: any image
    }
    int need = stack.inputChannels().getAsInt();
    ConvLayer first = null;
    for (Layer layer : stack.layers()) {
      if (layer instanceof ConvLayer conv) {
        first = conv;
        break;
      }
    }
    String where = stack.size() > 1 ? "layer " + first.name() + ": " : "";
    if (channels.fixedChannels().isPresent() && channels.fixedChannels().getAsInt() != need) {
      throw new UsageException(
          where
              + "filters expect "
              + need
              + " input channels (groups "
              + first.spec().groups()
              + " x "
              + first.bank().channelsPerGroup()
              + "), --channels "
              + channels.cliName()
              + " gives "
              + channels.fixedChannels().getAsInt());
    }
    try {
      normalization.requireChannels(need);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage() + " (the filters expect " + need + ")");
    }
  }

  /** Refuses a stack no image within {@code --max-pixels} can pass through. */
  private static void checkSmallestImage(LayerStack stack, long maxPixels) {
    int[] min;
    try {
      min = stack.minimumInput();
    } catch (IllegalArgumentException e) {
      throw new UsageException("no image up to 2^20 pixels a side fits: " + e.getMessage());
    }
    if ((long) min[0] * min[1] > maxPixels) {
      throw new UsageException(
          "the layers need images of at least "
              + min[1]
              + "x"
              + min[0]
              + " pixels, more than --max-pixels "
              + maxPixels);
    }
  }

  private interface Parser<T> {
    T parse(String text);
  }

  private static <T> T parse(String flag, String text, T fallback, Parser<T> parser) {
    if (text == null) {
      return fallback;
    }
    try {
      return parser.parse(text);
    } catch (IllegalArgumentException e) {
      throw new UsageException(flag + ": " + e.getMessage());
    }
  }

  /** The Hadoop configuration the driver will have: defaults plus {@code spark.hadoop.*}. */
  static Configuration hadoopConf(Map<String, String> sparkConf) {
    Configuration conf = new Configuration();
    for (Map.Entry<String, String> e : sparkConf.entrySet()) {
      if (e.getKey().startsWith("spark.hadoop.")) {
        conf.set(e.getKey().substring("spark.hadoop.".length()), e.getValue());
      }
    }
    return conf;
  }

  private static void checkOutput(String output, WriteMode mode, Configuration conf) {
    try {
      Path path = new Path(output);
      FileSystem fs = path.getFileSystem(conf);
      if (fs.exists(path)) {
        if (mode == WriteMode.ERROR_IF_EXISTS) {
          throw new UsageException(
              "output " + output + " already exists; pass --overwrite to replace it");
        }
        if (!fs.getFileStatus(path).isDirectory()) {
          throw new UsageException(
              "output " + output + " is a file; --overwrite replaces only directories");
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--output " + output + ": " + e.getMessage());
    }
  }
}
