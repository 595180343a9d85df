package io.haloconv.io;

import io.haloconv.tensor.Npy;
import java.util.Arrays;

/**
 * The first bytes of a file: which format they announce, and the few facts a reader choice or the
 * pixel rules need before any decoder runs.
 */
final class FileHead {
  /** Enough for every magic number and a PNG's IHDR. */
  static final int LENGTH = 32;

  private final byte[] bytes;
  private final ImageFormat format;

  private FileHead(byte[] bytes, ImageFormat format) {
    this.bytes = bytes;
    this.format = format;
  }

  /**
   * Identifies the format from magic bytes. The file name is used only for WBMP, whose header has
   * no magic number, and to word the error when nothing matches.
   *
   * @throws ImageReadException (PROBE) for an empty file or one no format recognises
   */
  static FileHead identify(byte[] head, String fileName) throws ImageReadException {
    byte[] bytes = Arrays.copyOf(head, Math.min(head.length, LENGTH));
    if (bytes.length == 0) {
      throw new ImageReadException(
          ImageReadException.Stage.PROBE, ErrorKind.EMPTY_FILE, "empty file (0 bytes)");
    }
    ImageFormat byMagic = byMagic(bytes);
    ImageFormat byName = ImageFormat.fromExtension(fileName);
    if (byMagic == null
        && byName == ImageFormat.WBMP
        && bytes.length >= 4
        && bytes[0] == 0
        && bytes[1] == 0) {
      byMagic = ImageFormat.WBMP;
    }
    if (byMagic != null) {
      return new FileHead(bytes, byMagic);
    }
    if (byName != null) {
      String expected =
          byName == ImageFormat.NPY ? "a .npy file" : "a " + byName.displayName() + " image";
      throw new ImageReadException(
          ImageReadException.Stage.PROBE,
          ErrorKind.NOT_AN_IMAGE,
          "not " + expected + ": file starts with " + quote(bytes));
    }
    throw new ImageReadException(
        ImageReadException.Stage.PROBE,
        ErrorKind.NOT_AN_IMAGE,
        "no image reader recognises this file: it starts with " + quote(bytes));
  }

  private static ImageFormat byMagic(byte[] b) {
    if (startsWith(b, 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a)) {
      return ImageFormat.PNG;
    }
    if (startsWith(b, 0xff, 0xd8, 0xff)) {
      return ImageFormat.JPEG;
    }
    if (startsWith(b, 'G', 'I', 'F', '8', '7', 'a')
        || startsWith(b, 'G', 'I', 'F', '8', '9', 'a')) {
      return ImageFormat.GIF;
    }
    if (startsWith(b, 'B', 'M') && b.length >= 14) {
      return ImageFormat.BMP;
    }
    if (startsWith(b, 'I', 'I', 42, 0)
        || startsWith(b, 'M', 'M', 0, 42)
        || startsWith(b, 'I', 'I', 43, 0)
        || startsWith(b, 'M', 'M', 0, 43)) {
      return ImageFormat.TIFF;
    }
    if (startsWith(b, 'R', 'I', 'F', 'F')
        && b.length >= 12
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return ImageFormat.WEBP;
    }
    if (startsWith(b, 0x93, 'N', 'U', 'M', 'P', 'Y')) {
      return ImageFormat.NPY;
    }
    return null;
  }

  ImageFormat format() {
    return format;
  }

  /** True for BigTIFF (version 43), which the JDK's TIFF reader does not read. */
  boolean isBigTiff() {
    return format == ImageFormat.TIFF && (bytes[2] == 43 || bytes[3] == 43);
  }

  /**
   * True when the file declares its pixels as palette indices (PNG colour type 3, GIF, BMP), so a
   * palette that happens to be a gray ramp still expands to RGB as design.md §2 says for palettes.
   * Other formats' gray ramps (1/2/4-bit gray PNG or TIFF) are gray.
   */
  boolean declaresPalette() {
    return switch (format) {
      case PNG -> bytes.length > 25 && bytes[25] == 3;
      case GIF, BMP -> true;
      default -> false;
    };
  }

  /** True for a PNG whose IHDR declares Adam7 interlacing (its 13th data byte, file byte 28). */
  boolean interlacedPng() {
    return format == ImageFormat.PNG && bytes.length > 28 && bytes[28] != 0;
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  /** The first 8 bytes as text, non-printable ones escaped: {@code "hello wo"}. */
  static String quote(byte[] bytes) {
    return Npy.quote(bytes);
  }
}
