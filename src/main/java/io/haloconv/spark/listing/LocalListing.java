package io.haloconv.spark.listing;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Arrays;
import java.util.NoSuchElementException;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.RemoteIterator;

/**
 * Lists a local directory as Hadoop's local file system lists it, with one system call per entry
 * instead of five. {@code RawLocalFileSystem.listStatus} builds each child's status from {@code
 * exists}, {@code length}, {@code isDirectory}, {@code lastModified} and the access time, each a
 * {@code stat} of its own: on 100,000 small files most of the listing stage's time. Here one {@code
 * stat} (following symbolic links, as {@code java.io.File} does) gives what the listing reads: the
 * child's qualified path, built exactly as Hadoop builds it, and whether it is a directory.
 *
 * <p>Entries Hadoop leaves out are left out: a child that cannot be stat'ed (a dangling symbolic
 * link, a loop of links, one deleted since the directory was read), which Hadoop's {@code exists}
 * reports as missing, and on its checksummed file system the {@code .crc} side files (names
 * starting with {@code .}, which {@link InputListing#skipped} skips anyway). Anything else, such as
 * a directory that cannot be read, is left to Hadoop's own listing, so its errors keep their
 * messages.
 */
final class LocalListing {
  private LocalListing() {}

  /**
   * The children of {@code dir}, in the order the directory gives them, as {@code
   * fs.listStatus(dir)} gives their paths and types (the other fields are one stat's).
   */
  static FileStatus[] listStatus(FileSystem fs, Path dir) throws IOException {
    FileStatus[] fast = listLocal(fs, dir);
    return fast != null ? fast : fs.listStatus(dir);
  }

  /**
   * {@link #listStatus} as an iterator: for other file systems {@code fs.listStatusIterator(dir)},
   * which fetches a large remote directory a page at a time.
   */
  static RemoteIterator<FileStatus> listStatusIterator(FileSystem fs, Path dir) throws IOException {
    FileStatus[] fast = listLocal(fs, dir);
    if (fast == null) {
      return fs.listStatusIterator(dir);
    }
    return new RemoteIterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < fast.length;
      }

      @Override
      public FileStatus next() {
        if (next == fast.length) {
          throw new NoSuchElementException();
        }
        return fast[next++];
      }
    };
  }

  /** The children of a readable local directory, or null for Hadoop's listing to decide. */
  private static FileStatus[] listLocal(FileSystem fs, Path dir) {
    FileSystem raw =
        fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    // Hadoop's own classes only: a subclass (a test's faulty file system, a user's wrapper) may
    // list differently, and keeps its own listing.
    if (raw.getClass() != RawLocalFileSystem.class
        || (raw != fs && fs.getClass() != LocalFileSystem.class)) {
      return null;
    }
    RawLocalFileSystem local = (RawLocalFileSystem) raw;
    File directory;
    try {
      directory = local.pathToFile(dir);
      if (!Files.readAttributes(directory.toPath(), BasicFileAttributes.class).isDirectory()) {
        return null;
      }
    } catch (IOException | RuntimeException e) { // missing, unreadable, or not a local path
      return null;
    }
    String[] names = directory.list();
    if (names == null) {
      return null; // Hadoop's FileUtil.list says why
    }
    Path workingDirectory = local.getWorkingDirectory();
    long blockSize = local.getDefaultBlockSize(dir);
    boolean checksummed = raw != fs;
    FileStatus[] children = new FileStatus[names.length];
    int count = 0;
    for (String name : names) {
      if (checksummed && name.startsWith(".") && name.endsWith(".crc")) {
        continue; // ChecksumFileSystem's DEFAULT_FILTER
      }
      File child = new File(directory, name);
      BasicFileAttributes attributes;
      try {
        attributes = Files.readAttributes(child.toPath(), BasicFileAttributes.class);
      } catch (IOException | RuntimeException e) {
        continue; // File.exists() is false: Hadoop's listStatus skips it
      }
      // DeprecatedRawLocalFileStatus's path: the child's file path, qualified.
      Path path = new Path(child.getPath()).makeQualified(local.getUri(), workingDirectory);
      children[count++] =
          new FileStatus(
              attributes.isDirectory() ? 0 : attributes.size(),
              attributes.isDirectory(),
              1,
              blockSize,
              attributes.lastModifiedTime().toMillis(),
              path);
    }
    return count == children.length ? children : Arrays.copyOf(children, count);
  }
}
