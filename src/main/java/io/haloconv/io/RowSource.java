package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.io.Closeable;

/** An image read top to bottom, a band of full-width rows of raw channel values at a time. */
public interface RowSource extends Closeable {
  /** The next band of at most {@code maxRows} rows, C×rows×W, or null after the last row. */
  Tensor3 next(int maxRows) throws ImageReadException;

  @Override
  void close();
}
