package io.haloconv.spark.badrecord;

import java.util.Locale;

/**
 * What the job does with a bad record (design.md §4), named as Spark's readers name their modes.
 */
public enum FailureMode {
  /** Write the bad record to {@code _errors/} and finish. */
  PERMISSIVE,
  /** Skip the bad record; it is still counted in {@code _manifest.json}. */
  DROPMALFORMED,
  /** Fail the job on the first bad record and leave no output behind. */
  FAILFAST;

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static FailureMode parse(String text) {
    for (FailureMode mode : values()) {
      if (mode.cliName().equals(text.toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "mode must be permissive, dropmalformed or failfast, got '" + text + "'");
  }
}
