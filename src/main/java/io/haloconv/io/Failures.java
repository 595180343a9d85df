package io.haloconv.io;

import io.haloconv.tensor.TensorFormatException;
import java.io.EOFException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Turns what decoders throw (IIOException chains, EOFExceptions, runtime exceptions from corrupt
 * data, warnings) into one-line messages a user can act on, keeping the original as the cause.
 */
public final class Failures {
  private static final Pattern TIFF_COMPRESSION =
      Pattern.compile("(?i)unsupported compression.*?(\\d+)");

  /** TIFF compression tags that readers here do not decode, by name. */
  private static final Map<Integer, String> TIFF_COMPRESSIONS =
      Map.ofEntries(
          Map.entry(32809, "ThunderScan"),
          Map.entry(32895, "IT8 CT"),
          Map.entry(33003, "Aperio JPEG 2000 YCbCr"),
          Map.entry(33005, "Aperio JPEG 2000 RGB"),
          Map.entry(34661, "JBIG"),
          Map.entry(34676, "SGI LogLuv"),
          Map.entry(34677, "SGI LogLuv24"),
          Map.entry(34712, "JPEG 2000"),
          Map.entry(34887, "LERC"),
          Map.entry(34892, "lossy JPEG (DNG)"),
          Map.entry(34925, "LZMA"),
          Map.entry(34926, "Zstandard"),
          Map.entry(34927, "WebP"),
          Map.entry(50000, "Zstandard"),
          Map.entry(50001, "WebP"),
          Map.entry(50002, "JPEG XL"),
          Map.entry(52546, "JPEG XL"));

  private Failures() {}

  /**
   * The one-line failure for {@code error}, thrown while reading a {@code format} file at {@code
   * stage}; {@code warnings} are what the reader reported before failing.
   */
  static ImageReadException translate(
      ImageReadException.Stage stage, ImageFormat format, Throwable error, List<String> warnings) {
    if (error instanceof ImageReadException already) {
      return already.at(stage);
    }
    String name = format.displayName();
    StorageException storage = find(error, StorageException.class);
    if (storage != null) {
      // The file system failed under the decoder, not the file's content.
      IOException io = storage.getCause();
      return new ImageReadException(
          stage,
          ioKind(io),
          (io instanceof FileNotFoundException
                  ? "file not found while reading it: "
                  : "cannot read file: ")
              + chainMessages(io),
          error);
    }
    if (error instanceof Deadline.Expired expired) {
      String what =
          stage == ImageReadException.Stage.PROBE
              ? "reading the " + name + " header "
              : "decoding " + name + " ";
      return new ImageReadException(
          stage,
          ErrorKind.TIMEOUT,
          what + expired.getMessage() + " and was aborted; the file may be corrupt",
          error);
    }
    if (find(error, OutOfMemoryError.class) != null) {
      return outOfMemory(stage, format, error);
    }
    String messages = chainMessages(error);
    Matcher compression = TIFF_COMPRESSION.matcher(messages);
    if (format == ImageFormat.TIFF && compression.find()) {
      int tag = Integer.parseInt(compression.group(1));
      String known = TIFF_COMPRESSIONS.get(tag);
      return new ImageReadException(
          stage,
          ErrorKind.UNSUPPORTED,
          "unsupported TIFF compression " + tag + (known == null ? "" : " (" + known + ")"),
          error);
    }
    String warning = truncationWarning(warnings);
    if (isTruncation(error) || warning != null) {
      String detail = warning != null ? warning : messages;
      return new ImageReadException(
          stage, ErrorKind.TRUNCATED, "truncated " + name + ": " + detail, error);
    }
    String what =
        stage == ImageReadException.Stage.PROBE
            ? "cannot read " + name + " header: "
            : "cannot decode " + name + ": ";
    return new ImageReadException(stage, ErrorKind.CORRUPT, what + messages, error);
  }

  /**
   * The failure of a decoder that ran out of heap: an {@link OutOfMemoryError}, or an exception
   * whose cause chain holds one (TwelveMonkeys' "Unable to allocate destination image of N bytes"
   * wraps it in an IIOException). The file may well be fine: the task was too small for it, so it
   * is {@link ErrorKind#OUT_OF_MEMORY}, never {@link ErrorKind#CORRUPT}.
   */
  public static ImageReadException outOfMemory(
      ImageReadException.Stage stage, ImageFormat format, Throwable error) {
    return new ImageReadException(
        stage,
        ErrorKind.OUT_OF_MEMORY,
        "not enough memory to decode this "
            + format.displayName()
            + " ("
            + chainMessages(error)
            + "); the file may be fine: give executors more memory, run fewer tasks per executor,"
            + " or lower --max-pixels",
        error);
  }

  /** True when {@code error} is an {@link OutOfMemoryError} or has one in its cause chain. */
  public static boolean isOutOfMemory(Throwable error) {
    return find(error, OutOfMemoryError.class) != null;
  }

  /** The kind of a file-system failure: gone, or refused. */
  static ErrorKind ioKind(IOException error) {
    if (find(error, FileNotFoundException.class) != null) {
      return ErrorKind.FILE_NOT_FOUND;
    }
    if (find(error, EOFException.class) != null) {
      return ErrorKind.TRUNCATED;
    }
    return ErrorKind.UNREADABLE;
  }

  /** The kind of a .npy header or data problem, from the tensor reader's one-line message. */
  static ErrorKind npyKind(TensorFormatException error) {
    String message = String.valueOf(error.getMessage()).toLowerCase(Locale.ROOT);
    if (message.contains("truncated")) {
      return ErrorKind.TRUNCATED;
    }
    if (message.contains("not supported") || message.contains("unsupported")) {
      return ErrorKind.UNSUPPORTED;
    }
    return ErrorKind.CORRUPT;
  }

  /** The first throwable of type {@code type} in the cause chain, or null. */
  static <T extends Throwable> T find(Throwable error, Class<T> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return type.cast(t);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return null;
  }

  /**
   * Wraps a failure of the underlying file system inside a decoder's stream, so {@link #translate}
   * can tell "the storage failed" (unreadable, file not found) from "the bytes are bad", whatever
   * the decoder wraps it in.
   */
  static final class StorageException extends IOException {
    private static final long serialVersionUID = 1L;

    StorageException(IOException cause) {
      super(cause.getMessage(), cause);
    }

    @Override
    public synchronized IOException getCause() {
      return (IOException) super.getCause();
    }
  }

  /** The first warning that says the data ended early, or null. */
  static String truncationWarning(List<String> warnings) {
    for (String warning : warnings) {
      String lower = warning.toLowerCase(Locale.ROOT);
      if (lower.contains("premature end") || lower.contains("truncated")) {
        return warning;
      }
    }
    return null;
  }

  /** True for warnings that mean the pixels are incomplete, so the decode must fail. */
  static boolean isFatalWarning(String warning) {
    return warning.toLowerCase(Locale.ROOT).contains("premature end");
  }

  private static boolean isTruncation(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return true;
      }
      String message = t.getMessage() == null ? "" : t.getMessage().toLowerCase(Locale.ROOT);
      if (message.contains("unexpected end")
          || message.contains("premature end")
          || message.contains("end of stream")
          || message.contains("end of file")
          || message.contains("out of stream")) { // the JDK TIFF reader: data past the end
        return true;
      }
    }
    return false;
  }

  /**
   * The distinct messages of the cause chain joined by ": ", e.g. {@code Error reading PNG image
   * data: Unexpected end of ZLIB input stream}; an exception without a message is named by its
   * type.
   */
  public static String chainMessages(Throwable error) {
    List<String> parts = new ArrayList<>();
    for (Throwable t = error; t != null && parts.size() < 5; t = t.getCause()) {
      String message = t.getMessage();
      String part =
          message == null || message.isBlank() ? t.getClass().getSimpleName() : message.strip();
      if (parts.isEmpty() || !parts.get(parts.size() - 1).contains(part)) {
        parts.add(part);
      }
      if (t.getCause() == t) {
        break;
      }
    }
    return ImageReadException.oneLine(String.join(": ", parts));
  }

  /**
   * Collects a reader's warnings (a bounded number: truncated JPEG headers repeat theirs many
   * times) and aborts the reader on those that mean the pixels will be incomplete, so a truncated
   * JPEG fails instead of decoding as gray.
   */
  static final class Warnings implements IIOReadWarningListener {
    private final List<String> messages = new ArrayList<>();

    @Override
    public synchronized void warningOccurred(ImageReader source, String warning) {
      if (messages.size() < 20 && !messages.contains(warning)) {
        messages.add(warning);
      }
      if (isFatalWarning(warning)) {
        source.abort();
      }
    }

    synchronized List<String> messages() {
      return List.copyOf(messages);
    }

    /** The first fatal warning, or null. */
    synchronized String fatal() {
      for (String warning : messages) {
        if (isFatalWarning(warning)) {
          return warning;
        }
      }
      return null;
    }
  }
}
