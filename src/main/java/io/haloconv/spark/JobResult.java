package io.haloconv.spark;

/**
 * What a finished job did, as counted in {@code _manifest.json}: every listed file is either
 * written or failed.
 */
public record JobResult(
    long filesListed,
    long imagesWritten,
    long imagesFailed,
    long tiles,
    long outputBytes,
    long featureValues,
    long inputPixels,
    double seconds,
    StageTimes times) {

  /** Seconds spent in each stage, summed over tasks, and wall-clock time of the job's phases. */
  public record StageTimes(
      double listSeconds,
      double probeSeconds,
      double writeWallSeconds,
      double taskSeconds,
      double readTaskSeconds,
      double convolveTaskSeconds,
      double encodeTaskSeconds) {

    /** Task time outside read, convolve and encode: Parquet writing and Spark's own work. */
    public double otherTaskSeconds() {
      return Math.max(0, taskSeconds - readTaskSeconds - convolveTaskSeconds - encodeTaskSeconds);
    }
  }
}
