package io.haloconv.stack;

import io.haloconv.tensor.Tensor3;

/**
 * A written part of one layer's output map, as a view into the evaluator's buffer: rows [y0,
 * y0+height) and columns [x0, x0+width) of the layer's map, all its channels. Valid only during the
 * {@link StackEvaluator.Sink} call that receives it; the buffer is reused for the next tile.
 */
public final class MapRegion {
  private int layer;
  private int y0;
  private int x0;
  private int height;
  private int width;
  private int channels;
  private float[] data;
  private int planeRows;
  private int planeCols;
  private int rowOffset;
  private int colOffset;

  void set(
      int layer,
      int y0,
      int x0,
      int height,
      int width,
      int channels,
      float[] data,
      int planeRows,
      int planeCols,
      int rowOffset,
      int colOffset) {
    this.layer = layer;
    this.y0 = y0;
    this.x0 = x0;
    this.height = height;
    this.width = width;
    this.channels = channels;
    this.data = data;
    this.planeRows = planeRows;
    this.planeCols = planeCols;
    this.rowOffset = rowOffset;
    this.colOffset = colOffset;
  }

  /** Index of the layer in its stack. */
  public int layer() {
    return layer;
  }

  /** First row, in the layer's map. */
  public int y0() {
    return y0;
  }

  /** First column, in the layer's map. */
  public int x0() {
    return x0;
  }

  public int height() {
    return height;
  }

  public int width() {
    return width;
  }

  public int channels() {
    return channels;
  }

  /** Number of values: channels × height × width. */
  public int size() {
    return channels * height * width;
  }

  /**
   * The backing array; row {@code y} of channel {@code c} is {@code width} values from {@link
   * #offset}.
   */
  public float[] data() {
    return data;
  }

  public int offset(int c, int y) {
    return (c * planeRows + rowOffset + y) * planeCols + colOffset;
  }

  /** A copy, channels × height × width. */
  public Tensor3 toTensor() {
    Tensor3 t = Tensor3.zeros(channels, height, width);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        System.arraycopy(data, offset(c, y), t.data(), (c * height + y) * width, width);
      }
    }
    return t;
  }
}
