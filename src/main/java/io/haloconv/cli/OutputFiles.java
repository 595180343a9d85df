package io.haloconv.cli;

import java.io.IOException;
import java.io.OutputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Writes one result file (a picture, an array) through Hadoop's FileSystem, so {@code --out} may be
 * any URI: into a hidden file beside the target, renamed into place only when complete, so a failed
 * write never leaves half a file under the requested name.
 */
final class OutputFiles {
  interface Writer {
    void write(OutputStream out) throws IOException;
  }

  private OutputFiles() {}

  /** Refuses an existing target unless {@code overwrite}: before any work is done. */
  static void check(String target, boolean overwrite, Configuration conf) {
    try {
      Path path = new Path(target);
      FileSystem fs = path.getFileSystem(conf);
      if (fs.exists(path)) {
        if (fs.getFileStatus(path).isDirectory()) {
          throw new UsageException("--out " + target + " is a directory");
        }
        if (!overwrite) {
          throw new UsageException(
              "--out " + target + " already exists; pass --overwrite to " + "replace it");
        }
      }
    } catch (IOException | IllegalArgumentException e) {
      throw new UsageException("--out " + target + ": " + e.getMessage());
    }
  }

  static void write(String target, Configuration conf, Writer writer) throws IOException {
    Path path = new Path(target);
    FileSystem fs = path.getFileSystem(conf);
    if (fs instanceof LocalFileSystem local) {
      fs = local.getRaw(); // no .crc checksum files beside the user's file
    }
    Path parent = path.getParent();
    if (parent != null && !fs.exists(parent)) {
      fs.mkdirs(parent);
    }
    Path temp =
        new Path(parent, "." + path.getName() + ".haloconv-" + ProcessHandle.current().pid());
    try {
      try (OutputStream out = fs.create(temp, true)) {
        writer.write(out);
      }
      if (fs.exists(path)) {
        fs.delete(path, false);
      }
      if (!fs.rename(temp, path)) {
        throw new IOException("could not move " + temp + " to " + path);
      }
    } finally {
      if (fs.exists(temp)) {
        fs.delete(temp, false);
      }
    }
  }
}
