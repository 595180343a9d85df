package io.haloconv.spark;

import io.haloconv.io.ImageInfo;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.StackGrid;
import io.haloconv.stack.TilePlan;
import io.haloconv.tiling.Tile;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;

/**
 * Plans a job on the driver from image headers alone: each image that fits the stack is cut into
 * output tiles of the last layer; each tile gets its pixel work (every layer's multiply-adds over
 * the values its plan computes, plus the pixels it decodes) and the written layers it contributes
 * to. Images that do not fit become bad records.
 */
final class StackPlanner {
  /**
   * The plan.
   *
   * @param tasks one per tile, images in probe order
   * @param work each task's work, for balancing
   * @param writes for each task, which of the stack's written layers it writes a part of
   */
  record Planned(List<TileTask> tasks, long[] work, List<boolean[]> writes) {
    /** Tiles written per written layer (stack order), counting only images not in {@code failed}. */
    long[] tilesPerWrittenLayer(Set<String> failed) {
      long[] counts = new long[writes.isEmpty() ? 0 : writes.get(0).length];
      for (int t = 0; t < tasks.size(); t++) {
        if (!failed.contains(tasks.get(t).image().path())) {
          boolean[] w = writes.get(t);
          for (int l = 0; l < w.length; l++) {
            counts[l] += w[l] ? 1 : 0;
          }
        }
      }
      return counts;
    }
  }

  private StackPlanner() {}

  static Planned plan(JobConfig config, List<ProbeOutcome> probes, Map<String, BadRecord> bad) {
    LayerStack stack = config.stack();
    OptionalInt needChannels = stack.inputChannels();
    int defaultSide = stack.defaultTileSide(config.precision().bytesPerValue());
    int tileH = config.tileHeight() > 0 ? config.tileHeight() : defaultSide;
    int tileW = config.tileWidth() > 0 ? config.tileWidth() : defaultSide;
    int[] written = stack.writtenLayers();
    List<TileTask> tasks = new ArrayList<>();
    List<Long> work = new ArrayList<>();
    List<boolean[]> writes = new ArrayList<>();
    for (ProbeOutcome outcome : probes) {
      if (outcome.error() != null) {
        bad.put(outcome.path(), outcome.error());
        continue;
      }
      ImageInfo image = outcome.info();
      BadRecord misfit = PlanChecks.channels(image, config.channels(), needChannels);
      if (misfit != null) {
        bad.put(image.path(), misfit);
        continue;
      }
      int channels = config.channels().outputChannels(image.channels());
      StackGeometry geometry;
      try {
        geometry = stack.geometry(channels, image.height(), image.width());
      } catch (IllegalArgumentException e) {
        bad.put(image.path(), PlanChecks.tooSmall(image, e));
        continue;
      }
      StackGrid grid = geometry.grid(tileH, tileW);
      for (int i = 0; i < grid.count(); i++) {
        Tile tile = grid.tile(i);
        TilePlan plan = geometry.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
        tasks.add(new TileTask(image, tile, geometry.outHeight(), geometry.outWidth(), grid.count()));
        // Decoding costs about as much as 8 multiply-adds per value.
        work.add(geometry.work(plan) + plan.inputPixels() * channels * 8);
        boolean[] w = new boolean[written.length];
        for (int l = 0; l < written.length; l++) {
          w[l] = plan.writes(written[l] + 1);
        }
        writes.add(w);
      }
    }
    return new Planned(tasks, work.stream().mapToLong(Long::longValue).toArray(), writes);
  }
}
