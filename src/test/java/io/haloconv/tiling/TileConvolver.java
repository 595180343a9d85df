package io.haloconv.tiling;

import io.haloconv.conv.Conv2d;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;

/**
 * Convolves tiles of one image: reads each tile's padded window, then runs the kernel over it.
 * Whole image evaluation is the special case of one tile, so tests compare tilings against it
 * through the same code.
 */
public final class TileConvolver {
  private final Conv2d conv;

  public TileConvolver(Conv2d conv) {
    this.conv = conv;
  }

  public Conv2d conv() {
    return conv;
  }

  /**
   * The K×outHeight×outWidth outputs of {@code tile} of an {@code imageHeight}×{@code imageWidth}
   * image.
   */
  public Tensor3 convolve(Tile tile, int imageHeight, int imageWidth, RegionReader reader)
      throws IOException {
    Tensor3 window =
        HaloWindow.read(
            tile.input(),
            conv.inputChannels(),
            imageHeight,
            imageWidth,
            conv.spec().paddingMode(),
            reader);
    return conv.convolveWindow(window, tile.outHeight(), tile.outWidth());
  }

  /** The whole feature map of an in-memory image: one tile covering everything. */
  public static Tensor3 convolveImage(Tensor3 image, FilterBank bank, ConvSpec spec) {
    ConvGeometry geometry = spec.geometry(image.height(), image.width());
    TileGrid grid = ConvTiles.grid(geometry, geometry.outHeight(), geometry.outWidth());
    try {
      return new TileConvolver(new Conv2d(bank, spec))
          .convolve(grid.tile(0), image.height(), image.width(), RegionReader.of(image));
    } catch (IOException e) {
      throw new AssertionError("in-memory reads do not fail", e);
    }
  }
}
