package io.haloconv.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/** Directory trees compared before and after a job, to prove it touched nothing. */
public final class FileTrees {
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
