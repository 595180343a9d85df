package io.haloconv.stack;

import io.haloconv.conv.AxisGeometry;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tiling.TileGrid;
import io.haloconv.tiling.Window;

/**
 * A stack's arithmetic for one image: every level's size and channels (level 0 the image, level i+1
 * layer i's output) and every layer's resolved padding. This is where the stack's halo is computed:
 * {@link #inputWindow} composes the layers' windows for an output tile, and {@link #plan} says
 * which values of every level the tile must compute, edges and wrap-around included.
 */
public final class StackGeometry {
  private final LayerStack stack;
  private final int[] channels;
  private final ConvGeometry[] layers;

  StackGeometry(LayerStack stack, int[] channels, ConvGeometry[] layers) {
    this.stack = stack;
    this.channels = channels;
    this.layers = layers;
  }

  public LayerStack stack() {
    return stack;
  }

  /** Levels, the image included: layers + 1. */
  public int levels() {
    return channels.length;
  }

  public int channels(int level) {
    return channels[level];
  }

  public int height(int level) {
    return level == 0 ? layers[0].rows().input() : layers[level - 1].outHeight();
  }

  public int width(int level) {
    return level == 0 ? layers[0].cols().input() : layers[level - 1].outWidth();
  }

  /**
   * Layer {@code index}'s resolved arithmetic (it maps level {@code index} to {@code index + 1}).
   */
  public ConvGeometry layer(int index) {
    return layers[index];
  }

  public int outHeight() {
    return layers[layers.length - 1].outHeight();
  }

  public int outWidth() {
    return layers[layers.length - 1].outWidth();
  }

  public int outChannels() {
    return channels[channels.length - 1];
  }

  /**
   * The image window an output tile's receptive field spans, composed through every layer as {@link
   * AxisGeometry#inputStart}/{@link AxisGeometry#inputEnd} compose for one: may reach past the
   * image where layers pad. For one layer it is the window {@link AxisGeometry} gives for a single
   * convolution (the tests' reference path checks it). The pixels a tile actually reads are {@link
   * #plan}'s level 0; they lie inside this window except where a {@code circular} layer wraps
   * around an intermediate map.
   */
  public Window inputWindow(int outY0, int outX0, int outHeight, int outWidth) {
    long y0 = outY0;
    long y1 = (long) outY0 + outHeight;
    long x0 = outX0;
    long x1 = (long) outX0 + outWidth;
    for (int i = layers.length - 1; i >= 0; i--) {
      AxisGeometry r = layers[i].rows();
      AxisGeometry c = layers[i].cols();
      y1 = (y1 - 1) * r.stride() - r.before() + r.receptiveField();
      y0 = y0 * r.stride() - r.before();
      x1 = (x1 - 1) * c.stride() - c.before() + c.receptiveField();
      x0 = x0 * c.stride() - c.before();
    }
    return new Window(toInt(y0), toInt(x0), toInt(y1 - y0), toInt(x1 - x0));
  }

  /**
   * Where level {@code level}'s pixels lie on the image ({@link OutputGrid}'s footprint
   * convention), composed through layers 0 to {@code level − 1}: an output pixel o reads padded
   * image positions [o·S − B, o·S − B + R), with S the product of the strides, B the composed
   * padding before and R the composed receptive field, so its footprint starts at o·S − B + (R −
   * S)/2.
   */
  public OutputGrid outputGrid(int level) {
    if (level < 1 || level >= levels()) {
      throw new IllegalArgumentException(
          "level must be in [1, " + (levels() - 1) + "], got " + level);
    }
    long[] rows = {1, 0, 1}; // stride S, before B, field R of one level pixel, in the image
    long[] cols = {1, 0, 1};
    for (int i = level - 1; i >= 0; i--) {
      compose(rows, layers[i].rows());
      compose(cols, layers[i].cols());
    }
    return new OutputGrid(
        -rows[1] + (rows[2] - rows[0]) / 2.0,
        -cols[1] + (cols[2] - cols[0]) / 2.0,
        rows[0],
        cols[0]);
  }

  /** Maps (S, B, R) of a level through the layer {@code a} that computes it from the one below. */
  private static void compose(long[] sbr, AxisGeometry a) {
    sbr[1] = sbr[1] * a.stride() + a.before();
    sbr[2] = (sbr[2] - 1) * a.stride() + a.receptiveField();
    sbr[0] = sbr[0] * a.stride();
  }

  private static int toInt(long v) {
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("window coordinate " + v + " overflows an int");
    }
    return (int) v;
  }

  /** What output tile [outY0, +outHeight) × [outX0, +outWidth) computes at every level. */
  public TilePlan plan(int outY0, int outX0, int outHeight, int outWidth) {
    int n = layers.length;
    AxisGeometry[] rows = new AxisGeometry[n];
    AxisGeometry[] cols = new AxisGeometry[n];
    PaddingMode[] modes = new PaddingMode[n];
    boolean[] written = new boolean[n];
    for (int i = 0; i < n; i++) {
      rows[i] = layers[i].rows();
      cols[i] = layers[i].cols();
      modes[i] = stack.layer(i).paddingMode();
      written[i] = stack.written(i);
    }
    return new TilePlan(
        outY0,
        outX0,
        outHeight,
        outWidth,
        AxisPlan.of(rows, modes, written, outY0, outY0 + outHeight),
        AxisPlan.of(cols, modes, written, outX0, outX0 + outWidth));
  }

  /** Multiply-adds (and pool comparisons) a tile's plan costs, for balancing tasks. */
  public long work(TilePlan plan) {
    long work = 0;
    for (int i = 0; i < layers.length; i++) {
      long outputs = (long) plan.rows().total(i + 1) * plan.cols().total(i + 1) * channels[i + 1];
      work += outputs * stack.layer(i).workPerOutput(channels[i]);
    }
    return work;
  }

  /** The output tiles of at most {@code tileHeight}×{@code tileWidth}, row-major. */
  public TileGrid grid(int tileHeight, int tileWidth) {
    return new TileGrid(outHeight(), outWidth(), tileHeight, tileWidth, this::inputWindow);
  }
}
