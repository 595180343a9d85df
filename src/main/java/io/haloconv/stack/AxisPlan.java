package io.haloconv.stack;

import io.haloconv.conv.AxisGeometry;
import io.haloconv.conv.PaddingMode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Which indices of every level a tile computes, along one axis. Level 0 is the image, level {@code
 * L} is layer {@code L−1}'s output; level n is the tile's own outputs.
 *
 * <p>Built backwards from the tile: a run of outputs [a, b) of a layer reads the padded positions
 * [a·S − before, (b−1)·S − before + reach) of its input (the window of {@link AxisGeometry}); each
 * position maps through that layer's padding mode to a real index of the level below, or to none.
 * Positions inside the map are one interval; the few padded ones (at most before + after) are
 * mapped one by one: {@code reflect} and {@code replicate} land near the same edge, {@code
 * circular} on the far edge of the map, which may be far outside the tile's receptive field. The
 * union, as sorted disjoint spans, is what the level below must compute — exactly the values
 * whole-map evaluation would read, so the tile's result is the whole map's.
 *
 * <p>Spans closer than a small gap are merged (a kernel smaller than its stride leaves gaps):
 * computing a few unneeded values is cheaper than another window. A level's values live in a
 * compact buffer, spans side by side.
 */
public final class AxisPlan {
  /** Spans closer than this (or than the reading layer's stride) are computed as one. */
  static final int MERGE_GAP = 16;

  private final int[][] spans;
  private final int[] totals;
  private final int[] emitStart;
  private final int[] emitEnd;
  private final AxisGeometry[] axes;

  private AxisPlan(
      int[][] spans, int[] totals, int[] emitStart, int[] emitEnd, AxisGeometry[] axes) {
    this.spans = spans;
    this.totals = totals;
    this.emitStart = emitStart;
    this.emitEnd = emitEnd;
    this.axes = axes;
  }

  /**
   * @param axes this axis's geometry of each layer
   * @param modes each layer's padding mode
   * @param written which layers' outputs are written
   * @param start first output of the tile in the last level
   * @param end one past the tile's last output
   */
  static AxisPlan of(
      AxisGeometry[] axes, PaddingMode[] modes, boolean[] written, int start, int end) {
    int n = axes.length;
    int[] sizes = new int[n + 1];
    for (int i = 0; i < n; i++) {
      sizes[i] = axes[i].input();
    }
    sizes[n] = axes[n - 1].output();
    if (start < 0 || end > sizes[n] || start >= end) {
      throw new IllegalArgumentException(
          "tile [" + start + ", " + end + ") must lie in the output [0, " + sizes[n] + ")");
    }
    int[] emitStart = new int[n + 1];
    int[] emitEnd = new int[n + 1];
    Arrays.fill(emitStart, -1);
    Arrays.fill(emitEnd, -1);
    emitStart[n] = start;
    emitEnd[n] = end;
    for (int level = 1; level < n; level++) {
      if (written[level - 1]) {
        // The written map is cut where the tile boundaries project: tile t writes
        // [lo(O_t), lo(O_t+1)), the first from 0 and the last to the end, so the tiles of one image
        // cover each written map exactly once.
        int s = start == 0 ? 0 : clamp(project(axes, level, start), sizes[level]);
        int e = end == sizes[n] ? sizes[level] : clamp(project(axes, level, end), sizes[level]);
        if (s < e) {
          emitStart[level] = s;
          emitEnd[level] = e;
        }
      }
    }
    int[][] spans = new int[n + 1][];
    spans[n] = new int[] {start, end};
    for (int level = n; level >= 1; level--) {
      AxisGeometry g = axes[level - 1];
      List<int[]> need = new ArrayList<>();
      int[] above = spans[level];
      for (int k = 0; k < above.length; k += 2) {
        int v0 = g.inputStart(above[k]);
        int v1 = g.inputEnd(above[k + 1]);
        addMapped(need, v0, v1, modes[level - 1], sizes[level - 1]);
      }
      if (emitStart[level - 1] >= 0) {
        need.add(new int[] {emitStart[level - 1], emitEnd[level - 1]});
      }
      spans[level - 1] = merge(need, Math.max(MERGE_GAP, g.stride()));
    }
    int[] totals = new int[n + 1];
    for (int level = 0; level <= n; level++) {
      for (int k = 0; k < spans[level].length; k += 2) {
        totals[level] += spans[level][k + 1] - spans[level][k];
      }
    }
    return new AxisPlan(spans, totals, emitStart, emitEnd, axes);
  }

  /**
   * First index of {@code level} that outputs from {@code out} on read: the composed window start.
   */
  private static int project(AxisGeometry[] axes, int level, int out) {
    long v = out;
    for (int i = axes.length - 1; i >= level; i--) {
      v = v * axes[i].stride() - axes[i].before();
    }
    return (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, v));
  }

  private static int clamp(int v, int size) {
    return Math.max(0, Math.min(size, v));
  }

  /** Adds the real indices that padded positions [v0, v1) read under {@code mode}. */
  private static void addMapped(List<int[]> out, int v0, int v1, PaddingMode mode, int size) {
    int inside0 = Math.max(v0, 0);
    int inside1 = Math.min(v1, size);
    if (inside0 < inside1) {
      out.add(new int[] {inside0, inside1});
    }
    for (int v = v0; v < Math.min(v1, 0); v++) {
      addIndex(out, mode.sourceIndex(v, size));
    }
    for (int v = Math.max(v0, size); v < v1; v++) {
      addIndex(out, mode.sourceIndex(v, size));
    }
  }

  private static void addIndex(List<int[]> out, int index) {
    if (index != PaddingMode.ZERO) {
      out.add(new int[] {index, index + 1});
    }
  }

  private static int[] merge(List<int[]> intervals, int gap) {
    intervals.sort((x, y) -> Integer.compare(x[0], y[0]));
    List<int[]> merged = new ArrayList<>();
    for (int[] iv : intervals) {
      int[] last = merged.isEmpty() ? null : merged.get(merged.size() - 1);
      if (last != null && iv[0] <= last[1] + gap) {
        last[1] = Math.max(last[1], iv[1]);
      } else {
        merged.add(new int[] {iv[0], iv[1]});
      }
    }
    int[] flat = new int[merged.size() * 2];
    for (int i = 0; i < merged.size(); i++) {
      flat[2 * i] = merged.get(i)[0];
      flat[2 * i + 1] = merged.get(i)[1];
    }
    return flat;
  }

  /** Levels, image included: layers + 1. */
  public int levels() {
    return spans.length;
  }

  /** Number of spans computed at {@code level}. */
  public int spanCount(int level) {
    return spans[level].length / 2;
  }

  public int spanStart(int level, int span) {
    return spans[level][2 * span];
  }

  public int spanEnd(int level, int span) {
    return spans[level][2 * span + 1];
  }

  /** Values computed at {@code level} along this axis: the compact buffer's extent. */
  public int total(int level) {
    return totals[level];
  }

  /** Position of real index {@code index} of {@code level} in the compact buffer, or −1. */
  public int compactIndex(int level, int index) {
    int offset = 0;
    int[] s = spans[level];
    for (int k = 0; k < s.length; k += 2) {
      if (index < s[k]) {
        return -1;
      }
      if (index < s[k + 1]) {
        return offset + index - s[k];
      }
      offset += s[k + 1] - s[k];
    }
    return -1;
  }

  /** First written index of {@code level} (a written layer's output), or −1 when none. */
  public int emitStart(int level) {
    return emitStart[level];
  }

  /** One past the last written index of {@code level}, or −1 when none. */
  public int emitEnd(int level) {
    return emitEnd[level];
  }

  /** The geometry of the layer that computes {@code level} from the level below. */
  AxisGeometry producer(int level) {
    return axes[level - 1];
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("AxisPlan[");
    for (int level = 0; level < spans.length; level++) {
      s.append(level == 0 ? "" : " | ").append(Arrays.toString(spans[level]));
    }
    return s.append(']').toString();
  }
}
