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
    StageTimes times,
    long emptyTilesSkipped) {

  /**
   * A result of a job that left no row out ({@code --skip-empty-tiles} not given, or none empty).
   */
  public JobResult(
      long filesListed,
      long imagesWritten,
      long imagesFailed,
      long tiles,
      long outputBytes,
      long featureValues,
      long inputPixels,
      double seconds,
      StageTimes times) {
    this(
        filesListed,
        imagesWritten,
        imagesFailed,
        tiles,
        outputBytes,
        featureValues,
        inputPixels,
        seconds,
        times,
        0);
  }

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
