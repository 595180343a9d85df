package io.haloconv.spark;

import io.haloconv.spark.badrecord.BadRecordException;
import io.haloconv.spark.badrecord.BadRecords;
import java.io.IOException;
import org.apache.hadoop.fs.Path;

/**
 * A job that could not run or did not finish, with a one-line message for the user and the exit
 * code the CLI returns: 2 for bad input found before any task ran (design.md §4), 1 for a job that
 * failed.
 */
public final class JobException extends RuntimeException {
  public static final int BAD_INPUT = 2;
  public static final int FAILED = 1;

  private final int exitCode;

  private JobException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** Bad arguments or input found before Spark ran any task: exit code 2. */
  public static JobException badInput(String message) {
    return new JobException(BAD_INPUT, message, null);
  }

  /** The job started and failed: exit code 1. */
  public static JobException failed(String message, Throwable cause) {
    return new JobException(FAILED, message, cause);
  }

  /**
   * What a job's failure tells the user, in one line: a {@code JobException} as it is; the bad
   * record behind a failfast abort; an I/O failure while writing {@code output}; else the root
   * cause of what Spark threw.
   */
  static JobException from(Exception e, Path output) {
    if (e instanceof JobException job) {
      return job;
    }
    if (e instanceof IOException) {
      return failed("writing " + output + " failed: " + BadRecords.oneLine(e.getMessage()), e);
    }
    String line = BadRecordException.find(e);
    if (line != null) {
      return failed(line, e);
    }
    return failed("job failed: " + BadRecords.oneLine(rootMessage(e)), e);
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getCause() != t) {
      t = t.getCause();
    }
    return t.getMessage() == null
        ? t.toString()
        : t.getClass().getSimpleName() + ": " + t.getMessage();
  }

  public int exitCode() {
    return exitCode;
  }
}
