package io.haloconv.cli;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.Normalization;
import io.haloconv.spark.FailureMode;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.ParquetInput;
import io.haloconv.spark.WriteMode;
import io.haloconv.tensor.Precision;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code haloconv featurize}: parses and validates every flag of DESIGN §4, reads the bank and checks
 * it against the spec, and refuses an existing output — all before a SparkSession exists, so bad
 * input costs no cluster time and always exits with code 2.
 */
final class FeaturizeCommand {
  static final Set<String> VALUED = Set.of("--input", "--filters", "--output", "--stride",
      "--padding", "--dilation", "--groups", "--padding-mode", "--activation", "--tile",
      "--channels", "--normalize", "--precision", "--mode", "--master", "--driver-memory",
      "--conf", "--max-pixels", "--input-format", "--image-column", "--id-column");
  static final Set<String> REPEATABLE = Set.of("--conf");
  static final Set<String> SWITCHES = Set.of("--overwrite", "--help");

  /**
   * The parsed command: the job, plus how to start Spark for it.
   *
   * @param parquet the Parquet input's columns with {@code --input-format parquet}, else null
   */
  record Parsed(JobConfig config, String master, String driverMemory, Map<String, String> sparkConf,
      ParquetInput parquet) {}

  private FeaturizeCommand() {}

  static Parsed parse(String[] argv) {
    Args args = Args.parse(argv, VALUED, REPEATABLE, SWITCHES);
    if (!args.positional().isEmpty()) {
      throw new UsageException("unexpected argument '" + args.positional().get(0)
          + "'; featurize takes only --flags");
    }
    String input = args.require("--input");
    String output = args.require("--output");
    String filters = args.require("--filters");

    Map<String, String> sparkConf = new LinkedHashMap<>();
    for (String kv : args.all("--conf")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--conf must be KEY=VALUE, got '" + kv + "'");
      }
      String key = kv.substring(0, eq).trim();
      if (!key.startsWith("spark.")) {
        throw new UsageException("--conf key must start with spark., got '" + key + "'");
      }
      sparkConf.put(key, kv.substring(eq + 1));
    }
    String master = args.get("--master");
    if (master != null && master.isBlank()) {
      throw new UsageException("--master must not be empty");
    }
    String driverMemory = args.has("--driver-memory")
        ? Values.memory("--driver-memory", args.get("--driver-memory")) : null;

    ChannelMode channels = parse("--channels", args.get("--channels"), ChannelMode.KEEP, ChannelMode::parse);
    Normalization normalization =
        parse("--normalize", args.get("--normalize"), Normalization.UNIT, Normalization::parse);
    Precision precision = parse("--precision", args.get("--precision"), Precision.FLOAT32, Precision::parse);
    FailureMode mode = parse("--mode", args.get("--mode"), FailureMode.PERMISSIVE, FailureMode::parse);
    Padding padding = parse("--padding", args.get("--padding"), Padding.VALID, Padding::parse);
    PaddingMode paddingMode =
        parse("--padding-mode", args.get("--padding-mode"), PaddingMode.ZEROS, PaddingMode::parse);
    Activation activation =
        parse("--activation", args.get("--activation"), Activation.NONE, Activation::parse);
    int[] stride = args.has("--stride") ? Values.pair("--stride", args.get("--stride"), 1, 1 << 16)
        : new int[] {1, 1};
    int[] dilation = args.has("--dilation")
        ? Values.pair("--dilation", args.get("--dilation"), 1, 1 << 16) : new int[] {1, 1};
    int groups = args.has("--groups") ? Values.integer("--groups", args.get("--groups"), 1, 1 << 16) : 1;
    int[] tile = args.has("--tile") ? Values.pair("--tile", args.get("--tile"), 1, 1 << 16)
        : new int[] {0, 0};
    long maxPixels = args.has("--max-pixels")
        ? Values.longValue("--max-pixels", args.get("--max-pixels"), 1, Long.MAX_VALUE)
        : JobConfig.DEFAULT_MAX_PIXELS;

    Configuration hadoop = hadoopConf(sparkConf);
    int presetChannels = channels.fixedChannels().orElse(3);
    FilterBank bank = BankLoader.load(filters, presetChannels, hadoop);
    ConvSpec spec;
    try {
      spec = ConvSpec.builder(bank)
          .stride(stride[0], stride[1])
          .dilation(dilation[0], dilation[1])
          .groups(groups)
          .padding(padding)
          .paddingMode(paddingMode)
          .activation(activation)
          .build();
      spec.checkBank(bank);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage());
    }
    int need = spec.inputChannels(bank);
    if (channels.fixedChannels().isPresent() && channels.fixedChannels().getAsInt() != need) {
      throw new UsageException("filters expect " + need + " input channels (groups " + groups
          + " x " + bank.channelsPerGroup() + "), --channels " + channels.cliName() + " gives "
          + channels.fixedChannels().getAsInt());
    }
    try {
      normalization.requireChannels(need);
    } catch (IllegalArgumentException e) {
      throw new UsageException(e.getMessage() + " (the filters expect " + need + ")");
    }
    WriteMode writeMode = args.has("--overwrite") ? WriteMode.OVERWRITE : WriteMode.ERROR_IF_EXISTS;
    checkOutput(output, writeMode, hadoop);

    JobConfig config = new JobConfig(input, output, filters, bank, spec, tile[0], tile[1], channels,
        normalization, precision, mode, writeMode, maxPixels, 0);
    return new Parsed(config, master, driverMemory, sparkConf, parquetInput(args));
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
        try {
          return new ParquetInput(
              args.has("--image-column") ? args.get("--image-column")
                  : ParquetInput.DEFAULT_IMAGE_COLUMN,
              args.get("--id-column"));
        } catch (IllegalArgumentException e) {
          throw new UsageException(e.getMessage());
        }
      default:
        throw new UsageException("--input-format must be files or parquet, got '" + format + "'");
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
          throw new UsageException("output " + output + " already exists; pass --overwrite to replace it");
        }
        if (!fs.getFileStatus(path).isDirectory()) {
          throw new UsageException("output " + output + " is a file; --overwrite replaces only directories");
        }
      }
    } catch (java.io.IOException | IllegalArgumentException e) {
      throw new UsageException("--output " + output + ": " + e.getMessage());
    }
  }
}
