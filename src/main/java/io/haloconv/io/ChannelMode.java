package io.haloconv.io;

import java.util.Locale;
import java.util.OptionalInt;

/**
 * {@code --channels}: how decoded channels convert before normalisation (design.md §2).
 *
 * <p>Conversions read the channel count as its colour meaning: 1 gray, 2 gray+alpha, 3 RGB, 4 RGBA.
 * Gray becomes RGB by replicating it. RGB becomes gray by ITU-R BT.601 luma, {@code 0.299·R +
 * 0.587·G + 0.114·B}, computed in float32 on the (scaled) values, not rounded. Alpha is dropped for
 * {@code gray} and {@code rgb} without compositing the colour over any background. {@code rgba}
 * adds a fully opaque alpha where there is none: 1 after {@code unit} scaling, the largest value
 * (255, 65535, 1 for binary) with {@code raw}. Images of more than 4 channels (multi-band TIFF,
 * tensors) only allow {@code keep}.
 */
public enum ChannelMode {
  KEEP,
  GRAY,
  RGB,
  RGBA;

  /**
   * Parses the command-line form: {@code keep}, {@code gray}, {@code rgb} or {@code rgba}.
   *
   * @throws IllegalArgumentException with a one-line message naming the value
   */
  public static ChannelMode parse(String text) {
    if (text != null) {
      for (ChannelMode mode : values()) {
        if (mode.cliName().equals(text.strip().toLowerCase(Locale.ROOT))) {
          return mode;
        }
      }
    }
    throw new IllegalArgumentException(
        "--channels must be keep, gray, rgb or rgba, got '" + text + "'");
  }

  /** The command-line name: {@code keep}, {@code gray}, {@code rgb}, {@code rgba}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The channel count this mode always produces, or empty for {@code keep}. */
  public OptionalInt fixedChannels() {
    return switch (this) {
      case GRAY -> OptionalInt.of(1);
      case RGB -> OptionalInt.of(3);
      case RGBA -> OptionalInt.of(4);
      case KEEP -> OptionalInt.empty();
    };
  }

  /**
   * The channel count an image of {@code sourceChannels} has after this conversion.
   *
   * @throws IllegalArgumentException when the image has no colour meaning to convert from
   */
  public int outputChannels(int sourceChannels) {
    if (sourceChannels < 1) {
      throw new IllegalArgumentException("sourceChannels must be >= 1, got " + sourceChannels);
    }
    if (this == KEEP) {
      return sourceChannels;
    }
    if (sourceChannels > 4) {
      throw new IllegalArgumentException(
          "--channels "
              + cliName()
              + " cannot convert an image of "
              + sourceChannels
              + " channels: only 1 to 4 channels (gray, gray+alpha, rgb, rgba) convert");
    }
    return switch (this) {
      case GRAY -> 1;
      case RGB -> 3;
      case RGBA -> 4;
      case KEEP -> throw new AssertionError();
    };
  }
}
