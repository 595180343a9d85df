package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InterruptedIOException;
import javax.imageio.stream.ImageInputStreamImpl;
import org.apache.hadoop.fs.FSDataInputStream;

/**
 * An ImageInputStream over a Hadoop {@link FSDataInputStream}. Seeks move the underlying stream
 * instead of buffering what was skipped (ImageIO's own stream wrappers cache everything read so far
 * in memory or a temp file), so a reader that seeks to a few TIFF tiles reads only those bytes plus
 * at most one buffer around each.
 */
final class HadoopImageInputStream extends ImageInputStreamImpl {
  /** Small: tile and header reads should not drag in much beyond what they ask for. */
  private static final int BUFFER_BYTES = 8 * 1024;

  /**
   * Files up to this size that a decoder reads whole are buffered whole: one read of the file, no
   * seeks between the decoder's requests, instead of a seek and a read every 8 KB.
   */
  static final int WHOLE_FILE_BYTES = 1024 * 1024;

  private final FSDataInputStream in;
  private final long length;
  private final byte[] buffer;

  /** The buffer holds file bytes [bufferStart, bufferStart + bufferLength). */
  private long bufferStart;

  private int bufferLength;
  private long bytesFetched;

  HadoopImageInputStream(FSDataInputStream in, long length) {
    this(in, length, false);
  }

  /**
   * @param whole true when the decoder will read every byte (a whole-image decode): a file of at
   *     most {@link #WHOLE_FILE_BYTES} is then fetched in one read
   */
  HadoopImageInputStream(FSDataInputStream in, long length, boolean whole) {
    this.in = requireNonNull(in, "in is null");
    if (length < 0) {
      throw new IllegalArgumentException("length must be >= 0, got " + length);
    }
    this.length = length;
    boolean bufferWhole = whole && length > BUFFER_BYTES && length <= WHOLE_FILE_BYTES;
    this.buffer = new byte[bufferWhole ? (int) length : BUFFER_BYTES];
  }

  @Override
  public int read() throws IOException {
    checkClosed();
    bitOffset = 0;
    if (streamPos >= length) {
      return -1;
    }
    if (!buffered(streamPos) && !fill(streamPos)) {
      return -1;
    }
    int value = buffer[(int) (streamPos - bufferStart)] & 0xff;
    streamPos++;
    return value;
  }

  @Override
  public int read(byte[] bytes, int offset, int count) throws IOException {
    checkClosed();
    if (offset < 0 || count < 0 || offset + count > bytes.length || offset + count < 0) {
      throw new IndexOutOfBoundsException(
          "offset " + offset + ", count " + count + ", array length " + bytes.length);
    }
    bitOffset = 0;
    if (count == 0) {
      return 0;
    }
    if (streamPos >= length) {
      return -1;
    }
    // Fill the request whole while the file has bytes: ImageInputStreamImpl's readInt, readShort
    // and readLong take one read() that returns less than asked for as the end of the stream, so
    // a 4-byte read straddling the buffer's end would end a PNG's IDAT chunks early.
    int done = 0;
    while (done < count && streamPos < length) {
      int got = readOnce(bytes, offset + done, count - done);
      if (got <= 0) {
        break;
      }
      done += got;
    }
    return done == 0 ? -1 : done;
  }

  /** One read from the buffer or the file: at most what one of them holds. */
  private int readOnce(byte[] bytes, int offset, int count) throws IOException {
    if (!buffered(streamPos)) {
      if (count >= buffer.length) {
        // Large reads (tile data, image data) go straight into the caller's array.
        int got = fetch(streamPos, bytes, offset, (int) Math.min(count, length - streamPos));
        if (got > 0) {
          streamPos += got;
        }
        return got;
      }
      if (!fill(streamPos)) {
        return -1;
      }
    }
    int start = (int) (streamPos - bufferStart);
    int got = Math.min(count, bufferLength - start);
    System.arraycopy(buffer, start, bytes, offset, got);
    streamPos += got;
    return got;
  }

  @Override
  public long length() {
    return length;
  }

  /** Bytes read from the underlying stream so far, which tests use to check region reads. */
  long bytesFetched() {
    return bytesFetched;
  }

  @Override
  public void close() throws IOException {
    super.close();
    in.close();
  }

  /**
   * Nothing: every user closes this stream (or the Hadoop stream under it) itself. An empty
   * override is what tells the JVM the class has no finalizer; ImageInputStreamImpl's would make
   * every instance, and the Hadoop stream and buffers it holds, wait for the finalizer thread and
   * survive a garbage collection, which two streams per small image (probe and decode) turned into
   * a steady stream of promotions to the old generation.
   */
  @Override
  @SuppressWarnings({"deprecation", "removal"})
  protected void finalize() {}

  private boolean buffered(long position) {
    return position >= bufferStart && position < bufferStart + bufferLength;
  }

  /** Buffers the bytes from {@code position} on; a file the buffer holds whole is read from 0. */
  private boolean fill(long position) throws IOException {
    long start = buffer.length >= length ? 0 : position;
    int wanted = (int) Math.min(buffer.length, length - start);
    bufferLength = 0;
    bufferStart = start;
    while (bufferLength < wanted && !buffered(position)) {
      int got = fetch(start + bufferLength, buffer, bufferLength, wanted - bufferLength);
      if (got <= 0) {
        break;
      }
      bufferLength += got;
    }
    return buffered(position);
  }

  /**
   * Reads from the file system. Its failures are wrapped in {@link Failures.StorageException}, so
   * they are reported as the storage failing (unreadable, file gone), not as corrupt content,
   * whatever exception the decoder wraps them in.
   */
  private int fetch(long position, byte[] bytes, int offset, int count) throws IOException {
    try {
      if (in.getPos() != position) {
        in.seek(position);
      }
      int got = in.read(bytes, offset, count);
      if (got > 0) {
        bytesFetched += got;
      }
      return got;
    } catch (InterruptedIOException e) {
      throw e; // a task being killed, not a storage failure
    } catch (IOException e) {
      throw new Failures.StorageException(e);
    }
  }
}
