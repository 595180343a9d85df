package io.haloconv.io;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FSInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FilterFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * A file system that counts the bytes read through the streams it opens, and can slow every read
 * down: a hand-written fake for checking that region reads touch few bytes and that stuck decodes
 * time out.
 */
public final class CountingFileSystem extends FilterFileSystem {
  private final AtomicLong bytesRead = new AtomicLong();
  private final AtomicLong opens = new AtomicLong();
  private volatile long delayMillisPerRead;

  public CountingFileSystem(FileSystem inner) {
    super(inner);
    setConf(inner.getConf());
  }

  public long bytesRead() {
    return bytesRead.get();
  }

  long opens() {
    return opens.get();
  }

  public void reset() {
    bytesRead.set(0);
    opens.set(0);
  }

  void delayEveryRead(long millis) {
    delayMillisPerRead = millis;
  }

  @Override
  public FSDataInputStream open(Path path) throws IOException {
    return open(path, 4096);
  }

  @Override
  public FSDataInputStream open(Path path, int bufferSize) throws IOException {
    opens.incrementAndGet();
    return new FSDataInputStream(new Counting(fs.open(path, bufferSize)));
  }

  private final class Counting extends FSInputStream {
    private final FSDataInputStream in;

    Counting(FSDataInputStream in) {
      this.in = in;
    }

    @Override
    public void seek(long position) throws IOException {
      in.seek(position);
    }

    @Override
    public long getPos() throws IOException {
      return in.getPos();
    }

    @Override
    public boolean seekToNewSource(long targetPos) {
      return false;
    }

    @Override
    public int read() throws IOException {
      pause();
      int b = in.read();
      if (b >= 0) {
        bytesRead.incrementAndGet();
      }
      return b;
    }

    @Override
    public int read(byte[] bytes, int offset, int length) throws IOException {
      pause();
      int got = in.read(bytes, offset, length);
      if (got > 0) {
        bytesRead.addAndGet(got);
      }
      return got;
    }

    private void pause() throws IOException {
      long delay = delayMillisPerRead;
      if (delay > 0) {
        try {
          Thread.sleep(delay);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new java.io.InterruptedIOException("interrupted");
        }
      }
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
