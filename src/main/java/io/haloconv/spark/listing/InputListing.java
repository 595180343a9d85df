package io.haloconv.spark.listing;

import io.haloconv.io.ErrorKind;
import io.haloconv.spark.JobException;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecords;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Paths;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.GlobFilter;
import org.apache.hadoop.fs.Path;

/**
 * Lists the input: a file, a directory read recursively, or a glob, through Hadoop's FileSystem so
 * any URI works.
 *
 * <ul>
 *   <li>Below the input, names Spark's file sources skip are skipped: those starting with {@code
 *       .}, or with {@code _} unless they contain {@code =}, and those ending in {@code ._COPYING_}
 *       (a copy in progress). Files the input names directly are always read.
 *   <li>{@code --pattern} keeps only files whose name matches a Hadoop glob, as Spark's {@code
 *       pathGlobFilter} does.
 *   <li>Symbolic links to directories are followed, except one leading back to a directory being
 *       listed (a loop), whose files are listed once, through the real path.
 *   <li>A directory below the input that cannot be listed is a bad record of stage {@code list}, so
 *       its files are accounted for; the input itself not being listable is an error (exit 2).
 * </ul>
 *
 * <p>Each file is listed once, however many glob matches reach it, and the result is sorted, so a
 * job's plan does not depend on listing order.
 */
public final class InputListing {
  /** The files to read, sorted, and the directories that could not be listed. */
  public record Listing(List<String> files, List<BadRecord> failures) {
    /** Entries to account for: every file, and every directory that failed to list. */
    long entries() {
      return files.size() + failures.size();
    }
  }

  private final FileSystem fs;
  private final GlobFilter filter;
  private final boolean local;
  private final TreeSet<String> files = new TreeSet<>();
  private final List<BadRecord> failures = new ArrayList<>();

  /** Real paths of the local directories being listed, innermost last: to spot symlink loops. */
  private final Deque<java.nio.file.Path> listing = new ArrayDeque<>();

  private InputListing(FileSystem fs, GlobFilter filter) {
    this.fs = fs;
    this.filter = filter;
    this.local = "file".equals(fs.getScheme());
  }

  public static List<String> list(Configuration conf, String input) {
    return list(conf, input, null).files();
  }

  /**
   * @param pattern a Hadoop glob file names must match, or null for every file
   */
  public static Listing list(Configuration conf, String input, String pattern) {
    Path glob = new Path(input);
    GlobFilter filter = patternFilter(pattern);
    try {
      FileSystem fs = glob.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(glob);
      if (matches == null || matches.length == 0) {
        throw JobException.badInput("input " + input + " does not exist or matches no files");
      }
      InputListing listing = new InputListing(fs, filter);
      for (FileStatus match : matches) {
        if (match.isDirectory()) {
          listing.walk(match.getPath(), true);
        } else {
          listing.accept(match.getPath());
        }
      }
      if (listing.files.isEmpty() && listing.failures.isEmpty()) {
        throw JobException.badInput(
            "input "
                + input
                + " holds no files"
                + (pattern == null ? "" : " matching --pattern " + pattern));
      }
      return new Listing(List.copyOf(listing.files), List.copyOf(listing.failures));
    } catch (FileNotFoundException e) {
      throw JobException.badInput("input " + input + " does not exist");
    } catch (IOException e) {
      throw JobException.badInput(
          "cannot list input " + input + ": " + BadRecords.oneLine(e.getMessage()));
    }
  }

  /**
   * The filter of {@code --pattern}, or null for every file.
   *
   * @throws JobException naming the pattern when it is not a valid Hadoop glob
   */
  static GlobFilter patternFilter(String pattern) {
    if (pattern == null) {
      return null;
    }
    try {
      return new GlobFilter(pattern);
    } catch (IOException | IllegalArgumentException e) {
      throw JobException.badInput(
          "--pattern " + pattern + " is not a valid glob: " + BadRecords.oneLine(e.getMessage()));
    }
  }

  /**
   * Lists {@code dir}, a directory below the input, as the walk of the whole input would list it: a
   * directory that cannot be listed is a bad record, a vanished one holds nothing, and an empty one
   * is no error. For tasks that list parts of a large input ({@link DistributedListing}).
   *
   * @param ancestors real paths of the local directories above {@code dir} up to the input, to spot
   *     symlink loops that lead out of {@code dir}
   */
  static Listing listBelow(Configuration conf, String dir, String pattern, List<String> ancestors)
      throws IOException {
    Path path = new Path(dir);
    InputListing listing = new InputListing(path.getFileSystem(conf), patternFilter(pattern));
    for (String ancestor : ancestors) {
      listing.listing.addLast(Paths.get(ancestor));
    }
    listing.walk(path, false);
    return new Listing(List.copyOf(listing.files), List.copyOf(listing.failures));
  }

  /** The real path of a local directory, symlinks resolved; null elsewhere or if unresolvable. */
  static java.nio.file.Path realPath(FileSystem fs, Path dir) {
    return new InputListing(fs, null).realPath(dir);
  }

  private void accept(Path file) {
    if (filter == null || filter.accept(file)) {
      files.add(file.toString());
    }
  }

  /** Lists {@code dir} recursively; failures below the input root become bad records. */
  private void walk(Path dir, boolean root) throws IOException {
    java.nio.file.Path real = realPath(dir);
    if (real != null && listing.contains(real)) {
      return; // a symlink back to a directory being listed: its files are listed from there
    }
    FileStatus[] children;
    try {
      children = LocalListing.listStatus(fs, dir);
    } catch (FileNotFoundException e) {
      if (root) {
        throw e;
      }
      return; // deleted since its parent was listed: it holds nothing to account for any more
    } catch (IOException e) {
      if (root) {
        throw e;
      }
      failures.add(
          new BadRecord(
              dir.toString(),
              BadRecord.LIST,
              ErrorKind.UNREADABLE,
              "cannot list this directory, so its files were not read: "
                  + BadRecords.oneLine(e.getMessage())));
      return;
    }
    if (real != null) {
      listing.addLast(real);
    }
    try {
      for (FileStatus child : children) {
        if (skipped(child.getPath().getName())) {
          continue;
        }
        if (child.isDirectory()) {
          walk(child.getPath(), false);
        } else {
          accept(child.getPath());
        }
      }
    } finally {
      if (real != null) {
        listing.removeLast();
      }
    }
  }

  /** The real path of a local directory, symlinks resolved; null elsewhere or if unresolvable. */
  private java.nio.file.Path realPath(Path dir) {
    if (!local) {
      return null;
    }
    try {
      return Paths.get(dir.toUri()).toRealPath();
    } catch (IOException | IllegalArgumentException e) { // InvalidPathException too
      return null;
    }
  }

  /** Names Spark's file index skips (its {@code shouldFilterOutPathName}). */
  public static boolean skipped(String name) {
    return (name.startsWith("_") && !name.contains("="))
        || name.startsWith(".")
        || name.endsWith("._COPYING_");
  }
}
