package io.haloconv.conv;

import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.HaloWindow;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Window;
import java.io.IOException;

/** Whole-image convolution with a chosen kernel: the padded window, then the kernel. */
final class WholeImage {
  private WholeImage() {}

  static Tensor3 convolve(Tensor3 image, FilterBank bank, ConvSpec spec, ConvKernel kernel) {
    ConvGeometry g = spec.geometry(image.height(), image.width());
    Window window =
        new Window(
            g.rows().inputStart(0),
            g.cols().inputStart(0),
            g.rows().windowSize(g.outHeight()),
            g.cols().windowSize(g.outWidth()));
    try {
      Tensor3 padded =
          HaloWindow.read(
              window,
              image.channels(),
              image.height(),
              image.width(),
              spec.paddingMode(),
              RegionReader.of(image));
      return new Conv2d(bank, spec, kernel).convolveWindow(padded, g.outHeight(), g.outWidth());
    } catch (IOException e) {
      throw new AssertionError("in-memory reads do not fail", e);
    }
  }
}
