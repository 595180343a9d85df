package io.haloconv.spark;

/**
 * A job that could not run or did not finish, with a one-line message for the user and the exit code
 * the CLI returns: 2 for bad input found before any task ran (DESIGN §4), 1 for a job that failed.
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

  public int exitCode() {
    return exitCode;
  }
}
