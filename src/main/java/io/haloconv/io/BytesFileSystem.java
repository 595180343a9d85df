package io.haloconv.io;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.permission.FsPermission;
import org.apache.hadoop.util.Progressable;

/**
 * A read-only Hadoop file system holding one file, {@link #PATH}, whose content is a byte array:
 * what lets {@link ImageProbe} and {@link ImageSource} decode an image that is already in memory (a
 * Parquet cell, a Spark row) through the same code as a file. Never registered with Hadoop;
 * instances are made by {@link ImageBytes} only.
 */
final class BytesFileSystem extends FileSystem {
  /** The one file's path. */
  static final Path PATH = new Path("bytes:/image");

  private static final URI URI_ROOT = URI.create("bytes:/");
  private static final Configuration EMPTY = new Configuration(false);

  private final byte[] bytes;

  BytesFileSystem(byte[] bytes) {
    this.bytes = bytes;
    setConf(EMPTY);
  }

  private void requireTheFile(Path path) throws FileNotFoundException {
    if (!PATH.equals(path)) {
      throw new FileNotFoundException(path + " (an in-memory image has only " + PATH + ")");
    }
  }

  @Override
  public URI getUri() {
    return URI_ROOT;
  }

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    requireTheFile(path);
    return new FSDataInputStream(new SeekableBytes(bytes));
  }

  @Override
  public FileStatus getFileStatus(Path path) throws IOException {
    requireTheFile(path);
    return new FileStatus(bytes.length, false, 1, bytes.length, 0, PATH);
  }

  @Override
  public FileStatus[] listStatus(Path path) throws IOException {
    return new FileStatus[] {getFileStatus(path)};
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
    throw new IOException("in-memory image is read-only");
  }

  @Override
  public FSDataOutputStream append(Path path, int bufferSize, Progressable progress)
      throws IOException {
    throw new IOException("in-memory image is read-only");
  }

  @Override
  public boolean rename(Path from, Path to) throws IOException {
    throw new IOException("in-memory image is read-only");
  }

  @Override
  public boolean delete(Path path, boolean recursive) throws IOException {
    throw new IOException("in-memory image is read-only");
  }

  @Override
  public void setWorkingDirectory(Path dir) {
    // one file, no directories
  }

  @Override
  public Path getWorkingDirectory() {
    return new Path("bytes:/");
  }

  @Override
  public boolean mkdirs(Path path, FsPermission permission) throws IOException {
    throw new IOException("in-memory image is read-only");
  }
}
