package io.haloconv.spark.listing;

import io.haloconv.io.ErrorKind;
import io.haloconv.spark.HadoopConf;
import io.haloconv.spark.JobException;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecords;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Lists a large input without holding it on the driver, with {@link InputListing}'s rules (Spark's
 * skip rule, {@code --pattern}, symlink loops, unlistable directories as bad records). The driver
 * walks the input breadth first until enough directories wait to be spread over tasks, or it has
 * seen {@link #DRIVER_FILES} files; the directories left are listed, recursively, by Spark tasks,
 * and their files never reach the driver. A small input (the usual case) is listed by the driver
 * alone and costs no extra Spark job.
 */
public final class DistributedListing {
  /** The most file paths the driver holds from listing. */
  static final int DRIVER_FILES = 10_000;

  /** One listed entry: a file to probe, or a directory that could not be listed. */
  public record Listed(String file, BadRecord failure) implements Serializable {
    public Listed {
      if ((file == null) == (failure == null)) {
        throw new IllegalArgumentException("a listed entry is a file or a failure");
      }
    }
  }

  /**
   * What the driver found: files it listed itself (sorted), directories it could not list, and
   * directories left to tasks, each with the real paths of its local ancestors (sorted).
   */
  public record Plan(
      List<String> files,
      List<BadRecord> failures,
      List<List<String>> directories,
      String pattern) {
    public String describe() {
      return directories.isEmpty()
          ? files.size() + " files"
          : files.size() + " files, and " + directories.size() + " directories listed in parallel";
    }
  }

  private DistributedListing() {}

  public static Plan plan(Configuration conf, String input, String pattern, int wantDirectories) {
    return plan(conf, input, pattern, wantDirectories, DRIVER_FILES);
  }

  /**
   * Walks the top of the input on the driver.
   *
   * @param wantDirectories stop descending once this many directories wait to be listed
   * @param driverFiles the most files the driver lists itself
   */
  public static Plan plan(
      Configuration conf, String input, String pattern, int wantDirectories, int driverFiles) {
    Path glob = new Path(input);
    GlobFilter filter = InputListing.patternFilter(pattern);
    try {
      FileSystem fs = glob.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(glob);
      if (matches == null || matches.length == 0) {
        throw JobException.badInput("input " + input + " does not exist or matches no files");
      }
      TreeSet<String> files = new TreeSet<>();
      List<BadRecord> failures = new ArrayList<>();
      // Each queued directory with the real paths of its ancestors (and its own, last).
      Deque<Pending> queue = new ArrayDeque<>();
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          queue.add(Pending.root(fs, match.getPath()));
        } else if (filter == null || filter.accept(match.getPath())) {
          files.add(match.getPath().toString());
        }
      }
      List<List<String>> directories = new ArrayList<>();
      boolean full = false;
      while (!queue.isEmpty()) {
        if (full || queue.size() >= wantDirectories) {
          queue.forEach(p -> directories.add(p.describe()));
          break;
        }
        Pending dir = queue.poll();
        List<String> found = new ArrayList<>();
        List<Pending> below = new ArrayList<>();
        try {
          RemoteIterator<FileStatus> children = LocalListing.listStatusIterator(fs, dir.path());
          while (children.hasNext()) {
            FileStatus child = children.next();
            if (InputListing.skipped(child.getPath().getName())) {
              continue;
            }
            if (child.isDirectory()) {
              Pending next = dir.child(fs, child.getPath());
              if (next != null) {
                below.add(next);
              }
            } else if (filter == null || filter.accept(child.getPath())) {
              found.add(child.getPath().toString());
              if (files.size() + found.size() > driverFiles) {
                full = true;
                break;
              }
            }
          }
        } catch (FileNotFoundException e) {
          if (dir.isRoot()) {
            throw e;
          }
          continue; // deleted since its parent was listed: nothing to account for
        } catch (IOException e) {
          if (dir.isRoot()) {
            throw e;
          }
          failures.add(
              new BadRecord(
                  dir.path().toString(),
                  BadRecord.LIST,
                  ErrorKind.UNREADABLE,
                  "cannot list this directory, so its files were not read: "
                      + BadRecords.oneLine(e.getMessage())));
          continue;
        }
        if (full) {
          directories.add(dir.describe()); // a task lists it again, whole
          continue;
        }
        files.addAll(found);
        queue.addAll(below);
      }
      directories.sort((a, b) -> a.get(0).compareTo(b.get(0)));
      if (files.isEmpty() && failures.isEmpty() && directories.isEmpty()) {
        throw JobException.badInput(
            "input "
                + input
                + " holds no files"
                + (pattern == null ? "" : " matching --pattern " + pattern));
      }
      return new Plan(List.copyOf(files), failures, directories, pattern);
    } catch (FileNotFoundException e) {
      throw JobException.badInput("input " + input + " does not exist");
    } catch (IOException e) {
      throw JobException.badInput(
          "cannot list input " + input + ": " + BadRecords.oneLine(e.getMessage()));
    }
  }

  /** A directory waiting to be listed, with the real paths of itself and its ancestors. */
  private record Pending(Path path, List<String> chain, boolean isRoot) {
    static Pending root(FileSystem fs, Path dir) {
      java.nio.file.Path real = InputListing.realPath(fs, dir);
      return new Pending(dir, real == null ? List.of() : List.of(real.toString()), true);
    }

    /** The child directory, or null when it leads back to one of its ancestors (a loop). */
    Pending child(FileSystem fs, Path dir) {
      java.nio.file.Path real = InputListing.realPath(fs, dir);
      if (real == null) {
        return new Pending(dir, chain, false);
      }
      if (chain.contains(real.toString())) {
        return null; // its files are listed through the real path
      }
      List<String> next = new ArrayList<>(chain);
      next.add(real.toString());
      return new Pending(dir, next, false);
    }

    /** The path, then its ancestors' real paths (its own excluded: the task resolves it). */
    public List<String> describe() {
      List<String> d = new ArrayList<>();
      d.add(path.toString());
      d.addAll(chain.isEmpty() ? List.of() : chain.subList(0, chain.size() - 1));
      return d;
    }
  }

  /**
   * The listed entries as an RDD of about {@code partitions} partitions: the driver's files and
   * failures, and what tasks find in the directories left to them, redistributed evenly for
   * probing.
   */
  public static JavaRDD<Listed> entries(
      JavaSparkContext jsc, Plan plan, HadoopConf hadoop, int partitions) {
    List<Listed> direct = new ArrayList<>(plan.files().size() + plan.failures().size());
    plan.files().forEach(f -> direct.add(new Listed(f, null)));
    plan.failures().forEach(f -> direct.add(new Listed(null, f)));
    JavaRDD<Listed> driver =
        jsc.parallelize(direct, Math.max(1, Math.min(direct.size(), partitions)));
    if (plan.directories().isEmpty()) {
      return driver;
    }
    // Each directory travels as one string: its path, then its ancestors, NUL-separated.
    List<String> dirs = new ArrayList<>();
    plan.directories().forEach(d -> dirs.add(String.join("\0", d)));
    String pattern = plan.pattern();
    JavaRDD<Listed> listed =
        jsc.parallelize(dirs, Math.min(dirs.size(), partitions))
            .flatMap(d -> listBelow(hadoop.get(), d, pattern).iterator());
    // One huge directory is listed by one task: spread its files before probing them.
    return driver.union(listed).repartition(partitions);
  }

  private static List<Listed> listBelow(Configuration conf, String encoded, String pattern)
      throws IOException {
    List<String> parts = Arrays.asList(encoded.split("\0"));
    InputListing.Listing listing =
        InputListing.listBelow(conf, parts.get(0), pattern, parts.subList(1, parts.size()));
    List<Listed> out = new ArrayList<>(listing.files().size() + listing.failures().size());
    listing.files().forEach(f -> out.add(new Listed(f, null)));
    listing.failures().forEach(f -> out.add(new Listed(null, f)));
    return out;
  }
}
