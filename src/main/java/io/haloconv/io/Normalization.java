package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@code --normalize}: how decoded values become the floats the filters see (design.md §2).
 *
 * <ul>
 *   <li>{@code unit}: integer samples divided by their largest value ({@link
 *       ImageInfo#unitScale()}: 8-bit /255, 16-bit /65535, 1-bit stays 0/1, uint8/uint16 .npy /255
 *       and /65535); floating-point samples as they are.
 *   <li>{@code raw}: integer values as they are (0..255, 0..65535), floats as they are.
 *   <li>{@code mean-std:M1,M2,..;S1,S2,..}: {@code unit}, then {@code (x − M)/S} per output
 *       channel, in float32. A single M or S applies to every channel.
 * </ul>
 *
 * Scaling happens before the {@link ChannelMode} conversion, mean-std after it, so means and stds
 * are per output channel. Division (not multiplication by a reciprocal) keeps results bitwise equal
 * to numpy's {@code x.astype(float32) / 255}.
 */
public final class Normalization implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The three kinds of normalisation. */
  public enum Kind {
    UNIT,
    RAW,
    MEAN_STD
  }

  public static final Normalization UNIT = new Normalization(Kind.UNIT, new float[0], new float[0]);
  public static final Normalization RAW = new Normalization(Kind.RAW, new float[0], new float[0]);

  private static final String FORMS = "unit, raw or mean-std:M1,M2,..;S1,S2,..";

  private final Kind kind;
  private final float[] means;
  private final float[] stds;

  private Normalization(Kind kind, float[] means, float[] stds) {
    this.kind = kind;
    this.means = means;
    this.stds = stds;
  }

  /**
   * {@code unit} then {@code (x − mean)/std} per channel. Each array holds one value for every
   * channel, or a single value for all channels.
   *
   * @throws IllegalArgumentException for empty arrays, non-finite values or a zero std
   */
  public static Normalization meanStd(float[] means, float[] stds) {
    requireNonNull(means, "means is null");
    requireNonNull(stds, "stds is null");
    if (means.length == 0 || stds.length == 0) {
      throw new IllegalArgumentException(
          "--normalize mean-std needs at least one mean and one std");
    }
    if (means.length != 1 && stds.length != 1 && means.length != stds.length) {
      throw new IllegalArgumentException(
          "--normalize mean-std has "
              + means.length
              + " means and "
              + stds.length
              + " stds: give one value for all channels, or one per channel");
    }
    for (float mean : means) {
      if (!Float.isFinite(mean)) {
        throw new IllegalArgumentException(
            "--normalize mean-std: means must be finite, got " + mean);
      }
    }
    for (int i = 0; i < stds.length; i++) {
      if (!Float.isFinite(stds[i]) || stds[i] == 0) {
        throw new IllegalArgumentException(
            "--normalize mean-std: stds must be finite and != 0, got "
                + format(stds[i])
                + (stds.length > 1 ? " (std " + (i + 1) + " of " + stds.length + ")" : ""));
      }
    }
    return new Normalization(Kind.MEAN_STD, means.clone(), stds.clone());
  }

  /**
   * Parses the command-line form: {@code unit}, {@code raw}, or {@code
   * mean-std:0.485,0.456,0.406;0.229,0.224,0.225}.
   *
   * @throws IllegalArgumentException with a one-line message naming the problem
   */
  public static Normalization parse(String text) {
    String value = text == null ? "" : text.strip();
    switch (value.toLowerCase(Locale.ROOT)) {
      case "unit":
        return UNIT;
      case "raw":
        return RAW;
      default:
        break;
    }
    String prefix = "mean-std:";
    if (!value.toLowerCase(Locale.ROOT).startsWith(prefix)) {
      throw new IllegalArgumentException("--normalize must be " + FORMS + ", got '" + text + "'");
    }
    String[] parts = value.substring(prefix.length()).split(";", -1);
    if (parts.length != 2 || parts[0].isBlank() || parts[1].isBlank()) {
      throw new IllegalArgumentException(
          "--normalize mean-std needs means and stds separated by ';', e.g."
              + " mean-std:0.485,0.456,0.406;0.229,0.224,0.225, got '"
              + text
              + "'");
    }
    return meanStd(numbers(parts[0]), numbers(parts[1]));
  }

  private static float[] numbers(String list) {
    String[] items = list.split(",", -1);
    float[] values = new float[items.length];
    for (int i = 0; i < items.length; i++) {
      String item = items[i].strip();
      try {
        values[i] = Float.parseFloat(item);
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--normalize mean-std: '" + item + "' is not a number", e);
      }
    }
    return values;
  }

  public Kind kind() {
    return kind;
  }

  /** The mean subtracted from {@code channel} (0 unless mean-std). */
  public float mean(int channel) {
    return means.length == 0 ? 0 : means[means.length == 1 ? 0 : channel];
  }

  /** The std {@code channel} is divided by (1 unless mean-std). */
  public float std(int channel) {
    return stds.length == 0 ? 1 : stds[stds.length == 1 ? 0 : channel];
  }

  /**
   * Checks that per-channel means and stds fit an image of {@code channels} output channels.
   *
   * @throws IllegalArgumentException naming both counts
   */
  public void requireChannels(int channels) {
    int perChannel = Math.max(means.length, stds.length);
    if (kind == Kind.MEAN_STD && perChannel > 1 && perChannel != channels) {
      throw new IllegalArgumentException(
          "--normalize mean-std has "
              + perChannel
              + " values per channel, image has "
              + channels
              + " channel"
              + (channels == 1 ? "" : "s"));
    }
  }

  /** The command-line form, which {@link #parse} reads back. */
  @Override
  public String toString() {
    return switch (kind) {
      case UNIT -> "unit";
      case RAW -> "raw";
      case MEAN_STD -> "mean-std:" + join(means) + ";" + join(stds);
    };
  }

  private static String join(float[] values) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < values.length; i++) {
      text.append(i == 0 ? "" : ",").append(format(values[i]));
    }
    return text.toString();
  }

  private static String format(float value) {
    return value == Math.rint(value) && Math.abs(value) < 1e7
        ? Long.toString((long) value)
        : Float.toString(value);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Normalization that
        && kind == that.kind
        && Arrays.equals(means, that.means)
        && Arrays.equals(stds, that.stds);
  }

  @Override
  public int hashCode() {
    return 31 * (31 * kind.hashCode() + Arrays.hashCode(means)) + Arrays.hashCode(stds);
  }

  /** Keeps UNIT and RAW singletons across Java serialisation. */
  private Object readResolve() {
    return switch (kind) {
      case UNIT -> UNIT;
      case RAW -> RAW;
      case MEAN_STD -> this;
    };
  }
}
