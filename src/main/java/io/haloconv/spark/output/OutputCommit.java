package io.haloconv.spark.output;

import io.haloconv.spark.JobException;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Makes a job's output appear whole or not at all. The job writes into a hidden staging directory
 * beside the output; {@link #publish} renames it into place, moving an old output aside first and
 * deleting it only after the swap. A lock file beside the output refuses a second job writing to
 * the same place; a lock whose owner process is gone (same host, dead pid) is taken over.
 *
 * <p>Spark's own overwrite deletes first, so a failed run would lose the previous good output; this
 * never does.
 */
public final class OutputCommit implements AutoCloseable {
  private final FileSystem fs;
  private final Path output;
  private final Path staging;
  private final Path lock;
  private final Runnable beforeAbort;
  private boolean finished;

  private OutputCommit(FileSystem fs, Path output, Path staging, Path lock, Runnable beforeAbort) {
    this.fs = fs;
    this.output = output;
    this.staging = staging;
    this.lock = lock;
    this.beforeAbort = beforeAbort;
  }

  public static OutputCommit begin(FileSystem fs, Path output, WriteMode mode) {
    return begin(fs, output, mode, () -> {});
  }

  /**
   * @param beforeAbort runs before a failed job's staging directory is deleted: waits for the job's
   *     tasks still being killed, whose writes would otherwise create it again
   */
  public static OutputCommit begin(
      FileSystem fs, Path output, WriteMode mode, Runnable beforeAbort) {
    try {
      if (mode == WriteMode.ERROR_IF_EXISTS && fs.exists(output)) {
        throw JobException.badInput(
            "output " + output + " already exists; pass --overwrite to replace it");
      }
      if (fs.exists(output) && !fs.getFileStatus(output).isDirectory()) {
        throw JobException.badInput("output " + output + " exists and is a file, not a directory");
      }
      Path parent = output.getParent();
      if (parent != null && !fs.exists(parent)) {
        fs.mkdirs(parent);
      }
      Path lock = sibling(output, "lock");
      acquire(fs, lock, output);
      Path staging = sibling(output, "staging-" + UUID.randomUUID());
      return new OutputCommit(fs, output, staging, lock, beforeAbort);
    } catch (IOException e) {
      throw JobException.badInput("cannot prepare output " + output + ": " + e.getMessage());
    }
  }

  /** A hidden name beside the output, e.g. {@code .features.haloconv-lock}. */
  private static Path sibling(Path output, String what) {
    return new Path(output.getParent(), "." + output.getName() + ".haloconv-" + what);
  }

  private static void acquire(FileSystem fs, Path lock, Path output) throws IOException {
    String owner = ProcessHandle.current().pid() + "@" + hostname() + " " + Instant.now();
    for (int attempt = 0; ; attempt++) {
      try (FSDataOutputStream out = fs.create(lock, false)) {
        out.write(owner.getBytes(StandardCharsets.UTF_8));
        return;
      } catch (IOException e) {
        // FileAlreadyExistsException on most file systems, a plain IOException on some.
        if (!(e instanceof FileAlreadyExistsException) && !fs.exists(lock)) {
          throw e;
        }
        String holder = read(fs, lock);
        if (attempt > 0 || !ownerIsDead(holder)) {
          throw JobException.badInput(
              "output "
                  + output
                  + " is being written by another haloconv job ("
                  + holder.trim()
                  + "); if that job is gone, delete "
                  + lock);
        }
        fs.delete(lock, false);
        deleteStaleStaging(fs, output);
      }
    }
  }

  private static void deleteStaleStaging(FileSystem fs, Path output) throws IOException {
    FileStatus[] old = fs.globStatus(sibling(output, "staging-*"));
    if (old != null) {
      for (FileStatus s : old) {
        fs.delete(s.getPath(), true);
      }
    }
  }

  private static String read(FileSystem fs, Path lock) throws IOException {
    try (InputStream in = fs.open(lock)) {
      return new String(in.readNBytes(4096), StandardCharsets.UTF_8);
    } catch (FileNotFoundException gone) {
      return "";
    }
  }

  /** A lock is stale when it names this host and a process that no longer exists. */
  private static boolean ownerIsDead(String holder) {
    String[] parts = holder.trim().split("[@ ]");
    if (parts.length < 2) {
      return true; // empty or torn lock file: its writer died while writing it
    }
    try {
      long pid = Long.parseLong(parts[0]);
      return parts[1].equals(hostname())
          && ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true);
    } catch (NumberFormatException e) {
      return false;
    }
  }

  private static String hostname() {
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return ManagementFactory.getRuntimeMXBean().getName();
    }
  }

  public Path staging() {
    return staging;
  }

  Path output() {
    return output;
  }

  FileSystem fs() {
    return fs;
  }

  /** Writes a small file into the staging directory. */
  public void writeFile(String name, byte[] content) throws IOException {
    try (OutputStream out = fs.create(new Path(staging, name), true)) {
      out.write(content);
    }
  }

  /** Swaps the finished staging directory into place. */
  public void publish() throws IOException {
    Path trash = null;
    if (fs.exists(output)) {
      trash = sibling(output, "old-" + UUID.randomUUID());
      if (!fs.rename(output, trash)) {
        throw new IOException("could not move the old output " + output + " aside");
      }
    }
    if (!fs.rename(staging, output)) {
      if (trash != null) {
        fs.rename(trash, output); // put the old output back
      }
      throw new IOException("could not move " + staging + " into place at " + output);
    }
    if (trash != null) {
      fs.delete(trash, true);
    }
    finished = true;
    release();
  }

  /** Drops the staging directory and the lock, leaving any old output as it was. */
  @Override
  public void close() {
    if (finished) {
      return;
    }
    finished = true;
    try {
      beforeAbort.run();
      fs.delete(staging, true);
    } catch (IOException ignored) {
      // best effort: a leftover staging directory is hidden and removed by the next run's takeover
    }
    release();
  }

  private void release() {
    try {
      fs.delete(lock, false);
    } catch (IOException ignored) {
      // a lock left behind names a dead pid and is taken over by the next run
    }
  }
}
