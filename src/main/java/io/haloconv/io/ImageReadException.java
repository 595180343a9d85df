package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.Locale;

/**
 * An image that cannot be probed or decoded: a bad record in design.md §4's sense, not a crash. The
 * message is one human-readable line fit to show a user and to store in {@code _errors/}; the
 * decoder's own exception, if any, is the cause.
 */
public class ImageReadException extends IOException {
  private static final long serialVersionUID = 1L;

  /** Where reading failed, as recorded in the {@code stage} column of {@code _errors/}. */
  public enum Stage {
    /** Reading the header: format, size, pixel layout. */
    PROBE,
    /** Decoding pixels, converting channels, normalising. */
    DECODE;

    /** The lower-case name stored in {@code _errors/}. */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final Stage stage;
  private final ErrorKind kind;

  /** A failure of kind {@link ErrorKind#CORRUPT}. */
  public ImageReadException(Stage stage, String message) {
    this(stage, ErrorKind.CORRUPT, message, null);
  }

  /** A failure of kind {@link ErrorKind#CORRUPT}. */
  public ImageReadException(Stage stage, String message, Throwable cause) {
    this(stage, ErrorKind.CORRUPT, message, cause);
  }

  public ImageReadException(Stage stage, ErrorKind kind, String message) {
    this(stage, kind, message, null);
  }

  public ImageReadException(Stage stage, ErrorKind kind, String message, Throwable cause) {
    super(oneLine(requireNonNull(message, "message is null")), cause);
    this.stage = requireNonNull(stage, "stage is null");
    this.kind = requireNonNull(kind, "kind is null");
  }

  public Stage stage() {
    return stage;
  }

  /** Why it failed, as recorded in the {@code error} column of {@code _errors/}. */
  public ErrorKind kind() {
    return kind;
  }

  /** The same failure reported at {@code newStage}, e.g. a header re-read while decoding. */
  public ImageReadException at(Stage newStage) {
    return newStage == stage ? this : new ImageReadException(newStage, kind, getMessage(), this);
  }

  static String oneLine(String message) {
    String line = message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
    return line.length() <= 500 ? line : line.substring(0, 497) + "...";
  }
}
