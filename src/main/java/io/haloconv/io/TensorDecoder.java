package io.haloconv.io;

import io.haloconv.tensor.Tensor3;

/** Windows of raw values that are already decoded and in memory: a crop, no decoding. */
final class TensorDecoder implements RegionDecoder {
  private Tensor3 raw;

  TensorDecoder(Tensor3 raw) {
    this.raw = raw;
  }

  @Override
  public Tensor3 read(int y0, int x0, int height, int width) {
    Tensor3 out = Tensor3.zeros(raw.channels(), height, width);
    for (int c = 0; c < raw.channels(); c++) {
      for (int r = 0; r < height; r++) {
        System.arraycopy(
            raw.data(),
            (c * raw.height() + y0 + r) * raw.width() + x0,
            out.data(),
            (c * height + r) * width,
            width);
      }
    }
    return out;
  }

  @Override
  public void close() {
    raw = null;
  }
}
