package io.haloconv.build;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Keeps the package map of docs/architecture.md true: reads every main source file's package and
 * imports and checks them against the allowed dependencies below. A change that needs a new edge
 * belongs in another package, or changes this table and the architecture page together.
 */
class PackageRulesTest {
  private static final Path MAIN = Path.of("src/main/java");
  private static final Pattern PACKAGE = Pattern.compile("^package ([\\w.]+);", Pattern.MULTILINE);
  private static final Pattern IMPORT =
      Pattern.compile(
          "^import (?:static )?([a-z][\\w]*(?:\\.[a-z][\\w]*)*)\\.[A-Z]", Pattern.MULTILINE);

  private static final String P = "io.haloconv.";

  /** Which haloconv packages each package may import (besides itself and the JDK). */
  private static final Map<String, Set<String>> ALLOWED =
      Map.ofEntries(
          Map.entry("io.haloconv", Set.of()),
          Map.entry("tensor", Set.of()),
          Map.entry("conv", Set.of("tensor")),
          Map.entry("tiling", Set.of("tensor", "conv")),
          Map.entry("stack", Set.of("tensor", "conv", "tiling")),
          // model.proto is generated from src/main/proto/onnx.proto (target/generated-sources), so
          // it is an edge here but not a key: the walk sees only src/main/java.
          Map.entry("model", Set.of("tensor", "conv", "tiling", "stack", "model.proto")),
          // io.tiff is io's own TIFF reader: io dispatches to it, it uses io's shared types.
          Map.entry("io", Set.of("tensor", "io.tiff")),
          Map.entry("io.tiff", Set.of("tensor", "io")),
          Map.entry("render", Set.of("tensor", "conv")),
          Map.entry("spark.badrecord", Set.of("io", "spark.task")),
          Map.entry("spark.listing", Set.of("io", "spark", "spark.badrecord")),
          Map.entry(
              "spark.plan",
              Set.of(
                  "io",
                  "io.tiff",
                  "stack",
                  "tiling",
                  "conv",
                  "tensor",
                  "spark",
                  "spark.badrecord")),
          Map.entry(
              "spark.output",
              Set.of("io", "stack", "conv", "tensor", "spark", "spark.badrecord", "spark.listing")),
          Map.entry(
              "spark.task",
              Set.of(
                  "io",
                  "io.tiff",
                  "stack",
                  "tiling",
                  "conv",
                  "tensor",
                  "spark",
                  "spark.badrecord",
                  "spark.output",
                  "spark.plan")),
          Map.entry(
              "spark",
              Set.of(
                  "io",
                  "io.tiff",
                  "stack",
                  "tiling",
                  "conv",
                  "tensor",
                  "spark.badrecord",
                  "spark.listing",
                  "spark.output",
                  "spark.plan",
                  "spark.task")),
          Map.entry(
              "bench",
              Set.of(
                  "io",
                  "io.tiff",
                  "stack",
                  "tiling",
                  "conv",
                  "tensor",
                  "spark",
                  "spark.badrecord",
                  "spark.listing",
                  "spark.output",
                  "spark.plan",
                  "spark.task")),
          Map.entry(
              "cli",
              Set.of(
                  "io",
                  "io.tiff",
                  "stack",
                  "model",
                  "tiling",
                  "conv",
                  "tensor",
                  "render",
                  "bench",
                  "spark",
                  "spark.badrecord",
                  "spark.listing",
                  "spark.output",
                  "spark.plan",
                  "spark.task")));

  /** Packages that must not see Spark, Hadoop's job APIs or Scala. */
  private static final Set<String> SPARK_FREE =
      Set.of(
          "io.haloconv", "tensor", "conv", "tiling", "stack", "model", "io", "io.tiff", "render");

  @Test
  void everyPackageImportsOnlyWhatTheMapAllows() {
    Map<String, List<String>> sources = sources();
    assertTrue(sources.size() > 100, "found only " + sources.size() + " source files");
    List<String> violations = new ArrayList<>();
    Set<String> seen = new TreeSet<>();
    sources.forEach(
        (file, lines) -> {
          String text = String.join("\n", lines);
          Matcher pm = PACKAGE.matcher(text);
          String pkg = pm.find() ? shortName(pm.group(1)) : "?";
          seen.add(pkg);
          Set<String> allowed = ALLOWED.get(pkg);
          if (allowed == null) {
            violations.add(file + ": package " + pkg + " is not in the package map");
            return;
          }
          Matcher im = IMPORT.matcher(text);
          while (im.find()) {
            String target = im.group(1);
            if (target.startsWith(P) || target.equals("io.haloconv")) {
              String t = shortName(target);
              // io.haloconv holds only Version, which every package may name.
              if (!t.equals(pkg) && !t.equals("io.haloconv") && !allowed.contains(t)) {
                violations.add(file + ": " + pkg + " imports " + t);
              }
            } else if (SPARK_FREE.contains(pkg)
                && (target.startsWith("org.apache.spark") || target.startsWith("scala"))) {
              violations.add(file + ": core package " + pkg + " imports " + target);
            }
          }
        });
    assertEquals(List.of(), violations);
    assertEquals(new TreeSet<>(ALLOWED.keySet()), seen, "packages in the map but not in the tree");
  }

  private static String shortName(String pkg) {
    return pkg.startsWith(P) ? pkg.substring(P.length()) : pkg;
  }

  private static Map<String, List<String>> sources() {
    Map<String, List<String>> out = new TreeMap<>();
    try (Stream<Path> files = Files.walk(MAIN)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        out.put(MAIN.relativize(f).toString(), Files.readAllLines(f));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
