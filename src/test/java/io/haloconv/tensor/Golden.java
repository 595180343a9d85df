package io.haloconv.tensor;

import java.nio.file.Path;

/** Locates the shared golden files beside the project root; they are never copied into the repo. */
final class Golden {
  private Golden() {}

  static Path root() {
    return Path.of(System.getProperty("user.dir")).resolveSibling("shared").resolve("golden");
  }

  static Path file(String relative) {
    return root().resolve(relative);
  }
}
