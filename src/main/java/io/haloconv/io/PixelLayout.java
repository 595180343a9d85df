package io.haloconv.io;

/**
 * What an image's channels mean once decoded by the design.md §2 rules with {@code --channels
 * keep}. Palette images appear as RGB or RGBA (their palette expanded), CMYK/YCCK JPEGs as RGB.
 */
public enum PixelLayout {
  /** One channel of intensity. */
  GRAY(1),
  /** Intensity, then alpha. */
  GRAY_ALPHA(2),
  /** Red, green, blue, in that order. */
  RGB(3),
  /** Red, green, blue, alpha. */
  RGBA(4),
  /** A 1-bit image: one channel of 0 (black) and 1 (white). */
  BINARY(1),
  /** Bands without colour meaning, e.g. a 5-sample TIFF; kept as they are. */
  MULTIBAND(0),
  /** A .npy array: (H, W) is one channel, (C, H, W) is C channels, no colour meaning. */
  TENSOR(0);

  private final int channels;

  PixelLayout(int channels) {
    this.channels = channels;
  }

  /** The channel count this layout implies, or 0 when any count goes (MULTIBAND, TENSOR). */
  public int impliedChannels() {
    return channels;
  }
}
