package io.haloconv.testing;

import java.io.File;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.security.AccessControlException;
import org.apache.hadoop.util.Progressable;

/**
 * The local file system under the scheme {@code faulty:}, misbehaving on cue so that races and
 * storage failures happen deterministically in tests (a hand-written fake, registered for the test
 * JVM in {@code META-INF/services}, so Spark tasks find it as they would HDFS or S3):
 *
 * <ul>
 *   <li>a file whose name starts with {@value #VANISH_ON_LIST} is deleted right after a listing
 *       returns it: it disappears between listing and reading;
 *   <li>a file whose name starts with {@value #VANISH_AFTER_PROBE} is deleted when the first stream
 *       opened on it (the probe's) is closed: it disappears between probing and decoding;
 *   <li>a directory whose name starts with {@value #UNLISTABLE} cannot be listed (permission
 *       denied);
 *   <li>{@link #failCreates} and {@link #failRenames} make creating or renaming matching paths
 *       fail;
 *   <li>{@link #events} records every create and rename, in order.
 * </ul>
 *
 * <p>Paths are {@code faulty:/absolute/local/path}. State is static (tasks of a local Spark run
 * share the JVM): call {@link #reset} between tests.
 */
public final class FaultyFileSystem extends RawLocalFileSystem {
  public static final String SCHEME = "faulty";
  public static final String VANISH_ON_LIST = "vanish-on-list";
  public static final String VANISH_AFTER_PROBE = "vanish-after-probe";
  public static final String UNLISTABLE = "unlistable";

  private static final URI ROOT = URI.create(SCHEME + ":///");
  private static final List<String> EVENTS = new ArrayList<>();
  private static volatile Predicate<Path> failCreate = path -> false;
  private static volatile Predicate<Path> failRename = path -> false;

  /** The {@code faulty:} URI of a local path. */
  public static String uri(java.nio.file.Path local) {
    return SCHEME + ":" + local.toAbsolutePath();
  }

  /** Forgets the events and the failures to inject. */
  public static synchronized void reset() {
    EVENTS.clear();
    failCreate = path -> false;
    failRename = path -> false;
  }

  /** Creating a path that matches fails with an IOException. */
  public static void failCreates(Predicate<Path> which) {
    failCreate = which;
  }

  /** Renaming a source path that matches fails (returns false, as HDFS does). */
  public static void failRenames(Predicate<Path> which) {
    failRename = which;
  }

  /** "create PATH" and "rename SRC -> DST", in the order they happened. */
  public static synchronized List<String> events() {
    return List.copyOf(EVENTS);
  }

  private static synchronized void record(String event) {
    EVENTS.add(event);
  }

  @Override
  public URI getUri() {
    return ROOT;
  }

  @Override
  public String getScheme() {
    return SCHEME;
  }

  @Override
  public FileStatus[] listStatus(Path dir) throws IOException {
    if (dir.getName().startsWith(UNLISTABLE)) {
      throw new AccessControlException(
          "Permission denied: user=tester, access=READ_EXECUTE, inode=\""
              + dir.toUri().getPath()
              + "\"");
    }
    FileStatus[] statuses = super.listStatus(dir);
    for (FileStatus status : statuses) {
      if (status.getPath().getName().startsWith(VANISH_ON_LIST)) {
        delete(status.getPath(), false);
      }
    }
    return statuses;
  }

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    FSDataInputStream in = super.open(path, bufferSize);
    if (!path.getName().startsWith(VANISH_AFTER_PROBE)) {
      return in;
    }
    File file = pathToFile(path);
    AtomicBoolean closed = new AtomicBoolean();
    return new FSDataInputStream(in) {
      @Override
      public void close() throws IOException {
        super.close();
        if (closed.compareAndSet(false, true) && !file.delete()) {
          throw new IOException("could not delete " + file);
        }
      }
    };
  }

  @Override
  public FSDataOutputStream create(
      Path path,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    beforeCreate(path);
    return super.create(path, overwrite, bufferSize, replication, blockSize, progress);
  }

  @Override
  public FSDataOutputStream create(
      Path path,
      FsPermission permission,
      boolean overwrite,
      int bufferSize,
      short replication,
      long blockSize,
      Progressable progress)
      throws IOException {
    beforeCreate(path);
    return super.create(path, permission, overwrite, bufferSize, replication, blockSize, progress);
  }

  private void beforeCreate(Path path) throws IOException {
    Path qualified = makeQualified(path);
    if (failCreate.test(qualified)) {
      throw new IOException("injected failure creating " + qualified);
    }
    record("create " + qualified);
  }

  @Override
  public boolean rename(Path source, Path target) throws IOException {
    Path qualified = makeQualified(source);
    if (failRename.test(qualified)) {
      return false;
    }
    boolean renamed = super.rename(source, target);
    if (renamed) {
      record("rename " + qualified + " -> " + makeQualified(target));
    }
    return renamed;
  }
}
