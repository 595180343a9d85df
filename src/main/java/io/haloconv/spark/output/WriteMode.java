package io.haloconv.spark.output;

/** What happens when the output directory already exists. */
public enum WriteMode {
  /** Refuse, before any work starts (exit code 2). */
  ERROR_IF_EXISTS,
  /** Replace it, but only once the new output is complete (write beside, then swap). */
  OVERWRITE
}
