package io.haloconv.render;

import java.util.Locale;

/**
 * Short number forms for labels: at most 4 significant digits, exponents for extremes. The CLI's
 * tables have their own formatter ({@code cli.TextTable}: grouped counts, byte sizes): labels in a
 * picture are feature values whose width matters, table cells are counts whose grouping matters,
 * and {@code render} is core, so it cannot share the CLI's.
 */
final class Numbers {
  private Numbers() {}

  static String compact(double v) {
    if (Double.isNaN(v)) {
      return "nan";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "inf" : "-inf";
    }
    if (v == 0) {
      return "0";
    }
    double a = Math.abs(v);
    if (a >= 1e4 || a < 1e-3) {
      return String.format(Locale.ROOT, "%.2e", v)
          .replace("e+0", "e")
          .replace("e-0", "e-")
          .replace("e+", "e");
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    if (s.contains(".")) {
      s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
    }
    return s;
  }
}
