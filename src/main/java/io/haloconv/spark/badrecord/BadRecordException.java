package io.haloconv.spark.badrecord;

/**
 * Thrown by a task in failfast mode to stop the job on its first bad record. Its message carries
 * the record so the driver can name the file even when only the message survives the trip back.
 */
public final class BadRecordException extends RuntimeException {
  static final String MARKER = "haloconv bad record: ";

  public BadRecordException(BadRecord record) {
    super(MARKER + record.describe());
  }

  /** The user-facing line within a Spark failure message, if it carries one. */
  public static String find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      String message = t.getMessage();
      if (message != null) {
        int at = message.indexOf(MARKER);
        if (at >= 0) {
          String rest = message.substring(at + MARKER.length());
          int nl = rest.indexOf('\n');
          return nl < 0 ? rest : rest.substring(0, nl);
        }
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }
}
