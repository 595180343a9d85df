package io.haloconv.spark.badrecord;

import io.haloconv.io.ErrorKind;
import java.io.Serializable;

/**
 * One input file that produced no features, as written to {@code _errors/}.
 *
 * @param path the file's URI, as listed
 * @param stage where it failed: {@value #LIST}, {@value #PROBE}, {@value #DECODE}, {@value
 *     #CONVOLVE} or {@value #WRITE}
 * @param error why, one of the {@link ErrorKind} labels, e.g. {@code truncated}
 * @param message one line a person understands
 */
public record BadRecord(String path, String stage, String error, String message)
    implements Serializable {
  /** Listing the input: a directory that cannot be listed. */
  public static final String LIST = "list";

  /** Reading the header on the driver's probe pass. */
  public static final String PROBE = "probe";

  /** Reading pixels in a task. */
  public static final String DECODE = "decode";

  /** Fitting the image to the filters, or convolving it. */
  public static final String CONVOLVE = "convolve";

  /** Encoding a tile's features for Parquet. */
  public static final String WRITE = "write";

  public BadRecord {
    if (path == null || stage == null || error == null || message == null) {
      throw new IllegalArgumentException("bad record fields must be non-null");
    }
  }

  public BadRecord(String path, String stage, ErrorKind kind, String message) {
    this(path, stage, kind.label(), message);
  }

  /** The line failfast prints and logs. */
  public String describe() {
    return path + ": " + stage + " failed: " + message;
  }
}
