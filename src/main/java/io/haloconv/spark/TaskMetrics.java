package io.haloconv.spark;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.LongAccumulator;

/**
 * Time and volume counters the tasks add to, read by the driver for the summary and the split of
 * time between stages (read/decode, convolve, encode).
 */
final class TaskMetrics implements Serializable {
  /** The name of the tiles accumulator, which the progress listener reads from heartbeats. */
  static final String TILES = "haloconv.tiles";

  final LongAccumulator readNanos;
  final LongAccumulator convolveNanos;
  final LongAccumulator encodeNanos;
  final LongAccumulator tiles;
  final LongAccumulator inputPixels;
  final LongAccumulator outputValues;

  TaskMetrics(SparkContext sc) {
    readNanos = sc.longAccumulator("haloconv.read.nanos");
    convolveNanos = sc.longAccumulator("haloconv.convolve.nanos");
    encodeNanos = sc.longAccumulator("haloconv.encode.nanos");
    tiles = sc.longAccumulator(TILES);
    inputPixels = sc.longAccumulator("haloconv.input.pixels");
    outputValues = sc.longAccumulator("haloconv.output.values");
  }
}
