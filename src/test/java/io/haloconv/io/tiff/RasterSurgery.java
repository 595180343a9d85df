package io.haloconv.io.tiff;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Damages a real TIFF (one of {@code src/test/resources/rasters}) in one precise way, for the
 * bad-input tests: its first directory's entries are edited in place, its chunks found through
 * haloconv's own parser. Classic TIFFs only (the GDAL-written files are).
 */
public final class RasterSurgery {
  private final byte[] bytes;
  private final ByteBuffer buffer;
  private final TiffDirectory dir;

  private RasterSurgery(byte[] bytes) {
    this.bytes = bytes;
    ByteOrder order = bytes[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
    this.buffer = ByteBuffer.wrap(bytes).order(order);
    if ((buffer.getShort(2) & 0xffff) != 42) {
      throw new IllegalArgumentException("classic TIFFs only");
    }
    try {
      this.dir = TiffDirectory.read(new Bytes(bytes), bytes.length);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static RasterSurgery of(Path file) {
    try {
      return new RasterSurgery(Files.readAllBytes(file));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public byte[] bytes() {
    return bytes.clone();
  }

  /** The file cut in the middle of its last chunk. */
  public byte[] truncatedInLastChunk() {
    int last = dir.offsets.length - 1;
    long cut = dir.offsets[last] + dir.byteCounts[last] / 2;
    long end = 0;
    for (int i = 0; i < dir.offsets.length; i++) {
      end = Math.max(end, dir.offsets[i] + dir.byteCounts[i]);
    }
    if (dir.offsets[last] + dir.byteCounts[last] != end) {
      throw new IllegalStateException("the last chunk is not at the end of the file");
    }
    return Arrays.copyOf(bytes, (int) cut);
  }

  /** Chunk {@code index}'s compressed bytes from its middle on overwritten by a fixed pattern. */
  public RasterSurgery scrambleChunk(int index) {
    int start = (int) (dir.offsets[index] + dir.byteCounts[index] / 3);
    int end = (int) (dir.offsets[index] + dir.byteCounts[index] - 2);
    for (int i = start; i < end; i++) {
      bytes[i] = (byte) (i * 37 + 11); // no 0xFF: no marker, just wrong entropy-coded data
      if (bytes[i] == (byte) 0xff) {
        bytes[i] = 0x55;
      }
    }
    return this;
  }

  /** The value of the first directory's entry {@code tag} (a SHORT or LONG held inline) set. */
  public RasterSurgery setValue(int tag, int value) {
    int at = entry(tag);
    int type = buffer.getShort(at + 2) & 0xffff;
    if (type == 3) {
      buffer.putShort(at + 8, (short) value);
    } else {
      buffer.putInt(at + 8, value);
    }
    return this;
  }

  /** The first directory's entry {@code tag} renamed to a private tag no reader knows. */
  public RasterSurgery dropTag(int tag) {
    buffer.putShort(entry(tag), (short) 65000);
    return this;
  }

  /** Entry {@code tag}'s value offset pointed past the end of the file. */
  public RasterSurgery pointOutside(int tag) {
    buffer.putInt(entry(tag) + 8, bytes.length + 1000);
    return this;
  }

  private int entry(int tag) {
    int ifd = buffer.getInt(4);
    int count = buffer.getShort(ifd) & 0xffff;
    for (int i = 0; i < count; i++) {
      int at = ifd + 2 + 12 * i;
      if ((buffer.getShort(at) & 0xffff) == tag) {
        return at;
      }
    }
    throw new IllegalArgumentException("no tag " + tag + " in the first directory");
  }

  /** A byte array as Hadoop's positioned reads. */
  private static final class Bytes implements org.apache.hadoop.fs.PositionedReadable {
    private final byte[] data;

    Bytes(byte[] data) {
      this.data = data;
    }

    @Override
    public int read(long position, byte[] buffer, int offset, int length) {
      int n = (int) Math.min(length, data.length - position);
      System.arraycopy(data, (int) position, buffer, offset, n);
      return n;
    }

    @Override
    public void readFully(long position, byte[] buffer, int offset, int length) throws IOException {
      if (position + length > data.length) {
        throw new java.io.EOFException();
      }
      System.arraycopy(data, (int) position, buffer, offset, length);
    }

    @Override
    public void readFully(long position, byte[] buffer) throws IOException {
      readFully(position, buffer, 0, buffer.length);
    }
  }
}
