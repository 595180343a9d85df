package io.haloconv.spark;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Lists a large input without holding it on the driver. The driver walks the input breadth first
 * until it has enough directories to spread over tasks, or has seen {@link #DRIVER_FILES} files;
 * the directories left are listed, recursively, by Spark tasks, and their files never reach the
 * driver. A small input (the usual case) is listed by the driver alone, as {@link InputListing}
 * lists it, and costs no extra Spark job.
 *
 * <p>The same skip rule applies everywhere: below the input, names starting with {@code .} or
 * {@code _} are skipped, as Spark's file sources skip them.
 */
final class DistributedListing {
  /** The most file paths the driver holds from listing. */
  static final int DRIVER_FILES = 10_000;

  /**
   * What the driver found: files it listed itself, sorted, and directories left to tasks, sorted.
   */
  record Plan(List<String> files, List<String> directories) {
    String describe() {
      return directories.isEmpty() ? files.size() + " files"
          : files.size() + " files, and " + directories.size()
              + " directories listed in parallel";
    }
  }

  private DistributedListing() {}

  /**
   * Walks the top of the input on the driver.
   *
   * @param wantDirectories stop descending once this many directories wait to be listed
   */
  static Plan plan(Configuration conf, String input, int wantDirectories) {
    return plan(conf, input, wantDirectories, DRIVER_FILES);
  }

  /** {@link #plan(Configuration, String, int)} holding at most {@code driverFiles} paths. */
  static Plan plan(Configuration conf, String input, int wantDirectories, int driverFiles) {
    Path pattern = new Path(input);
    try {
      FileSystem fs = pattern.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(pattern);
      if (matches == null || matches.length == 0) {
        throw JobException.badInput("input " + input + " does not exist or matches no files");
      }
      List<String> files = new ArrayList<>();
      Deque<Path> queue = new ArrayDeque<>();
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          queue.add(match.getPath());
        } else {
          files.add(match.getPath().toString()); // files named directly are always read
        }
      }
      List<String> directories = new ArrayList<>();
      boolean full = false;
      while (!queue.isEmpty()) {
        if (full || queue.size() >= wantDirectories) {
          queue.forEach(d -> directories.add(d.toString()));
          break;
        }
        Path dir = queue.poll();
        List<String> found = new ArrayList<>();
        List<Path> below = new ArrayList<>();
        RemoteIterator<FileStatus> children = fs.listStatusIterator(dir);
        while (children.hasNext()) {
          FileStatus child = children.next();
          if (hidden(child.getPath().getName())) {
            continue;
          }
          if (child.isDirectory()) {
            below.add(child.getPath());
          } else {
            found.add(child.getPath().toString());
            if (files.size() + found.size() > driverFiles) {
              full = true;
              break;
            }
          }
        }
        if (full) {
          directories.add(dir.toString()); // a task lists it again, whole
          continue;
        }
        files.addAll(found);
        queue.addAll(below);
      }
      files.sort(null);
      directories.sort(null);
      if (files.isEmpty() && directories.isEmpty()) {
        throw JobException.badInput("input " + input + " holds no files");
      }
      return new Plan(files, directories);
    } catch (FileNotFoundException e) {
      throw JobException.badInput("input " + input + " does not exist");
    } catch (IOException e) {
      throw JobException.badInput("cannot list input " + input + ": " + e.getMessage());
    }
  }

  /**
   * The listed files as an RDD of about {@code partitions} partitions: the driver's files, and the
   * files tasks find in the directories left to them, redistributed evenly for probing.
   */
  static JavaRDD<String> files(JavaSparkContext jsc, Plan plan, HadoopConf hadoop,
      int partitions) {
    JavaRDD<String> direct = jsc.parallelize(plan.files(),
        Math.max(1, Math.min(plan.files().size(), partitions)));
    if (plan.directories().isEmpty()) {
      return direct;
    }
    JavaRDD<String> listed = jsc.parallelize(plan.directories(),
            Math.min(plan.directories().size(), partitions))
        .flatMap(dir -> listRecursively(hadoop.get(), dir).iterator());
    // One huge directory is listed by one task: spread its files before probing them.
    return direct.union(listed).repartition(partitions);
  }

  /** Every file below {@code dir}, hidden names skipped, sorted. */
  static List<String> listRecursively(Configuration conf, String dir) throws IOException {
    Path root = new Path(dir);
    FileSystem fs = root.getFileSystem(conf);
    List<String> files = new ArrayList<>();
    int rootDepth = root.depth();
    try {
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(root, true);
      while (it.hasNext()) {
        Path file = it.next().getPath();
        if (!hiddenBelow(file, rootDepth)) {
          files.add(file.toString());
        }
      }
    } catch (FileNotFoundException e) {
      return files; // removed since the driver saw it: nothing left to account for
    }
    files.sort(null);
    return files;
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }

  private static boolean hiddenBelow(Path path, int rootDepth) {
    for (Path p = path; p != null && p.depth() > rootDepth; p = p.getParent()) {
      if (hidden(p.getName())) {
        return true;
      }
    }
    return false;
  }
}
