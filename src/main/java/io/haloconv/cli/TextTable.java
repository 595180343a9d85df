package io.haloconv.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * A plain-text table: columns padded to their widest cell, numbers right-aligned, text
 * left-aligned, two spaces between columns, an indent before each line. Cells that look like
 * numbers (digits, signs, dots, exponents, {@code %}, units after a space) align right.
 */
final class TextTable {
  private final String indent;
  private final List<String[]> rows = new ArrayList<>();
  private final boolean[] numeric;

  TextTable(String indent, String... header) {
    this.indent = indent;
    rows.add(header);
    numeric = new boolean[header.length];
    Arrays.fill(numeric, true);
  }

  TextTable row(Object... cells) {
    String[] text = new String[numeric.length];
    for (int i = 0; i < text.length; i++) {
      text[i] = i < cells.length && cells[i] != null ? cells[i].toString() : "";
      if (!text[i].isEmpty() && !looksNumeric(text[i])) {
        numeric[i] = false;
      }
    }
    rows.add(text);
    return this;
  }

  boolean isEmpty() {
    return rows.size() == 1;
  }

  private static boolean looksNumeric(String s) {
    return s.matches("[-+]?[0-9][0-9,.]*(e[-+]?[0-9]+)?( ?%| [A-Za-z]+)?|[-+]?(nan|inf)");
  }

  void print(PrintStream out) {
    print(out, 0);
  }

  /** Prints the rows only: for tables whose columns explain themselves. */
  void printWithoutHeader(PrintStream out) {
    print(out, 1);
  }

  private void print(PrintStream out, int from) {
    int[] widths = new int[numeric.length];
    for (String[] r : rows.subList(from, rows.size())) {
      for (int i = 0; i < r.length; i++) {
        widths[i] = Math.max(widths[i], r[i].length());
      }
    }
    for (String[] r : rows.subList(from, rows.size())) {
      StringBuilder line = new StringBuilder(indent);
      for (int i = 0; i < r.length; i++) {
        boolean last = i == r.length - 1;
        String cell = r[i];
        String pad = " ".repeat(widths[i] - cell.length());
        if (numeric[i]) {
          line.append(pad).append(cell);
        } else {
          line.append(cell).append(last ? "" : pad);
        }
        if (!last) {
          line.append("  ");
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }

  /** A number in at most 4 significant digits; exponents for the very large and small. */
  static String number(double v) {
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
    if (a >= 1e6 || a < 1e-4) {
      return String.format(Locale.ROOT, "%.3e", v);
    }
    String s = String.format(Locale.ROOT, "%.4g", v);
    return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
  }

  /** A count with thousands separators. */
  static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** A byte count in B, kB, MB, GB or TB (powers of 1000). */
  static String bytes(long n) {
    String[] units = {"B", "kB", "MB", "GB", "TB"};
    double v = n;
    int u = 0;
    while (v >= 1000 && u < units.length - 1) {
      v /= 1000;
      u++;
    }
    return u == 0 ? n + " B" : String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
