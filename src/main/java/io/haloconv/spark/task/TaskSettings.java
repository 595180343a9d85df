package io.haloconv.spark.task;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.MemoryBudget;
import io.haloconv.io.NodataPolicy;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.EmptyTiles;
import io.haloconv.tensor.Precision;
import java.io.Serializable;

/**
 * What every task needs, for the featurize jobs and the library API alike: the broadcast layer
 * stack and the per-job settings, small and captured in the task closure.
 *
 * @param stack the layer stack, broadcast once
 * @param tileHeight output rows per tile, resolved ({@code LayerStack.tileSide})
 * @param tileWidth output columns per tile, resolved
 * @param maxPixels the largest image accepted (width × height), for inputs probed in tasks
 * @param maxBufferedBytes the features of one image held back until its last tile succeeded (the
 *     library API's all-or-nothing rows); larger images stream their tiles
 * @param memory what one task may spend decoding an image whole, for inputs probed in tasks
 * @param nodata which input pixels are masked ({@code --nodata})
 * @param emptyTiles whether rows with no valid pixel are written ({@code --skip-empty-tiles})
 */
public record TaskSettings(
    StackBroadcast stack,
    ChannelMode channels,
    Normalization normalization,
    Precision precision,
    FailureMode mode,
    int tileHeight,
    int tileWidth,
    long maxPixels,
    long maxBufferedBytes,
    MemoryBudget memory,
    NodataPolicy nodata,
    EmptyTiles emptyTiles)
    implements Serializable {
  /** {@link #maxBufferedBytes} unless a caller sets another. */
  public static final long DEFAULT_MAX_BUFFERED_BYTES = 256L << 20;

  public TaskSettings {
    if (stack == null || channels == null || normalization == null || precision == null) {
      throw new IllegalArgumentException(
          "task settings need a stack, channels, normalization" + " and precision");
    }
    if (mode == null || memory == null) {
      throw new IllegalArgumentException("task settings need a failure mode and a memory budget");
    }
    if (nodata == null || emptyTiles == null) {
      throw new IllegalArgumentException(
          "task settings need a nodata policy and an empty-tile rule");
    }
    if (tileHeight < 1 || tileWidth < 1) {
      throw new IllegalArgumentException(
          "tile must be >= 1x1 (resolved), got " + tileHeight + "x" + tileWidth);
    }
    if (maxPixels < 1 || maxBufferedBytes < 0) {
      throw new IllegalArgumentException(
          "maxPixels must be >= 1 and maxBufferedBytes >= 0, got "
              + maxPixels
              + " and "
              + maxBufferedBytes);
    }
  }
}
