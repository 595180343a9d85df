package io.haloconv.tensor;

import java.io.IOException;

/**
 * A tensor file (.npy, .npz, .safetensors) that is malformed, truncated, of an unsupported kind, or
 * larger than the caller allows. The message is one human-readable line naming the problem, fit to
 * show a user as is; the low-level cause, if any, stays attached.
 */
public class TensorFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public TensorFormatException(String message) {
    super(oneLine(message));
  }

  public TensorFormatException(String message, Throwable cause) {
    super(oneLine(message), cause);
  }

  private static String oneLine(String message) {
    return message == null ? null : message.replaceAll("\\s*[\\r\\n]+\\s*", " ").strip();
  }
}
