package io.haloconv.tiling;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a sequence of work items into contiguous groups of nearly equal total work. Contiguity
 * keeps the tiles of one image together, so a task that must decode a whole image (PNG, JPEG)
 * decodes it once; the split points follow the running total, so no group exceeds its fair share by
 * more than one item's work.
 */
public final class WorkSplit {
  private WorkSplit() {}

  /**
   * The group of an item of work {@code work} that follows {@code before} work in the sequence of
   * {@code total}: the group its midpoint falls in. Executors call it for their own items, given
   * the work before their partition, and get the groups {@link #contiguous} would give.
   */
  public static int groupOf(long before, long work, long total, int groups) {
    if (total <= 0) {
      return 0;
    }
    double midpoint = before + work / 2.0;
    return (int) Math.max(0, Math.min(groups - 1, Math.floor(midpoint * groups / total)));
  }

  /**
   * Returns, for {@code groups} groups, the index of each group's first item, plus {@code
   * work.length} at the end. Empty groups are dropped, so the result may describe fewer groups than
   * asked.
   */
  public static int[] contiguous(long[] work, int groups) {
    if (groups < 1) {
      throw new IllegalArgumentException("groups must be >= 1, got " + groups);
    }
    long total = 0;
    for (long w : work) {
      if (w < 0) {
        throw new IllegalArgumentException("work must be >= 0, got " + w);
      }
      total += w;
    }
    // Item i belongs to the group its midpoint in the running total falls in: monotone in i, so
    // groups are contiguous, and a group holds at most its share plus half an item on each side.
    List<Integer> starts = new ArrayList<>();
    long running = 0;
    int previous = -1;
    for (int i = 0; i < work.length; i++) {
      int g = groupOf(running, work[i], total, groups);
      if (g != previous) {
        starts.add(i);
        previous = g;
      }
      running += work[i];
    }
    if (starts.isEmpty()) {
      starts.add(0);
    }
    int[] result = new int[starts.size() + 1];
    for (int g = 0; g < starts.size(); g++) {
      result[g] = starts.get(g);
    }
    result[starts.size()] = work.length;
    return result;
  }
}
