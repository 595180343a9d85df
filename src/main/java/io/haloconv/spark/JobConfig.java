package io.haloconv.spark;

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
 * users' code) with {@link #builder}, and never shipped to executors: tasks get the broadcast layer
 * stack and a {@link TaskSettings}.
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

  /**
   * A builder for a job reading {@code input}, running {@code stack} and writing {@code output},
   * everything else at the defaults of design.md §4 (the {@code haloconv featurize} flags'
   * defaults): default tile size, channels kept, unit normalisation, float32, {@code PERMISSIVE},
   * an existing output refused, zstd, level 0, {@code --nodata auto}, every row written. {@link
   * Builder#build} validates.
   */
  public static Builder builder(String input, String output, LayerStack stack) {
    return new Builder(input, output, stack);
  }

  /** A builder holding this config's values, to derive a config that differs in a few. */
  public Builder toBuilder() {
    Builder b = new Builder(input, output, stack);
    b.layersFile = layersFile;
    b.tileHeight = tileHeight;
    b.tileWidth = tileWidth;
    b.channels = channels;
    b.normalization = normalization;
    b.precision = precision;
    b.mode = mode;
    b.writeMode = writeMode;
    b.maxPixels = maxPixels;
    b.partitions = partitions;
    b.pattern = pattern;
    b.compression = compression;
    b.level = level;
    b.nodata = nodata;
    b.emptyTiles = emptyTiles;
    return b;
  }

  /**
   * Collects a {@link JobConfig}'s values, one setter per component (the flag it stands for in its
   * Javadoc); {@link #build} checks them all, in the record's constructor.
   */
  public static final class Builder {
    private final String input;
    private final String output;
    private final LayerStack stack;
    private String layersFile = "";
    private int tileHeight;
    private int tileWidth;
    private ChannelMode channels = ChannelMode.KEEP;
    private Normalization normalization = Normalization.UNIT;
    private Precision precision = Precision.FLOAT32;
    private FailureMode mode = FailureMode.PERMISSIVE;
    private WriteMode writeMode = WriteMode.ERROR_IF_EXISTS;
    private long maxPixels = DEFAULT_MAX_PIXELS;
    private int partitions;
    private String pattern;
    private Compression compression = Compression.ZSTD;
    private int level;
    private NodataPolicy nodata = NodataPolicy.AUTO;
    private EmptyTiles emptyTiles = EmptyTiles.KEEP;

    private Builder(String input, String output, LayerStack stack) {
      this.input = input;
      this.output = output;
      this.stack = stack;
    }

    /** The {@code --layers} file the stack was read from; empty (the default) for none. */
    public Builder layersFile(String file) {
      this.layersFile = file;
      return this;
    }

    /** Output tiles of {@code height}×{@code width} pixels ({@code --tile}); 0 for the default. */
    public Builder tile(int height, int width) {
      this.tileHeight = height;
      this.tileWidth = width;
      return this;
    }

    /** Channel conversion ({@code --channels}). */
    public Builder channels(ChannelMode value) {
      this.channels = value;
      return this;
    }

    /** Value normalisation ({@code --normalize}). */
    public Builder normalization(Normalization value) {
      this.normalization = value;
      return this;
    }

    /** The stored value type ({@code --precision}). */
    public Builder precision(Precision value) {
      this.precision = value;
      return this;
    }

    /** What bad records do ({@code --mode}). */
    public Builder mode(FailureMode value) {
      this.mode = value;
      return this;
    }

    /** What an existing output does ({@code --overwrite}). */
    public Builder writeMode(WriteMode value) {
      this.writeMode = value;
      return this;
    }

    /** The largest image (width·height) accepted ({@code --max-pixels}). */
    public Builder maxPixels(long value) {
      this.maxPixels = value;
      return this;
    }

    /** Tasks to split the tiles into; 0 (the default) chooses from the cores and the work. */
    public Builder partitions(int count) {
      this.partitions = count;
      return this;
    }

    /** Reads only listed files whose name matches the Hadoop glob {@code glob} (null: all). */
    public Builder pattern(String glob) {
      this.pattern = glob;
      return this;
    }

    /** The Parquet codec of the feature files ({@code --compression}). */
    public Builder compression(Compression codec) {
      this.compression = codec;
      return this;
    }

    /** The pyramid level read of every image ({@code --level}). */
    public Builder level(int pyramidLevel) {
      this.level = pyramidLevel;
      return this;
    }

    /** Which input pixels are masked ({@code --nodata}). */
    public Builder nodata(NodataPolicy policy) {
      this.nodata = policy;
      return this;
    }

    /** Whether rows with no valid pixel are written ({@code --skip-empty-tiles}). */
    public Builder emptyTiles(EmptyTiles value) {
      this.emptyTiles = value;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a value is missing or out of its range
     */
    public JobConfig build() {
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
          nodata,
          emptyTiles);
    }
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
