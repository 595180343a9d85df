package io.haloconv.spark;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.net.URI;
import java.util.Objects;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Ships the driver's Hadoop configuration (with every {@code spark.hadoop.*} setting) to tasks, so
 * executors open files exactly as the driver listed them.
 */
public final class HadoopConf implements Serializable {
  private transient Configuration conf;

  HadoopConf(Configuration conf) {
    this.conf = conf;
  }

  public Configuration get() {
    return conf;
  }

  /** A {@link FileSystems} lookup for one task, over this configuration. */
  public FileSystems fileSystems() {
    return new FileSystems(conf);
  }

  /**
   * {@link Path#getFileSystem} for one task's files, looked up once per scheme and authority:
   * Hadoop's own cache keys each lookup by the current user too ({@code
   * UserGroupInformation.getCurrentUser}), a tenth of probing a small local image. A task's files
   * share their user; not thread-safe, one per task.
   */
  public static final class FileSystems {
    private final Configuration conf;
    private String scheme;
    private String authority;
    private FileSystem last;

    FileSystems(Configuration conf) {
      this.conf = conf;
    }

    /** The file system of {@code path}, as {@code path.getFileSystem(conf)} gives it. */
    public FileSystem of(Path path) throws IOException {
      URI uri = path.toUri();
      if (last == null
          || !Objects.equals(uri.getScheme(), scheme)
          || !Objects.equals(uri.getAuthority(), authority)) {
        last = path.getFileSystem(conf);
        scheme = uri.getScheme();
        authority = uri.getAuthority();
      }
      return last;
    }
  }

  private void writeObject(ObjectOutputStream out) throws IOException {
    out.defaultWriteObject();
    conf.write(out);
  }

  private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
    in.defaultReadObject();
    conf = new Configuration(false);
    conf.readFields(in);
  }
}
