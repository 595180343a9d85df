package io.haloconv.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * A parsed command line: {@code --flag value}, {@code --flag=value}, repeatable flags and switches.
 * An unknown flag is refused with the nearest known one suggested.
 */
final class Args {
  private final Map<String, List<String>> values = new LinkedHashMap<>();
  private final List<String> positional = new ArrayList<>();

  private Args() {}

  /**
   * @param valued flags that take a value
   * @param repeatable the valued flags that may repeat
   * @param switches flags without a value
   */
  static Args parse(
      String[] argv, Set<String> valued, Set<String> repeatable, Set<String> switches) {
    Args args = new Args();
    for (int i = 0; i < argv.length; i++) {
      String a = argv[i];
      if (!a.startsWith("--")) {
        if (looksLikeAFlag(a)) {
          // -stride, —stride (a dash pasted from a document): a flag mistyped, not an argument.
          String flag = "--" + a.replaceFirst("^[-\u2010-\u2015\u2212]+", "");
          int eq = flag.indexOf('=');
          throw new UsageException(
              unknown(a, eq > 0 ? flag.substring(0, eq) : flag, valued, switches));
        }
        args.positional.add(a);
        continue;
      }
      String flag = a;
      String value = null;
      int eq = a.indexOf('=');
      if (eq > 0) {
        flag = a.substring(0, eq);
        value = a.substring(eq + 1);
      }
      if (switches.contains(flag)) {
        if (value != null) {
          throw new UsageException(flag + " takes no value, got '" + value + "'");
        }
        args.values.computeIfAbsent(flag, k -> new ArrayList<>()).add("true");
        continue;
      }
      if (!valued.contains(flag)) {
        throw new UsageException(unknown(flag, flag, valued, switches));
      }
      if (value == null) {
        if (i + 1 >= argv.length) {
          throw new UsageException(flag + " needs a value");
        }
        value = argv[++i];
      }
      List<String> list = args.values.computeIfAbsent(flag, k -> new ArrayList<>());
      if (!list.isEmpty() && !repeatable.contains(flag)) {
        throw new UsageException(flag + " is given twice");
      }
      list.add(value);
    }
    return args;
  }

  /** A dash (or a dash look-alike) and a letter: a mistyped flag rather than a value. */
  private static boolean looksLikeAFlag(String arg) {
    return arg.matches("^[-\u2010-\u2015\u2212]+\\p{L}.*");
  }

  /**
   * "unknown option", with the known flag nearest to {@code flag} when one is close. Ties go to the
   * alphabetically first flag, so the suggestion does not depend on set order.
   */
  private static String unknown(
      String given, String flag, Set<String> valued, Set<String> switches) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (Set<String> set : List.of(valued, switches)) {
      for (String known : set) {
        int d = distance(flag.toLowerCase(Locale.ROOT), known);
        if (d < bestDistance || (d == bestDistance && known.compareTo(best) < 0)) {
          bestDistance = d;
          best = known;
        }
      }
    }
    String message = "unknown option " + given;
    if (best != null && bestDistance <= Math.max(2, best.length() / 3)) {
      message += "; did you mean " + best + "?";
    }
    return message;
  }

  /** Levenshtein distance. */
  static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  String get(String flag) {
    List<String> list = values.get(flag);
    return list == null ? null : list.get(0);
  }

  String require(String flag) {
    String v = get(flag);
    if (v == null) {
      throw new UsageException(flag + " is required");
    }
    return v;
  }

  List<String> all(String flag) {
    return values.getOrDefault(flag, List.of());
  }

  boolean has(String flag) {
    return values.containsKey(flag);
  }

  List<String> positional() {
    return positional;
  }
}
