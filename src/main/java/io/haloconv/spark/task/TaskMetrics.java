package io.haloconv.spark.task;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Time and volume counters the tasks add to, read by the driver for the summary and the split of
 * time between stages (read/decode, convolve, encode).
 */
public final class TaskMetrics implements Serializable {
  /** The name of the tiles accumulator, which the progress listener reads from heartbeats. */
  public static final String TILES = "haloconv.tiles";

  public final LongAccumulator readNanos;
  public final LongAccumulator convolveNanos;
  public final LongAccumulator encodeNanos;
  final LongAccumulator tiles;
  public final LongAccumulator inputPixels;
  public final LongAccumulator outputValues;

  public TaskMetrics(SparkContext sc) {
    readNanos = sc.longAccumulator("haloconv.read.nanos");
    convolveNanos = sc.longAccumulator("haloconv.convolve.nanos");
    encodeNanos = sc.longAccumulator("haloconv.encode.nanos");
    tiles = sc.longAccumulator(TILES);
    inputPixels = sc.longAccumulator("haloconv.input.pixels");
    outputValues = sc.longAccumulator("haloconv.output.values");
  }
}
