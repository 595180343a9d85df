package io.haloconv.io;

import java.util.Locale;

/**
 * Why an input file produced no features: the {@code error} column of {@code _errors/} (design.md
 * §3), a short stable word a program can group by, beside the {@code message} a person reads. The
 * {@code stage} column says where it happened; a kind can occur at more than one stage (a file can
 * be truncated in its header or in its pixel data).
 *
 * <p>The kinds are part of the output's contract: add new ones, never rename old ones.
 */
public enum ErrorKind {
  /** The file was listed but is gone when read: deleted or moved while the job ran. */
  FILE_NOT_FOUND,
  /** The file system refused to list, open or read it: permissions, a network or disk error. */
  UNREADABLE,
  /** The file has no bytes. */
  EMPTY_FILE,
  /** No supported format recognises the bytes: a text or other non-image file, or garbage. */
  NOT_AN_IMAGE,
  /**
   * The header declares more pixels than {@code --max-pixels}, or an image decoded whole would need
   * more heap than one task has ({@link DecodeMemory}); refused before decoding. The file is fine:
   * the job's limits are too small for it.
   */
  TOO_LARGE,
  /**
   * A recognised format using something no reader here decodes: a TIFF compression, a .npy dtype or
   * rank, a pixel layout.
   */
  UNSUPPORTED,
  /** The file ends before its header or pixel data does. */
  TRUNCATED,
  /** The header or the pixel data is malformed. */
  CORRUPT,
  /** Decoding took longer than its time limit and was aborted: usually a corrupt file. */
  TIMEOUT,
  /**
   * A decoder ran out of heap (an {@link OutOfMemoryError}, or an error it caused): the task was
   * too small for the image, which is not to blame.
   */
  OUT_OF_MEMORY,
  /** The image's channel count (after {@code --channels}) is not what the filters expect. */
  CHANNEL_MISMATCH,
  /**
   * The image is too small for the kernel and padding: its feature map would be empty, or {@code
   * reflect} or {@code circular} padding would need more pixels than it has. Also an image with no
   * pixels at all.
   */
  TOO_SMALL,
  /** A row of a Parquet or Dataset input has no image: its bytes (or its path) are null. */
  MISSING_IMAGE,
  /** A row of a Parquet input has a null or empty id ({@code --id-column}). */
  MISSING_ID,
  /** Several rows of a Parquet input share an id: every one of them is refused. */
  DUPLICATE_ID,
  /**
   * {@code --level N} asks for a pyramid level the file does not have; the message names the levels
   * it has.
   */
  NO_SUCH_LEVEL,
  /** An unexpected failure inside haloconv: a bug, please report it with the message. */
  INTERNAL_ERROR;

  /** The lower-case, hyphenated name stored in {@code _errors/}, e.g. {@code file-not-found}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  @Override
  public String toString() {
    return label();
  }
}
