package io.haloconv.tiling;

import io.haloconv.tensor.Tensor3;
import java.io.IOException;

/**
 * Reads real pixels of one image: a region that lies inside the image, converted and normalised to
 * float32 channels. Decoders implement it; padding never reaches it.
 */
@FunctionalInterface
public interface RegionReader {
  Tensor3 read(int y0, int x0, int height, int width) throws IOException;

  /** Reads regions of an image already in memory. */
  static RegionReader of(Tensor3 image) {
    return (y0, x0, height, width) -> {
      Tensor3 out = Tensor3.zeros(image.channels(), height, width);
      float[] src = image.data();
      float[] dst = out.data();
      for (int c = 0; c < image.channels(); c++) {
        for (int y = 0; y < height; y++) {
          System.arraycopy(
              src,
              (c * image.height() + y0 + y) * image.width() + x0,
              dst,
              (c * height + y) * width,
              width);
        }
      }
      return out;
    };
  }
}
