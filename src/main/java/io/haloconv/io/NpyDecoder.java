package io.haloconv.io;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.NpyHeader;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tensor.TensorFormatException;
import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads windows of a .npy (C, H, W) or (H, W) array. C-order arrays are read by positioned reads of
 * just the rows a window needs (one read per channel and row, or per channel when the window spans
 * whole rows), so a huge array costs only its windows. Fortran-order arrays are read whole once and
 * cropped.
 */
final class NpyDecoder implements RegionDecoder {
  /** Positioned reads go through a buffer of at most this many bytes. */
  private static final int CHUNK_BYTES = 1 << 20;

  private final ImageInfo info;
  private final FSDataInputStream in;
  private final NpyHeader header;
  private Tensor3 whole;

  NpyDecoder(FileSystem fs, ImageInfo info) throws ImageReadException {
    this.info = info;
    this.in = ImageProbe.open(fs, new Path(info.path()), Stage.DECODE);
    try {
      header = Npy.readHeader(new BufferedInputStream(in, 4096));
    } catch (IOException e) {
      ImageProbe.closeQuietly(in);
      throw e instanceof TensorFormatException format
          ? new ImageReadException(Stage.DECODE, Failures.npyKind(format), e.getMessage(), e)
          : new ImageReadException(
              Stage.DECODE,
              Failures.ioKind(e),
              "cannot read .npy header: " + Failures.chainMessages(e),
              e);
    }
  }

  @Override
  public Tensor3 read(int y0, int x0, int height, int width) throws ImageReadException {
    try {
      return header.fortranOrder() ? crop(y0, x0, height, width) : seekRead(y0, x0, height, width);
    } catch (EOFException e) {
      throw new ImageReadException(
          Stage.DECODE,
          ErrorKind.TRUNCATED,
          "truncated .npy tensor: the file ends inside its data",
          e);
    } catch (TensorFormatException e) {
      throw new ImageReadException(Stage.DECODE, Failures.npyKind(e), e.getMessage(), e);
    } catch (IOException e) {
      throw new ImageReadException(
          Stage.DECODE,
          Failures.ioKind(e),
          "cannot read .npy data: " + Failures.chainMessages(e),
          e);
    } catch (RuntimeException | OutOfMemoryError e) {
      // A header that changed since the probe, or an array too large for memory: a bad record.
      throw Failures.translate(Stage.DECODE, ImageFormat.NPY, e, List.of());
    }
  }

  private Tensor3 seekRead(int y0, int x0, int height, int width) throws IOException {
    int channels = info.channels();
    int item = header.dtype().byteSize();
    Tensor3 out = Tensor3.zeros(channels, height, width);
    float[] dst = out.data();
    // Whole rows are contiguous in C order: read a channel's window in one go when it spans them.
    boolean fullRows = x0 == 0 && width == info.width();
    int rowsPerRead = fullRows ? Math.max(1, Math.min(height, CHUNK_BYTES / (width * item))) : 1;
    byte[] bytes = new byte[rowsPerRead * width * item];
    ByteBuffer buffer = ByteBuffer.wrap(bytes).order(header.byteOrder());
    for (int c = 0; c < channels; c++) {
      for (int r = 0; r < height; r += rowsPerRead) {
        int rows = Math.min(rowsPerRead, height - r);
        long element = ((long) c * info.height() + y0 + r) * info.width() + x0;
        int count = rows * width;
        in.readFully(header.dataOffset() + element * item, bytes, 0, count * item);
        buffer.clear();
        header.dtype().decode(buffer, dst, (c * height + r) * width, count);
      }
    }
    return out;
  }

  private Tensor3 crop(int y0, int x0, int height, int width) throws IOException {
    if (whole == null) {
      in.seek(0);
      NpyArray array = Npy.read(new BufferedInputStream(in, 1 << 16));
      whole =
          array.rank() == 2
              ? Tensor3.wrap(1, info.height(), info.width(), array.data())
              : array.toTensor3();
    }
    Tensor3 out = Tensor3.zeros(whole.channels(), height, width);
    for (int c = 0; c < whole.channels(); c++) {
      for (int r = 0; r < height; r++) {
        System.arraycopy(
            whole.data(),
            (c * whole.height() + y0 + r) * whole.width() + x0,
            out.data(),
            (c * height + r) * width,
            width);
      }
    }
    return out;
  }

  @Override
  public void close() {
    whole = null;
    ImageProbe.closeQuietly(in);
  }
}
