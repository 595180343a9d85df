package io.haloconv.cli;

import java.io.IOException;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.Path;

/**
 * The checks of {@code --input} and {@code --pattern} that need no Spark: a missing input or a
 * malformed glob exits with code 2 before a SparkSession starts. The job lists the input again, in
 * full, when it runs.
 */
final class InputChecks {
  private InputChecks() {}

  /** {@code --input} names something: an existing file or directory, or a glob matching some. */
  static void input(String input, Configuration conf) {
    if (input.isBlank()) {
      throw new UsageException("--input must not be empty");
    }
    try {
      Path path = new Path(input);
      FileSystem fs = path.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(path);
      if (matches == null || matches.length == 0) {
        throw new UsageException("--input " + input + " does not exist or matches no files");
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--input " + input + ": " + oneLine(e.getMessage()));
    }
  }

  /**
   * {@code --pattern} is a Hadoop glob for file names: {@code *}, {@code ?}, {@code [a-z]}, {@code
   * {a,b}}.
   */
  static String pattern(String pattern) {
    if (pattern.isEmpty()) {
      throw new UsageException("--pattern must not be empty");
    }
    if (pattern.contains("/")) {
      throw new UsageException(
          "--pattern matches file names, not paths: it cannot contain '/', got '" + pattern + "'");
    }
    try {
      new GlobFilter(pattern);
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException(
          "--pattern '" + pattern + "' is not a valid glob: " + oneLine(e.getMessage()));
    }
    return pattern;
  }

  private static String oneLine(String message) {
    if (message == null) {
      return "cannot be read";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
