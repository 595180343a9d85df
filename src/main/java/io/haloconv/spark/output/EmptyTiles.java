package io.haloconv.spark.output;

/** {@code --skip-empty-tiles}: whether rows whose {@code valid_fraction} is 0 are written. */
public enum EmptyTiles {
  /** Every row is written, however much of it is nodata (the default). */
  KEEP,
  /** Rows with no valid pixel are left out, and counted in the manifest and summary. */
  SKIP
}
