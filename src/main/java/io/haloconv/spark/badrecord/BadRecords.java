package io.haloconv.spark.badrecord;

import io.haloconv.io.ErrorKind;
import io.haloconv.io.Failures;
import io.haloconv.io.ImageReadException;
import java.io.FileNotFoundException;

/** Turns a failure into the one-line {@link BadRecord} a person reads in {@code _errors/}. */
public final class BadRecords {
  /** What to change when a task ran out of memory. */
  private static final String MEMORY_ADVICE =
      "the file may be fine: give executors more memory, run fewer tasks per executor,"
          + " or lower --max-pixels";

  private BadRecords() {}

  public static BadRecord of(String path, String stage, Throwable failure) {
    if (failure instanceof ImageReadException e) {
      String message = oneLine(e.getMessage());
      if (e.kind() == ErrorKind.CORRUPT && Failures.isOutOfMemory(e)) {
        // A reader that wrapped the heap running out as a decoding error: the file is not to blame.
        return new BadRecord(
            path, e.stage().label(), ErrorKind.OUT_OF_MEMORY, message + "; " + MEMORY_ADVICE);
      }
      if (e.kind() == ErrorKind.FILE_NOT_FOUND) {
        message = message + ": it was listed, then deleted or moved before it could be read";
      }
      return new BadRecord(path, e.stage().label(), e.kind(), message);
    }
    if (failure instanceof FileNotFoundException) {
      return new BadRecord(
          path,
          stage,
          ErrorKind.FILE_NOT_FOUND,
          "file not found: it was listed, then deleted or moved before it could be read ("
              + oneLine(failure.getMessage())
              + ")");
    }
    if (Failures.isOutOfMemory(failure)) {
      // The heap ran out, here or in whatever the failure wraps: the task was too small, the
      // input may be fine.
      return new BadRecord(
          path,
          stage,
          ErrorKind.OUT_OF_MEMORY,
          "not enough memory (" + Failures.chainMessages(failure) + "); " + MEMORY_ADVICE);
    }
    // Anything else escaped the readers' own error handling: a bug, but still this file's record.
    String message = failure.getMessage() == null ? "" : ": " + oneLine(failure.getMessage());
    return new BadRecord(
        path,
        stage,
        ErrorKind.INTERNAL_ERROR,
        "unexpected " + failure.getClass().getSimpleName() + message);
  }

  public static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl).strip();
  }
}
