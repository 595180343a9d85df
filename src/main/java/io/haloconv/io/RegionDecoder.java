package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.io.Closeable;

/**
 * Decodes windows of one image into raw channel values (the {@link PixelConverter} rules, no
 * scaling). The seam where decoding strategies differ: whole-image decoding with a cache, region
 * reads of tiled files, seeking reads of .npy arrays; a streaming decoder for gigapixel PNGs (row
 * bands, decoded once in order) would be another implementation.
 */
public interface RegionDecoder extends Closeable {
  /** Raw values of rows [y0, y0+height) and columns [x0, x0+width), already bounds-checked. */
  Tensor3 read(int y0, int x0, int height, int width) throws ImageReadException;

  @Override
  void close();
}
