package io.haloconv.spark;

import java.io.Serializable;

/**
 * One input file that produced no features, as written to {@code _errors/}.
 *
 * @param path the file's URI, as listed
 * @param stage where it failed: list, probe, decode, convolve or write
 * @param error a short machine-readable kind, e.g. {@code unreadable-image}
 * @param message one line a person understands
 */
public record BadRecord(String path, String stage, String error, String message)
    implements Serializable {
  public BadRecord {
    if (path == null || stage == null || error == null || message == null) {
      throw new IllegalArgumentException("bad record fields must be non-null");
    }
  }

  /** The line failfast prints and logs. */
  public String describe() {
    return path + ": " + stage + " failed: " + message;
  }
}
