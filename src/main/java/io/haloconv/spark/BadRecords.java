package io.haloconv.spark;

import io.haloconv.io.ImageReadException;
import java.io.FileNotFoundException;

/** Turns a failure into the one-line {@link BadRecord} a person reads in {@code _errors/}. */
final class BadRecords {
  private BadRecords() {}

  static BadRecord of(String path, String stage, Throwable failure) {
    if (failure instanceof ImageReadException e) {
      String kind = e.stage() == ImageReadException.Stage.PROBE ? "unreadable-header" : "undecodable-image";
      return new BadRecord(path, e.stage().label(), kind, oneLine(e.getMessage()));
    }
    if (failure instanceof FileNotFoundException) {
      return new BadRecord(path, stage, "file-not-found",
          "file disappeared after listing: " + oneLine(failure.getMessage()));
    }
    String kind = failure instanceof IllegalArgumentException ? "invalid-" + stage
        : failure.getClass().getSimpleName();
    String message = failure.getMessage() == null ? failure.getClass().getSimpleName() : failure.getMessage();
    return new BadRecord(path, stage, kind, oneLine(message));
  }

  static String oneLine(String message) {
    if (message == null) {
      return "";
    }
    String line = message.strip();
    int nl = line.indexOf('\n');
    return nl < 0 ? line : line.substring(0, nl).strip();
  }
}
