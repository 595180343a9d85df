package io.haloconv.spark.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.io.ImageFormat;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.PixelLayout;
import io.haloconv.io.SampleFormat;
import io.haloconv.spark.JobConfig;
import io.haloconv.stack.LayerStack;
import io.haloconv.tiling.Tile;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;
import scala.Tuple2;

/**
 * The planner without Spark: probe partitions planned on their own, as executors plan them, give
 * groups of equal work, and a huge image's tiles spread over many groups.
 */
class WorkPlanTest {
  private static final FilterBank BANK = FilterBanks.random(16, 3, 3, 1);
  private static final ConvSpec SPEC = ConvSpec.builder(BANK).padding(Padding.SAME).build();

  private static ImageInfo image(String path, ImageFormat format, int width, int height, int tile) {
    return new ImageInfo(
        path,
        format,
        width,
        height,
        3,
        8,
        PixelLayout.RGB,
        SampleFormat.UNSIGNED_INTEGER,
        Math.min(tile, width),
        Math.min(tile, height),
        1000);
  }

  /** A gigapixel tiled TIFF among 20,000 photos of 32 to 512 pixels a side, in 8 partitions. */
  private static List<List<ProbeOutcome>> mixedInput() {
    List<ProbeOutcome> all = new ArrayList<>();
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      int w = 32 + random.nextInt(481);
      int h = 32 + random.nextInt(481);
      all.add(ProbeOutcome.ok(image("file:/data/small/" + i + ".png", ImageFormat.PNG, w, h, w)));
    }
    all.add(
        10_000,
        ProbeOutcome.ok(image("file:/data/scene.tif", ImageFormat.TIFF, 32768, 32768, 256)));
    List<List<ProbeOutcome>> partitions = new ArrayList<>();
    for (int p = 0; p < 8; p++) {
      partitions.add(all.subList(p * all.size() / 8, (p + 1) * all.size() / 8));
    }
    return partitions;
  }

  private static JobConfig config() {
    return JobConfig.builder("in", "out", LayerStack.of(BANK, SPEC, "random")).build();
  }

  /** Plans the partitions as the job does: statistics, then each partition's assignment. */
  private static Grouped group(List<List<ProbeOutcome>> partitions, int cores) {
    ImagePlanner planner = new ImagePlanner(config());
    List<WorkPlan.PartitionStats> stats = new ArrayList<>();
    for (List<ProbeOutcome> partition : partitions) {
      stats.add(WorkPlan.stats(partition.iterator(), planner));
    }
    WorkPlan plan = WorkPlan.fromStats(planner, stats, cores, 0);
    Grouped grouped = new Grouped(plan.groups());
    for (int p = 0; p < partitions.size(); p++) {
      Iterator<Tuple2<Long, TileTask>> it = plan.assign(p, partitions.get(p).iterator(), Set.of());
      while (it.hasNext()) {
        Tuple2<Long, TileTask> t = it.next();
        int g = (int) (t._1() >>> 40);
        Tile tile = t._2().tile();
        ImagePlanner.Plan imagePlan = planner.plan(t._2().image());
        grouped.work[g] += planner.work(imagePlan, tile);
        grouped.macs[g] += tile.outputPixels() * 16 * 27;
        grouped.tiles[g]++;
        grouped.images.get(g).add(t._2().image().path());
        if (t._2().image().path().endsWith("scene.tif")) {
          grouped.sceneGroups.add(g);
        }
        assertThat(t._1() & ((1L << 40) - 1)).as("sequence").isEqualTo(grouped.sequence++);
      }
    }
    assertThat(grouped.sequence).isEqualTo(plan.tiles);
    return grouped;
  }

  private static final class Grouped {
    final long[] work;
    final long[] macs;
    final long[] tiles;
    final List<Set<String>> images = new ArrayList<>();
    final Set<Integer> sceneGroups = new HashSet<>();
    long sequence;

    Grouped(int groups) {
      work = new long[groups];
      macs = new long[groups];
      tiles = new long[groups];
      for (int g = 0; g < groups; g++) {
        images.add(new HashSet<>());
      }
    }
  }

  private static double ratio(long[] values) {
    long min = Long.MAX_VALUE;
    long max = 0;
    for (long v : values) {
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    return (double) max / min;
  }

  @Test
  void mixedInputGivesGroupsWhosePixelWorkDiffersByLessThanTwofold() {
    Grouped grouped = group(mixedInput(), 2);
    assertThat(grouped.work.length).isGreaterThanOrEqualTo(4);
    assertThat(ratio(grouped.work)).as("work per group").isLessThan(2);
    // Pure multiply-adds (H·W·K·C·Fh·Fw) too, without the decode and per-image terms.
    assertThat(ratio(grouped.macs)).as("multiply-adds per group").isLessThan(2);
  }

  @Test
  void theHugeImageIsSpreadOverManyGroupsAndNoGroupHoldsItWhole() {
    Grouped grouped = group(mixedInput(), 2);
    assertThat(grouped.sceneGroups.size()).isGreaterThan(grouped.work.length / 4);
    long sceneTiles = 64L * 64; // 32768 / 512 per side, K = 16 float32
    for (int g = 0; g < grouped.tiles.length; g++) {
      assertThat(grouped.tiles[g]).isLessThan(sceneTiles);
    }
  }

  @Test
  void manySmallImagesArePackedManyPerGroup() {
    Grouped grouped = group(mixedInput(), 2);
    int groups = grouped.work.length;
    assertThat(groups).isLessThan(20_000 / 50);
    for (int g = 0; g < groups; g++) {
      if (!grouped.sceneGroups.contains(g)) {
        assertThat(grouped.images.get(g).size()).as("images in group %d", g).isGreaterThan(100);
      }
    }
  }

  @Test
  void assignmentDoesNotDependOnHowImagesArePartitioned() {
    List<List<ProbeOutcome>> eight = mixedInput();
    List<ProbeOutcome> all = new ArrayList<>();
    eight.forEach(all::addAll);
    Grouped one = group(List.of(all), 2);
    Grouped many = group(eight, 2);
    assertThat(many.work).containsExactly(one.work);
  }

  @Test
  void groupCountKeepsTheLargestTileUnderAThirdOfAShare() {
    // 100 tiles of work 10 and one of 500: the big tile caps the groups at 1500 / 1500 = 1 ...
    assertThat(WorkPlan.groupCount(2, 1500, 101, 500)).isEqualTo(2); // ... but cores come first
    // By work alone 1501 groups; a largest tile of 1e10 caps them at 3e13 / 3e10 = 1000.
    assertThat(WorkPlan.groupCount(2, 30_000_000_000_000L, 100_000, 10_000_000_000L))
        .isEqualTo(1000);
    assertThat(WorkPlan.groupCount(8, 100, 3, 40)).isEqualTo(3); // never more groups than tiles
  }
}
