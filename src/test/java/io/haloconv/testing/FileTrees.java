package io.haloconv.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Directory trees in tests: names to build them with, and snapshots to compare them by. */
public final class FileTrees {
  /**
   * File names that path and URI handling get wrong: a space, non-ASCII letters, {@code #}, a bare
   * {@code %}, a literal {@code %20} and {@code :}. A listing or a job must find each file under
   * its own name.
   */
  public static final List<String> AWKWARD_NAMES =
      List.of(
          "with space.png",
          "ünïcødé-图像.png",
          "hash#tag.png",
          "100%.png",
          "pct%20literal.png",
          "colon:name.png");

  private FileTrees() {}

  /** Every file under {@code dir} by relative path, with its size and modification time. */
  public static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> files = new TreeMap<>();
    try (Stream<Path> all = Files.walk(dir)) {
      for (Path p : (Iterable<Path>) all::iterator) {
        BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
        files.put(dir.relativize(p).toString(), a.size() + " " + a.lastModifiedTime());
      }
    }
    return files;
  }
}
