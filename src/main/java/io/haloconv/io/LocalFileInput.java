package io.haloconv.io;

import java.io.EOFException;
import java.io.File;
import java.io.FileInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.apache.hadoop.fs.BufferedFSInputStream;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;

/**
 * A local file opened as Hadoop's local file system opens it (a {@link FileInputStream}, reads at
 * the stream's position, positioned reads through its channel, under a {@link
 * BufferedFSInputStream}), without what {@code RawLocalFileSystem.open} does first: a file status
 * (five system calls and a qualified path) that only turns a missing file into {@link
 * java.io.FileNotFoundException}, which opening the stream throws anyway. For 100,000 small images
 * that status was a fifth of the probe pass, and the tasks open every file again to decode it.
 *
 * <p>Opening fails exactly where Hadoop's open fails, with the same exception type: a missing file,
 * a directory and an unreadable file all throw {@link java.io.FileNotFoundException} from {@link
 * FileInputStream}'s constructor. Reads report failures as {@link IOException}, where Hadoop's
 * local stream throws {@code FSError}, an {@link Error} no image reader expects.
 */
final class LocalFileInput extends FSInputStream {
  private final FileInputStream in;
  private long position;

  private LocalFileInput(FileInputStream in) {
    this.in = in;
  }

  /**
   * Opens {@code file} for reading.
   *
   * @param bufferSize the buffer Hadoop's open would use ({@code io.file.buffer.size})
   * @throws java.io.FileNotFoundException for a missing file, a directory or an unreadable file
   */
  static FSDataInputStream open(File file, int bufferSize) throws IOException {
    return new FSDataInputStream(
        new BufferedFSInputStream(new LocalFileInput(new FileInputStream(file)), bufferSize));
  }

  @Override
  public void seek(long pos) throws IOException {
    if (pos < 0) {
      throw new EOFException("cannot seek to a negative offset: " + pos);
    }
    in.getChannel().position(pos);
    position = pos;
  }

  @Override
  public long getPos() {
    return position;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public int read() throws IOException {
    int value = in.read();
    if (value >= 0) {
      position++;
    }
    return value;
  }

  @Override
  public int read(byte[] bytes, int offset, int length) throws IOException {
    int got = in.read(bytes, offset, length);
    if (got > 0) {
      position += got;
    }
    return got;
  }

  /** A positioned read (pread): the stream's own position stays where it is. */
  @Override
  public int read(long at, byte[] bytes, int offset, int length) throws IOException {
    validatePositionedReadArgs(at, bytes, offset, length);
    if (length == 0) {
      return 0;
    }
    return in.getChannel().read(ByteBuffer.wrap(bytes, offset, length), at);
  }

  @Override
  public long skip(long count) throws IOException {
    long skipped = in.skip(count);
    if (skipped > 0) {
      position += skipped;
    }
    return skipped;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
