package io.haloconv.stack;

/**
 * Where the pixels of one level of a stack lie on the image's pixel grid: pixel (row, column) of
 * the level covers image rows [{@code row0 + row·rowStride}, +{@code rowStride}) and columns
 * [{@code col0 + column·colStride}, +{@code colStride}), in image pixel units (pixel i of the image
 * spans [i, i+1)).
 *
 * <p>The footprint convention: an output pixel is the stride × stride cell centred on the centre of
 * its receptive field (the span of image positions, padding included, its value is computed from).
 * The stride is the product of the layers' strides. For a stride-1 {@code same} convolution of odd
 * kernel this is the image pixel itself; for a k×k stride-k pool (or a k×k stride-k {@code valid}
 * convolution) the k×k block it reads: GDAL's own grid for {@code gdal_translate -srcwin} and
 * {@code -outsize}. The origins are exact multiples of 1/2.
 *
 * @param row0 image row of the top edge of the level's row 0
 * @param col0 image column of the left edge of the level's column 0
 * @param rowStride image rows per row of the level
 * @param colStride image columns per column of the level
 */
public record OutputGrid(double row0, double col0, long rowStride, long colStride) {
  public OutputGrid {
    if (rowStride < 1 || colStride < 1) {
      throw new IllegalArgumentException(
          "output grid strides must be >= 1, got " + rowStride + "," + colStride);
    }
  }

  /** The image row of the top edge of the level's row {@code row}. */
  public double row(int row) {
    return row0 + (double) row * rowStride;
  }

  /** The image column of the left edge of the level's column {@code column}. */
  public double column(int column) {
    return col0 + (double) column * colStride;
  }
}
