package io.haloconv.spark;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.MemoryBudget;
import io.haloconv.io.NodataPolicy;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.Compression;
import io.haloconv.spark.output.EmptyTiles;
import io.haloconv.spark.output.WriteMode;
import io.haloconv.spark.task.StackBroadcast;
import io.haloconv.spark.task.TaskSettings;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;

/**
 * Everything one featurize job needs, validated on the driver. Built by the CLI (or by tests and
 * users' code directly) and never shipped to executors: tasks get the broadcast layer stack and a
 * {@link TaskSettings}.
 *
 * @param input a file, directory or glob; any Hadoop URI
 * @param output the Parquet dataset directory
 * @param layersFile the {@code --layers} file the stack was read from, or empty when the stack is
 *     the one convolution of {@code --filters} and the spec flags
 * @param stack the layers, banks included; a single convolution is a stack of one
 * @param tileHeight output rows per tile, or 0 for the default
 * @param tileWidth output columns per tile, or 0 for the default
 * @param channels channel conversion
 * @param normalization value normalisation
 * @param precision stored value type
 * @param mode what to do with bad records
 * @param writeMode what to do with an existing output
 * @param maxPixels largest image (width·height) accepted, checked from the header
 * @param partitions tasks to split the tiles into, or 0 to choose from the cluster's cores and work
 * @param pattern a Hadoop glob the names of listed files must match ({@code --pattern}), or null
 *     for every file
 * @param compression the Parquet codec of the feature files ({@code --compression})
 * @param level the pyramid level read of every image ({@code --level}; 0 = full resolution)
 * @param nodata which input pixels are masked ({@code --nodata}; default {@code auto})
 * @param emptyTiles whether rows with no valid pixel are written ({@code --skip-empty-tiles})
 */
public record JobConfig(
    String input,
    String output,
    String layersFile,
    LayerStack stack,
    int tileHeight,
    int tileWidth,
    ChannelMode channels,
    Normalization normalization,
    Precision precision,
    FailureMode mode,
    WriteMode writeMode,
    long maxPixels,
    int partitions,
    String pattern,
    Compression compression,
    int level,
    NodataPolicy nodata,
    EmptyTiles emptyTiles) {

  public static final long DEFAULT_MAX_PIXELS = 1L << 31;

  /** A config masking the files' own nodata ({@code --nodata auto}) and writing every row. */
  public JobConfig(
      String input,
      String output,
      String layersFile,
      LayerStack stack,
      int tileHeight,
      int tileWidth,
      ChannelMode channels,
      Normalization normalization,
      Precision precision,
      FailureMode mode,
      WriteMode writeMode,
      long maxPixels,
      int partitions,
      String pattern,
      Compression compression,
      int level) {
    this(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        compression,
        level,
        NodataPolicy.AUTO,
        EmptyTiles.KEEP);
  }

  /** A config reading level 0, full resolution. */
  public JobConfig(
      String input,
      String output,
      String layersFile,
      LayerStack stack,
      int tileHeight,
      int tileWidth,
      ChannelMode channels,
      Normalization normalization,
      Precision precision,
      FailureMode mode,
      WriteMode writeMode,
      long maxPixels,
      int partitions,
      String pattern,
      Compression compression) {
    this(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        compression,
        0);
  }

  /** A config reading every listed file. */
  public JobConfig(
      String input,
      String output,
      String layersFile,
      LayerStack stack,
      int tileHeight,
      int tileWidth,
      ChannelMode channels,
      Normalization normalization,
      Precision precision,
      FailureMode mode,
      WriteMode writeMode,
      long maxPixels,
      int partitions) {
    this(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        null,
        Compression.ZSTD);
  }

  /** A config writing zstd, the default. */
  public JobConfig(
      String input,
      String output,
      String layersFile,
      LayerStack stack,
      int tileHeight,
      int tileWidth,
      ChannelMode channels,
      Normalization normalization,
      Precision precision,
      FailureMode mode,
      WriteMode writeMode,
      long maxPixels,
      int partitions,
      String pattern) {
    this(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        Compression.ZSTD);
  }

  public JobConfig {
    if (input == null || input.isBlank()) {
      throw new IllegalArgumentException("input is required");
    }
    if (output == null || output.isBlank()) {
      throw new IllegalArgumentException("output is required");
    }
    if (stack == null) {
      throw new IllegalArgumentException("a layer stack (or a bank and spec) is required");
    }
    if (layersFile == null) {
      layersFile = "";
    }
    if (tileHeight < 0 || tileWidth < 0) {
      throw new IllegalArgumentException(
          "tile size must be >= 1, got " + tileHeight + "x" + tileWidth);
    }
    if (maxPixels < 1) {
      throw new IllegalArgumentException("max pixels must be >= 1, got " + maxPixels);
    }
    if (level < 0) {
      throw new IllegalArgumentException("--level must be >= 0, got " + level);
    }
    if (partitions < 0) {
      throw new IllegalArgumentException("partitions must be >= 1, got " + partitions);
    }
    if (pattern != null && pattern.isEmpty()) {
      throw new IllegalArgumentException("pattern must not be empty");
    }
    if (channels == null
        || normalization == null
        || precision == null
        || mode == null
        || writeMode == null
        || compression == null) {
      throw new IllegalArgumentException(
          "channels, normalization, precision and modes are required");
    }
    if (nodata == null) {
      nodata = NodataPolicy.AUTO;
    }
    if (emptyTiles == null) {
      emptyTiles = EmptyTiles.KEEP;
    }
  }

  /** A config with the defaults of design.md §4 for everything but the essentials. */
  public static JobConfig defaults(
      String input, String output, String bankSource, FilterBank bank, ConvSpec spec) {
    return defaults(input, output, "", LayerStack.of(bank, spec, bankSource));
  }

  /**
   * A config running {@code stack}, read from {@code layersFile}, with the defaults of design.md
   * §4.
   */
  public static JobConfig defaults(
      String input, String output, String layersFile, LayerStack stack) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        0,
        0,
        ChannelMode.KEEP,
        Normalization.UNIT,
        Precision.FLOAT32,
        FailureMode.PERMISSIVE,
        WriteMode.ERROR_IF_EXISTS,
        DEFAULT_MAX_PIXELS,
        0);
  }

  public JobConfig withTile(int height, int width) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        height,
        width,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        compression,
        level,
        nodata,
        emptyTiles);
  }

  public JobConfig withPartitions(int count) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        count,
        pattern,
        compression,
        level,
        nodata,
        emptyTiles);
  }

  public JobConfig withOutput(String dir, WriteMode write) {
    return new JobConfig(
        input,
        dir,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        write,
        maxPixels,
        partitions,
        pattern,
        compression,
        level,
        nodata,
        emptyTiles);
  }

  public JobConfig withMode(FailureMode failureMode) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        failureMode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        compression,
        level,
        nodata,
        emptyTiles);
  }

  /** Reads only listed files whose name matches the Hadoop glob {@code glob} (null: all). */
  public JobConfig withPattern(String glob) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        glob,
        compression,
        level,
        nodata,
        emptyTiles);
  }

  public JobConfig withCompression(Compression codec) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        codec,
        level,
        nodata,
        emptyTiles);
  }

  public JobConfig withDecoding(ChannelMode channelMode, Normalization norm, Precision prec) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channelMode,
        norm,
        prec,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        compression,
        level,
        nodata,
        emptyTiles);
  }

  /** The same job at pyramid level {@code pyramidLevel} ({@code --level}). */
  public JobConfig withLevel(int pyramidLevel) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        compression,
        pyramidLevel,
        nodata,
        emptyTiles);
  }

  /** The same job with {@code --nodata} and {@code --skip-empty-tiles} as given. */
  public JobConfig withNodata(NodataPolicy policy, EmptyTiles empty) {
    return new JobConfig(
        input,
        output,
        layersFile,
        stack,
        tileHeight,
        tileWidth,
        channels,
        normalization,
        precision,
        mode,
        writeMode,
        maxPixels,
        partitions,
        pattern,
        compression,
        level,
        policy,
        empty);
  }

  /** Output rows per tile: {@code --tile}, or the stack's default. */
  public int resolvedTileHeight() {
    return stack.tileSide(tileHeight, precision.bytesPerValue());
  }

  /** Output columns per tile: {@code --tile}, or the stack's default. */
  public int resolvedTileWidth() {
    return stack.tileSide(tileWidth, precision.bytesPerValue());
  }

  /**
   * What the job's tasks get, with the layer stack broadcast as {@code stack} and {@code memory}
   * the heap one task may spend decoding an image whole.
   */
  public TaskSettings taskSettings(StackBroadcast stack, MemoryBudget memory) {
    return new TaskSettings(
        stack,
        channels,
        normalization,
        precision,
        mode,
        resolvedTileHeight(),
        resolvedTileWidth(),
        maxPixels,
        TaskSettings.DEFAULT_MAX_BUFFERED_BYTES,
        memory,
        nodata,
        emptyTiles);
  }
}
