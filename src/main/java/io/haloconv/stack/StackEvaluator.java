package io.haloconv.stack;

import io.haloconv.conv.AxisGeometry;
import io.haloconv.conv.Conv2d;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.RegionReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Evaluates a {@link LayerStack} on one output tile at a time, following the tile's {@link
 * TilePlan}: reads the image spans of level 0, then for each layer and each block (row span ×
 * column span) of its output gathers the padded input window from the level below — padding filled
 * by the layer's own mode at the level's own edge, from values of that level — and runs the layer's
 * kernel. Written layers' parts are handed to a {@link Sink} as they are computed.
 *
 * <p>Intermediate maps live in two buffers used in turn, plus a window buffer and a block buffer,
 * all grown as needed and reused from tile to tile: a task allocates per tile only what its image
 * reader returns. Where a window is exactly the level below (an interior tile), the kernel reads
 * that level in place; where a level is a single block, the kernel writes it in place.
 *
 * <p>Not thread-safe (kernels keep scratch space): one per task.
 */
public final class StackEvaluator {
  /** Receives the written parts of a tile. */
  @FunctionalInterface
  public interface Sink {
    void accept(MapRegion region) throws IOException;
  }

  private final LayerStack stack;
  private final Conv2d[] convs;
  private final MapRegion region = new MapRegion();
  private float[] ping = new float[0];
  private float[] pong = new float[0];
  private float[] window = new float[0];
  private float[] block = new float[0];

  public StackEvaluator(LayerStack stack) {
    this.stack = stack;
    this.convs = new Conv2d[stack.size()];
    for (int i = 0; i < stack.size(); i++) {
      if (stack.layer(i) instanceof ConvLayer conv) {
        convs[i] = new Conv2d(conv.bank(), conv.spec());
      }
    }
  }

  public LayerStack stack() {
    return stack;
  }

  /**
   * Computes {@code plan}'s tile of an image with geometry {@code g}, reading real pixels through
   * {@code reader}; passes each written layer's part of the tile to {@code sink}, in stack order.
   */
  public void evaluate(StackGeometry g, TilePlan plan, RegionReader reader, Sink sink)
      throws IOException {
    AxisPlan rows = plan.rows();
    AxisPlan cols = plan.cols();
    float[] current = readImage(g, rows, cols, reader);
    for (int i = 0; i < stack.size(); i++) {
      int level = i + 1;
      Layer layer = stack.layer(i);
      int inChannels = g.channels(i);
      int inRows = rows.total(i);
      int inCols = cols.total(i);
      int outChannels = g.channels(level);
      int outRows = rows.total(level);
      int outCols = cols.total(level);
      float[] target = buffer(current != ping, (long) outChannels * outRows * outCols);
      boolean single = rows.spanCount(level) == 1 && cols.spanCount(level) == 1;
      int rowOffset = 0;
      for (int rs = 0; rs < rows.spanCount(level); rs++) {
        int[] rowMap = windowMap(rows, level, rs, layer.paddingMode(), g.height(i));
        int blockRows = rows.spanEnd(level, rs) - rows.spanStart(level, rs);
        int colOffset = 0;
        for (int cs = 0; cs < cols.spanCount(level); cs++) {
          int[] colMap = windowMap(cols, level, cs, layer.paddingMode(), g.width(i));
          int blockCols = cols.spanEnd(level, cs) - cols.spanStart(level, cs);
          float[] in =
              identity(rowMap, inRows) && identity(colMap, inCols)
                  ? current
                  : gather(current, inChannels, inRows, inCols, rowMap, colMap, layer.padValue());
          float[] out = single ? target : blockBuffer((long) outChannels * blockRows * blockCols);
          if (convs[i] != null) {
            convs[i].convolveWindow(in, rowMap.length, colMap.length, out, blockRows, blockCols);
          } else {
            Pool2d.pool(
                ((PoolLayer) layer).pool(),
                in,
                inChannels,
                rowMap.length,
                colMap.length,
                out,
                blockRows,
                blockCols);
          }
          if (!single) {
            for (int c = 0; c < outChannels; c++) {
              for (int y = 0; y < blockRows; y++) {
                System.arraycopy(
                    out,
                    (c * blockRows + y) * blockCols,
                    target,
                    (c * outRows + rowOffset + y) * outCols + colOffset,
                    blockCols);
              }
            }
          }
          colOffset += blockCols;
        }
        rowOffset += blockRows;
      }
      current = target;
      if (stack.written(i) && plan.writes(level)) {
        int y0 = rows.emitStart(level);
        int x0 = cols.emitStart(level);
        region.set(
            i,
            y0,
            x0,
            rows.emitEnd(level) - y0,
            cols.emitEnd(level) - x0,
            outChannels,
            current,
            outRows,
            outCols,
            rows.compactIndex(level, y0),
            cols.compactIndex(level, x0));
        sink.accept(region);
      }
    }
  }

  /** Level 0: the image spans the plan needs, side by side; padding is never read. */
  private float[] readImage(StackGeometry g, AxisPlan rows, AxisPlan cols, RegionReader reader)
      throws IOException {
    int channels = g.channels(0);
    if (rows.spanCount(0) == 1 && cols.spanCount(0) == 1) {
      return read(
              reader,
              channels,
              rows.spanStart(0, 0),
              cols.spanStart(0, 0),
              rows.total(0),
              cols.total(0))
          .data();
    }
    int totalRows = rows.total(0);
    int totalCols = cols.total(0);
    float[] compact = buffer(true, (long) channels * totalRows * totalCols);
    int rowBase = 0;
    for (int r = 0; r < rows.spanCount(0); r++) {
      int y0 = rows.spanStart(0, r);
      int h = rows.spanEnd(0, r) - y0;
      int colBase = 0;
      for (int s = 0; s < cols.spanCount(0); s++) {
        int x0 = cols.spanStart(0, s);
        int w = cols.spanEnd(0, s) - x0;
        float[] part = read(reader, channels, y0, x0, h, w).data();
        for (int c = 0; c < channels; c++) {
          for (int y = 0; y < h; y++) {
            System.arraycopy(
                part,
                (c * h + y) * w,
                compact,
                (c * totalRows + rowBase + y) * totalCols + colBase,
                w);
          }
        }
        colBase += w;
      }
      rowBase += h;
    }
    return compact;
  }

  private static Tensor3 read(RegionReader reader, int channels, int y0, int x0, int h, int w)
      throws IOException {
    Tensor3 t = reader.read(y0, x0, h, w);
    if (t.channels() != channels || t.height() != h || t.width() != w) {
      throw new IllegalStateException(
          "region reader returned " + t + ", expected " + channels + "x" + h + "x" + w);
    }
    return t;
  }

  /**
   * For each position of the window that span {@code span} of {@code level} reads, the compact
   * index of the value below it holds, or −1 for the layer's pad value.
   */
  private static int[] windowMap(AxisPlan axis, int level, int span, PaddingMode mode, int size) {
    AxisGeometry g = axis.producer(level);
    int start = axis.spanStart(level, span);
    int v0 = g.inputStart(start);
    int[] map = new int[g.windowSize(axis.spanEnd(level, span) - start)];
    for (int p = 0; p < map.length; p++) {
      int source = mode.sourceIndex(v0 + p, size);
      if (source == PaddingMode.ZERO) {
        map[p] = -1;
      } else {
        map[p] = axis.compactIndex(level - 1, source);
        if (map[p] < 0) {
          throw new IllegalStateException(
              "plan misses index "
                  + source
                  + " of level "
                  + (level - 1)
                  + " that the window of span "
                  + span
                  + " reads: "
                  + axis);
        }
      }
    }
    return map;
  }

  private static boolean identity(int[] map, int total) {
    if (map.length != total) {
      return false;
    }
    for (int p = 0; p < map.length; p++) {
      if (map[p] != p) {
        return false;
      }
    }
    return true;
  }

  /** Builds the padded window in the window buffer, copying runs of consecutive columns. */
  private float[] gather(
      float[] src, int channels, int srcRows, int srcCols, int[] rowMap, int[] colMap, float pad) {
    int h = rowMap.length;
    int w = colMap.length;
    long size = (long) channels * h * w;
    if (window.length < size) {
      window = new float[grow(size)];
    }
    float[] dst = window;
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < h; y++) {
        int d = (c * h + y) * w;
        if (rowMap[y] < 0) {
          Arrays.fill(dst, d, d + w, pad);
          continue;
        }
        int s = (c * srcRows + rowMap[y]) * srcCols;
        int x = 0;
        while (x < w) {
          int from = colMap[x];
          int run = 1;
          if (from < 0) {
            while (x + run < w && colMap[x + run] < 0) {
              run++;
            }
            Arrays.fill(dst, d + x, d + x + run, pad);
          } else {
            while (x + run < w && colMap[x + run] == from + run) {
              run++;
            }
            System.arraycopy(src, s + from, dst, d + x, run);
          }
          x += run;
        }
      }
    }
    return dst;
  }

  /** The ping buffer (or the pong one), at least {@code size} values. */
  private float[] buffer(boolean usePing, long size) {
    if (usePing) {
      if (ping.length < size) {
        ping = new float[grow(size)];
      }
      return ping;
    }
    if (pong.length < size) {
      pong = new float[grow(size)];
    }
    return pong;
  }

  private float[] blockBuffer(long size) {
    if (block.length < size) {
      block = new float[grow(size)];
    }
    return block;
  }

  private static int grow(long size) {
    if (size > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(
          "a tile's map of "
              + size
              + " values is more than one Java array holds; use a smaller --tile");
    }
    return (int) size;
  }

  /**
   * The written layers' whole maps for an in-memory image, by layer name: the stack on one tile
   * covering the last map, through the same code as any tile.
   */
  public static Map<String, Tensor3> evaluateImage(LayerStack stack, Tensor3 image) {
    StackGeometry g = stack.geometry(image.channels(), image.height(), image.width());
    TilePlan plan = g.plan(0, 0, g.outHeight(), g.outWidth());
    Map<String, Tensor3> maps = new LinkedHashMap<>();
    try {
      new StackEvaluator(stack)
          .evaluate(
              g,
              plan,
              RegionReader.of(image),
              region -> maps.put(stack.layer(region.layer()).name(), region.toTensor()));
    } catch (IOException e) {
      throw new AssertionError("in-memory reads do not fail", e);
    }
    return maps;
  }
}
