package io.haloconv.tensor;

import static java.util.Objects.requireNonNull;

import java.io.Closeable;
import java.io.IOException;
import java.io.OutputStream;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.CRC32;
import java.util.zip.CheckedOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * Writes a numpy .npz archive as {@code np.savez} does: a zip of uncompressed (stored) .npy
 * members, one per array, named {@code NAME.npy} so that {@code np.load(f)[NAME]} reads it. Float
 * feature maps barely compress, so storing them costs little space and no time. Arrays are written
 * one at a time; only the one being added is in memory.
 */
public final class NpzWriter implements Closeable {
  private final ZipOutputStream zip;
  private final Set<String> names = new HashSet<>();

  /** Writes to {@code out}, which {@link #close} closes. */
  public NpzWriter(OutputStream out) {
    this.zip = new ZipOutputStream(requireNonNull(out, "out is null"));
    zip.setMethod(ZipOutputStream.STORED);
  }

  /**
   * Adds {@code data} of {@code shape} as float32 under {@code name}.
   *
   * @throws IllegalArgumentException when the name is empty or already used, or the shape does not
   *     match the data
   */
  public void add(String name, int[] shape, float[] data) throws IOException {
    requireNonNull(name, "name is null");
    if (name.isEmpty()) {
      throw new IllegalArgumentException("npz member name must not be empty");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("npz member '" + name + "' is added twice");
    }
    // A stored member needs its size and CRC before its bytes: write it once to measure.
    CRC32 crc = new CRC32();
    Counting counting = new Counting();
    Npy.write(new CheckedOutputStream(counting, crc), shape, data);
    ZipEntry entry = new ZipEntry(name + ".npy");
    entry.setMethod(ZipEntry.STORED);
    entry.setSize(counting.bytes);
    entry.setCompressedSize(counting.bytes);
    entry.setCrc(crc.getValue());
    zip.putNextEntry(entry);
    Npy.write(zip, shape, data);
    zip.closeEntry();
  }

  @Override
  public void close() throws IOException {
    zip.close();
  }

  private static final class Counting extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      bytes += len;
    }
  }
}
