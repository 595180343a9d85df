package io.haloconv.io;

import java.util.Locale;

/**
 * The file formats haloconv decodes (design.md §2). A file's format is chosen from its first bytes,
 * not its name; the name only helps to say what a file that matches nothing was supposed to be.
 */
public enum ImageFormat {
  PNG("PNG", "png"),
  JPEG("JPEG", "jpg", "jpeg", "jpe", "jfif"),
  GIF("GIF", "gif"),
  BMP("BMP", "bmp", "dib"),
  TIFF("TIFF", "tif", "tiff"),
  WBMP("WBMP", "wbmp"),
  WEBP("WebP", "webp"),
  /** A .npy array of (C, H, W) or (H, W) values. */
  NPY(".npy tensor", "npy"),
  /**
   * Pixels decoded by someone else and handed over in memory, e.g. a row of Spark's image data
   * source ({@link ImageBytes#ofInterleaved}); never chosen for a file.
   */
  PIXELS("decoded pixels");

  private final String displayName;
  private final String[] extensions;

  ImageFormat(String displayName, String... extensions) {
    this.displayName = displayName;
    this.extensions = extensions;
  }

  /** The name used in messages: PNG, JPEG, WebP, ... */
  public String displayName() {
    return displayName;
  }

  /** The format a file name's extension suggests, or null. */
  public static ImageFormat fromExtension(String fileName) {
    int dot = fileName.lastIndexOf('.');
    if (dot < 0) {
      return null;
    }
    String extension = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
    for (ImageFormat format : values()) {
      for (String candidate : format.extensions) {
        if (candidate.equals(extension)) {
          return format;
        }
      }
    }
    return null;
  }
}
