package io.haloconv.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists the input: a file, a directory read recursively, or a glob, through Hadoop's FileSystem so
 * any URI works. Names starting with {@code .} or {@code _} are skipped, as Spark's file sources
 * skip them, at every level below the input root. The result is sorted, so a job's plan does not
 * depend on listing order.
 */
final class InputListing {
  private InputListing() {}

  static List<String> list(Configuration conf, String input) {
    Path pattern = new Path(input);
    try {
      FileSystem fs = pattern.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw JobException.badInput("input " + input + " does not exist or matches no files");
      }
      List<String> files = new ArrayList<>();
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          RemoteIterator<LocatedFileStatus> it = fs.listFiles(match.getPath(), true);
          int rootDepth = match.getPath().depth();
          while (it.hasNext()) {
            LocatedFileStatus file = it.next();
            if (!hiddenBelow(file.getPath(), rootDepth)) {
              files.add(file.getPath().toString());
            }
          }
        } else {
          files.add(match.getPath().toString());
        }
      }
      files.sort(null);
      if (files.isEmpty()) {
        throw JobException.badInput("input " + input + " holds no files");
      }
      return files;
    } catch (FileNotFoundException e) {
      throw JobException.badInput("input " + input + " does not exist");
    } catch (IOException e) {
      throw JobException.badInput("cannot list input " + input + ": " + e.getMessage());
    }
  }

  /** True when a path component below the root depth starts with '.' or '_'. */
  private static boolean hiddenBelow(Path path, int rootDepth) {
    for (Path p = path; p != null && p.depth() > rootDepth; p = p.getParent()) {
      String name = p.getName();
      if (name.startsWith(".") || name.startsWith("_")) {
        return true;
      }
    }
    return false;
  }
}
