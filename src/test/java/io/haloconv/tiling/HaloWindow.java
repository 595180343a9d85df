package io.haloconv.tiling;

import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;

/**
 * Builds a tile's padded input window: the real pixels it covers, read through a {@link
 * RegionReader}, and around them the padding mode's values. For {@code reflect}, {@code replicate}
 * and {@code circular} the padding is real pixels from elsewhere in the image, read as extra spans;
 * the result equals the same window cut from the whole padded image.
 */
public final class HaloWindow {
  private HaloWindow() {}

  public static Tensor3 read(
      Window window,
      int channels,
      int imageHeight,
      int imageWidth,
      PaddingMode mode,
      RegionReader reader)
      throws IOException {
    if (window.inside(imageHeight, imageWidth)) {
      return checked(
          reader.read(window.y0(), window.x0(), window.height(), window.width()),
          channels,
          window.height(),
          window.width());
    }
    AxisSpans rows = AxisSpans.of(window.y0(), window.height(), imageHeight, mode);
    AxisSpans cols = AxisSpans.of(window.x0(), window.width(), imageWidth, mode);
    Tensor3 out = Tensor3.zeros(channels, window.height(), window.width());
    if (rows.total == 0 || cols.total == 0) {
      return out; // entirely zero padding
    }
    // Read each span rectangle into a compact buffer, then gather it into place.
    float[] compact = new float[channels * rows.total * cols.total];
    int rowBase = 0;
    for (int r = 0; r < rows.spanCount(); r++) {
      int ry0 = rows.spans[2 * r];
      int rh = rows.spans[2 * r + 1] - ry0;
      int colBase = 0;
      for (int s = 0; s < cols.spanCount(); s++) {
        int cx0 = cols.spans[2 * s];
        int cw = cols.spans[2 * s + 1] - cx0;
        float[] region = checked(reader.read(ry0, cx0, rh, cw), channels, rh, cw).data();
        for (int c = 0; c < channels; c++) {
          for (int y = 0; y < rh; y++) {
            System.arraycopy(
                region,
                (c * rh + y) * cw,
                compact,
                (c * rows.total + rowBase + y) * cols.total + colBase,
                cw);
          }
        }
        colBase += cw;
      }
      rowBase += rh;
    }
    // Gather row by row; along a row, consecutive window columns usually read consecutive compact
    // columns, so copy those runs whole instead of pixel by pixel.
    int[] runs = cols.runs();
    float[] dst = out.data();
    int h = window.height();
    int w = window.width();
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < h; y++) {
        int ry = rows.compactIndex[y];
        if (ry == PaddingMode.ZERO) {
          continue;
        }
        int srcRow = (c * rows.total + ry) * cols.total;
        int dstRow = (c * h + y) * w;
        for (int r = 0; r < runs.length; r += 3) {
          System.arraycopy(compact, srcRow + runs[r + 1], dst, dstRow + runs[r], runs[r + 2]);
        }
      }
    }
    return out;
  }

  private static Tensor3 checked(Tensor3 region, int channels, int height, int width) {
    if (region.channels() != channels || region.height() != height || region.width() != width) {
      throw new IllegalStateException(
          "region reader returned "
              + region
              + ", expected "
              + channels
              + "x"
              + height
              + "x"
              + width);
    }
    return region;
  }
}
