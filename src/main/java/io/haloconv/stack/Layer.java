package io.haloconv.stack;

import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.PaddingMode;
import java.io.Serializable;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.regex.Pattern;

/**
 * One layer of a {@link LayerStack}: a sliding window over its input map with its own padding,
 * stride and reach, per axis the arithmetic of {@link io.haloconv.conv.AxisGeometry}. A layer pads
 * at its own input's edge: position {@code v} of the padded input reads real index {@code
 * paddingMode().sourceIndex(v, size)}, or {@link #padValue()} where that is {@link
 * PaddingMode#ZERO}.
 */
public sealed interface Layer extends Serializable permits ConvLayer, PoolLayer {
  /** Names become directory names ({@code layer=NAME}) and a Spark partition value. */
  Pattern NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_-]{0,63}");

  String name();

  /** {@code conv} or {@code pool}, as the stack file spells it. */
  String type();

  /** True when the stack file asks for this layer's output to be written. */
  boolean emit();

  /**
   * Padding and output size for an input of {@code height}×{@code width}.
   *
   * @throws IllegalArgumentException when the output would be empty or the padding is impossible
   */
  ConvGeometry geometry(int height, int width);

  /** The channels this layer needs, or empty when it takes any number (pools). */
  OptionalInt inputChannels();

  /**
   * Channels of the output for {@code channels} input channels.
   *
   * @throws IllegalArgumentException when the layer cannot take {@code channels}
   */
  int outputChannels(int channels);

  /** Maps a padded position to the real index it reads, or to {@link PaddingMode#ZERO}. */
  PaddingMode paddingMode();

  /** The value of a padded position that reads no real index: 0, or −∞ for a max pool. */
  float padValue();

  /** Multiply-adds (or comparisons) per output value, for {@code channels} input channels. */
  long workPerOutput(int channels);

  static String checkName(String name) {
    if (name == null || !NAME.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "layer name must be a letter then up to 63 letters, digits,"
              + " '_' or '-', got '"
              + name
              + "'");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    if (lower.equals("true") || lower.equals("false") || lower.equals("null")) {
      throw new IllegalArgumentException(
          "layer name '"
              + name
              + "' would read back as a "
              + (lower.equals("null") ? "null" : "boolean")
              + " partition value; choose another");
    }
    return name;
  }
}
