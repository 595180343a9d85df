package io.haloconv.cli;

import java.util.Locale;

/** Parses flag values, failing with a {@link UsageException} that names the flag and the range. */
final class Values {
  private Values() {}

  /** {@code N} or {@code A,B}, each in [min, max]; a single value applies to both. */
  static int[] pair(String flag, String text, int min, int max) {
    String[] parts = text.split(",", -1);
    if (parts.length < 1 || parts.length > 2) {
      throw new UsageException(flag + " must be N or A,B, got '" + text + "'");
    }
    int[] v = new int[2];
    for (int i = 0; i < parts.length; i++) {
      v[i] = integer(flag, parts[i], min, max);
    }
    if (parts.length == 1) {
      v[1] = v[0];
    }
    return v;
  }

  static int integer(String flag, String text, int min, int max) {
    long v = longValue(flag, text, min, max);
    return (int) v;
  }

  static long longValue(String flag, String text, long min, long max) {
    long v;
    try {
      v = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " must be an integer, got '" + text + "'");
    }
    if (v < min || v > max) {
      throw new UsageException(flag + " must be in [" + min + ", " + max + "], got " + v);
    }
    return v;
  }

  /** A JVM memory size as java -Xmx and spark-submit take it: 512m, 4g, 2048k or bytes. */
  static String memory(String flag, String text) {
    if (!text.toLowerCase(Locale.ROOT).matches("[1-9][0-9]*[kmgt]?")) {
      throw new UsageException(flag + " must be a size such as 512m or 4g, got '" + text + "'");
    }
    return text;
  }
}
