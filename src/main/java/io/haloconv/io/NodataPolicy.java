package io.haloconv.io;

import java.io.Serializable;
import java.util.Locale;
import java.util.OptionalDouble;

/**
 * {@code --nodata auto|VALUE|none}: which input pixels are masked. A masked pixel contributes
 * exactly 0 to every sum, as zero padding does, and makes the output pixels whose receptive field
 * holds it invalid ({@code valid_fraction}).
 *
 * <ul>
 *   <li>{@code auto} (the default): the file's GDAL_NODATA where it has one, and NaN for
 *       floating-point samples.
 *   <li>{@code VALUE} (a number, or {@code nan}): that value, whatever the file says, and NaN for
 *       floating-point samples.
 *   <li>{@code none}: nothing is masked; NaN samples are convolved as they are (and spread NaN).
 * </ul>
 *
 * @param kind which of the three
 * @param value the nodata value of {@link Kind#VALUE} (NaN for {@code nan}); NaN otherwise
 */
public record NodataPolicy(Kind kind, double value) implements Serializable {
  /** The three forms of {@code --nodata}. */
  public enum Kind {
    AUTO,
    VALUE,
    NONE
  }

  public static final NodataPolicy AUTO = new NodataPolicy(Kind.AUTO, Double.NaN);
  public static final NodataPolicy NONE = new NodataPolicy(Kind.NONE, Double.NaN);

  public NodataPolicy {
    if (kind == null) {
      throw new IllegalArgumentException("nodata kind is null");
    }
    if (Double.isInfinite(value)) {
      throw new IllegalArgumentException("nodata must be finite or NaN, got " + value);
    }
  }

  /** {@code auto}, {@code none}, a number or {@code nan}, as {@code --nodata} takes them. */
  public static NodataPolicy parse(String text) {
    String t = text == null ? "" : text.strip().toLowerCase(Locale.ROOT);
    switch (t) {
      case "auto":
        return AUTO;
      case "none":
        return NONE;
      case "nan":
        return new NodataPolicy(Kind.VALUE, Double.NaN);
      default:
        break;
    }
    double v;
    try {
      v = Double.parseDouble(t);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "nodata must be auto, none, nan or a number, got '" + text + "'");
    }
    if (!Double.isFinite(v)) {
      throw new IllegalArgumentException(
          "nodata must be a finite number or nan, got '" + text + "'");
    }
    return new NodataPolicy(Kind.VALUE, v);
  }

  /** What to mask in {@code image}, or null when nothing is. */
  public NodataMask maskFor(ImageInfo image) {
    if (kind == Kind.NONE) {
      return null;
    }
    boolean floats = image.sampleFormat() == SampleFormat.FLOAT;
    double v = Double.NaN;
    if (kind == Kind.VALUE) {
      v = value;
    } else if (image.georeference() != null) {
      OptionalDouble file = image.georeference().nodataValue();
      if (file.isPresent()) {
        v = file.getAsDouble();
      }
    }
    boolean nan = floats || (kind == Kind.VALUE && Double.isNaN(value));
    if (Double.isNaN(v) && !nan) {
      return null;
    }
    return new NodataMask((float) v, nan);
  }

  @Override
  public String toString() {
    return switch (kind) {
      case AUTO -> "auto";
      case NONE -> "none";
      case VALUE -> Double.isNaN(value) ? "nan" : Double.toString(value);
    };
  }
}
