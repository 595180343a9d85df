package io.haloconv.io;

import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import org.apache.hadoop.fs.PositionedReadable;
import org.apache.hadoop.fs.Seekable;

/**
 * A byte array as the seekable, positioned-readable stream Hadoop's {@code FSDataInputStream}
 * needs, so decoders written against Hadoop streams read in-memory images unchanged.
 */
final class SeekableBytes extends ByteArrayInputStream implements Seekable, PositionedReadable {
  SeekableBytes(byte[] bytes) {
    super(bytes);
  }

  @Override
  public synchronized void seek(long position) throws IOException {
    if (position < 0 || position > count) {
      throw new EOFException("seek to " + position + " outside [0, " + count + "]");
    }
    pos = (int) position;
  }

  @Override
  public synchronized long getPos() {
    return pos;
  }

  @Override
  public boolean seekToNewSource(long targetPos) {
    return false;
  }

  @Override
  public int read(long position, byte[] buffer, int offset, int length) {
    if (position < 0 || position >= count) {
      return -1;
    }
    int n = (int) Math.min(length, count - position);
    System.arraycopy(buf, (int) position, buffer, offset, n);
    return n;
  }

  @Override
  public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
    if (position < 0 || position + length > count) {
      throw new EOFException(
          "read of " + length + " bytes at " + position + " passes the end (" + count + " bytes)");
    }
    System.arraycopy(buf, (int) position, buffer, offset, length);
  }

  @Override
  public void readFully(long position, byte[] buffer) throws IOException {
    readFully(position, buffer, 0, buffer.length);
  }
}
