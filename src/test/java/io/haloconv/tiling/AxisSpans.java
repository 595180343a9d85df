package io.haloconv.tiling;

import io.haloconv.conv.PaddingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * Where the pixels of a window come from along one axis. Each window position maps, through the
 * padding mode, to an image coordinate or to zero; the image coordinates needed form a few disjoint
 * spans (one for the interior, plus for {@code circular} the wrapped-around edges), read once each
 * and laid side by side in a compact buffer.
 */
final class AxisSpans {
  /** Compact-buffer position of each window position, or {@link PaddingMode#ZERO}. */
  final int[] compactIndex;

  /** Disjoint sorted image spans [start, end) as pairs. */
  final int[] spans;

  /** Total length of the spans: the compact buffer's size on this axis. */
  final int total;

  private AxisSpans(int[] compactIndex, int[] spans, int total) {
    this.compactIndex = compactIndex;
    this.spans = spans;
    this.total = total;
  }

  static AxisSpans of(int start, int length, int size, PaddingMode mode) {
    int[] source = new int[length];
    boolean[] needed = new boolean[size];
    for (int i = 0; i < length; i++) {
      source[i] = mode.sourceIndex(start + i, size);
      if (source[i] != PaddingMode.ZERO) {
        needed[source[i]] = true;
      }
    }
    List<int[]> runs = new ArrayList<>();
    int[] offsetOf = new int[size];
    int total = 0;
    for (int s = 0; s < size; s++) {
      if (needed[s]) {
        if (runs.isEmpty() || runs.get(runs.size() - 1)[1] != s) {
          runs.add(new int[] {s, s + 1});
        } else {
          runs.get(runs.size() - 1)[1] = s + 1;
        }
        offsetOf[s] = total++;
      }
    }
    int[] spans = new int[runs.size() * 2];
    for (int r = 0; r < runs.size(); r++) {
      spans[2 * r] = runs.get(r)[0];
      spans[2 * r + 1] = runs.get(r)[1];
    }
    int[] compact = new int[length];
    for (int i = 0; i < length; i++) {
      compact[i] = source[i] == PaddingMode.ZERO ? PaddingMode.ZERO : offsetOf[source[i]];
    }
    return new AxisSpans(compact, spans, total);
  }

  /**
   * Runs of window positions that read consecutive compact positions, as triples (window start,
   * compact start, length); positions reading zero are left out.
   */
  int[] runs() {
    int[] out = new int[3 * compactIndex.length];
    int n = 0;
    int i = 0;
    while (i < compactIndex.length) {
      if (compactIndex[i] == PaddingMode.ZERO) {
        i++;
        continue;
      }
      int start = i;
      while (i + 1 < compactIndex.length && compactIndex[i + 1] == compactIndex[i] + 1) {
        i++;
      }
      i++;
      out[n] = start;
      out[n + 1] = compactIndex[start];
      out[n + 2] = i - start;
      n += 3;
    }
    return java.util.Arrays.copyOf(out, n);
  }

  int spanCount() {
    return spans.length / 2;
  }

  /** True when the window is one run of real pixels read in order: no padding to fill. */
  boolean identity() {
    if (spanCount() != 1 || total != compactIndex.length) {
      return false;
    }
    for (int i = 0; i < compactIndex.length; i++) {
      if (compactIndex[i] != i) {
        return false;
      }
    }
    return true;
  }
}
