package io.haloconv.spark.plan;

import io.haloconv.io.ImageInfo;
import io.haloconv.spark.FeaturizeJob;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.WorkSplit;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.TreeMap;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import scala.Tuple2;

/**
 * Splits a job's tiles into tasks of equal work without a per-image plan on the driver.
 *
 * <p>Executors plan the images of their probe partitions ({@link ImagePlanner}) and send the driver
 * one {@link PartitionStats} each: counts, total and largest tile work, and the few images that
 * need attention (bad records, images to stream into scratch rasters). From the work before each
 * partition the driver knows where every tile falls in the job's sequence of work; executors then
 * assign each of their tiles to the group its midpoint falls in ({@link WorkSplit#groupOf}), and
 * one shuffle of small tile descriptors brings each group's tiles together, in sequence order, so
 * an image's tiles stay consecutive and row-major within a task. The driver holds a few numbers per
 * probe partition and per group, whatever the number of images.
 */
public final class WorkPlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Keys carry the group in the bits above the tile's sequence number. */
  private static final int SEQUENCE_BITS = 40;

  /** What one probe partition found. */
  public record PartitionStats(
      long files,
      long images,
      long tiles,
      long work,
      long largestTile,
      long[] tilesPerWrittenLayer,
      BadRecord[] bad,
      ImageInfo[] scratch)
      implements Serializable {}

  private final ImagePlanner planner;
  private final long[] workBefore;
  private final long[] tilesBefore;
  private final long totalWork;
  private final int groups;
  public final long files;
  public final long images;
  public final long tiles;
  final long largestTile;

  /** Tiles writing a part of each written layer, over all planned images. */
  public final long[] tilesPerWrittenLayer;

  public final List<BadRecord> bad;
  public final List<ImageInfo> scratch;

  private WorkPlan(ImagePlanner planner, List<PartitionStats> stats, int groups) {
    this.planner = planner;
    this.workBefore = new long[stats.size()];
    this.tilesBefore = new long[stats.size()];
    long work = 0;
    long tileCount = 0;
    long fileCount = 0;
    long imageCount = 0;
    long largest = 0;
    long[] perLayer = new long[planner.writtenLayers()];
    List<BadRecord> badRecords = new ArrayList<>();
    List<ImageInfo> staged = new ArrayList<>();
    for (int p = 0; p < stats.size(); p++) {
      PartitionStats s = stats.get(p);
      workBefore[p] = work;
      tilesBefore[p] = tileCount;
      work += s.work();
      tileCount += s.tiles();
      fileCount += s.files();
      imageCount += s.images();
      largest = Math.max(largest, s.largestTile());
      for (int l = 0; l < perLayer.length; l++) {
        perLayer[l] += s.tilesPerWrittenLayer()[l];
      }
      badRecords.addAll(List.of(s.bad()));
      staged.addAll(List.of(s.scratch()));
    }
    this.totalWork = work;
    this.files = fileCount;
    this.images = imageCount;
    this.tiles = tileCount;
    this.largestTile = largest;
    this.tilesPerWrittenLayer = perLayer;
    this.bad = badRecords;
    this.scratch = staged;
    this.groups = groups;
  }

  /**
   * Gathers the statistics of every probe partition (one Spark job over the probes, which the
   * caller should persist) and chooses the number of groups.
   *
   * @param cores the cluster's parallelism
   * @param partitions the number of groups asked for, or 0 to choose
   */
  public static WorkPlan of(
      JavaRDD<ProbeOutcome> probes, ImagePlanner planner, int cores, int partitions) {
    List<PartitionStats> stats =
        probes.mapPartitions(outcomes -> List.of(stats(outcomes, planner)).iterator()).collect();
    return fromStats(planner, stats, cores, partitions);
  }

  /** The plan for probe partitions whose statistics are {@code stats}, in partition order. */
  public static WorkPlan fromStats(
      ImagePlanner planner, List<PartitionStats> stats, int cores, int partitions) {
    WorkPlan draft = new WorkPlan(planner, stats, 1);
    int groups =
        partitions > 0
            ? partitions
            : groupCount(cores, draft.totalWork, draft.tiles, draft.largestTile);
    return new WorkPlan(
        planner, stats, (int) Math.max(1, Math.min(groups, Math.max(1, draft.tiles))));
  }

  /** What the planner makes of one probe partition's outcomes. */
  public static PartitionStats stats(Iterator<ProbeOutcome> outcomes, ImagePlanner planner) {
    long files = 0;
    long images = 0;
    long tiles = 0;
    long work = 0;
    long largest = 0;
    long[] perLayer = new long[planner.writtenLayers()];
    List<BadRecord> bad = new ArrayList<>();
    List<ImageInfo> scratch = new ArrayList<>();
    while (outcomes.hasNext()) {
      ProbeOutcome outcome = outcomes.next();
      files++;
      if (outcome.error() != null) {
        bad.add(outcome.error());
        continue;
      }
      ImagePlanner.Plan plan = planner.plan(outcome.info());
      if (plan.misfit() != null) {
        bad.add(plan.misfit());
        continue;
      }
      images++;
      for (int i = 0; i < plan.tiles(); i++) {
        Tile tile = plan.grid().tile(i);
        long w = planner.work(plan, tile);
        work += w;
        largest = Math.max(largest, w);
        boolean[] writes = planner.writes(plan, tile);
        for (int l = 0; l < writes.length; l++) {
          perLayer[l] += writes[l] ? 1 : 0;
        }
      }
      tiles += plan.tiles();
      if (plan.staged()) {
        scratch.add(outcome.info());
      }
    }
    return new PartitionStats(
        files,
        images,
        tiles,
        work,
        largest,
        perLayer,
        bad.toArray(new BadRecord[0]),
        scratch.toArray(new ImageInfo[0]));
  }

  /**
   * Enough groups to keep every core busy with room to balance, and no more than keep the largest
   * tile under a third of a group's share, so groups differ by less than 2x (a group holds its
   * share give or take one tile's work); never fewer groups than cores when there are enough tiles,
   * never more groups than tiles.
   */
  static int groupCount(int cores, long totalWork, long tiles, long largestTile) {
    long wanted =
        FeaturizeJob.autoPartitions(cores, totalWork, (int) Math.min(tiles, Integer.MAX_VALUE));
    long balanced = largestTile == 0 ? wanted : totalWork / (3 * largestTile);
    long groups = Math.min(wanted, Math.max(balanced, Math.min(cores, tiles)));
    return (int) Math.max(1, Math.min(groups, tiles));
  }

  public int groups() {
    return groups;
  }

  /** The group of each tile of a probe partition, with its sequence key. */
  public Iterator<Tuple2<Long, TileTask>> assign(
      int partition, Iterator<ProbeOutcome> outcomes, Set<String> skipped) {
    return new Assigner(partition, outcomes, skipped);
  }

  /**
   * Every tile, grouped: partition g holds group g's tiles in sequence order (the images of a group
   * one after another, each one's tiles row-major).
   */
  public JavaRDD<TileTask> tiles(JavaRDD<ProbeOutcome> probes, Set<String> skipped) {
    WorkPlan plan = this;
    JavaPairRDD<Long, TileTask> keyed =
        JavaPairRDD.fromJavaRDD(
            probes.mapPartitionsWithIndex(
                (p, outcomes) -> plan.assign(p, outcomes, skipped), true));
    return keyed.repartitionAndSortWithinPartitions(new GroupPartitioner(groups)).values();
  }

  /** Tiles and input-window pixels per group, for progress: {tiles[], pixels[]}. */
  public long[][] groupSizes(JavaRDD<ProbeOutcome> probes, Set<String> skipped) {
    WorkPlan plan = this;
    List<long[]> sparse =
        probes
            .mapPartitionsWithIndex(
                (p, outcomes) -> {
                  TreeMap<Integer, long[]> sizes = new TreeMap<>();
                  Iterator<Tuple2<Long, TileTask>> it = plan.assign(p, outcomes, skipped);
                  while (it.hasNext()) {
                    Tuple2<Long, TileTask> t = it.next();
                    long[] size =
                        sizes.computeIfAbsent((int) (t._1() >>> SEQUENCE_BITS), g -> new long[2]);
                    size[0]++;
                    size[1] +=
                        (long) t._2().tile().input().height() * t._2().tile().input().width();
                  }
                  List<long[]> rows = new ArrayList<>();
                  sizes.forEach((g, s) -> rows.add(new long[] {g, s[0], s[1]}));
                  return rows.iterator();
                },
                true)
            .collect();
    long[][] sizes = new long[2][groups];
    for (long[] row : sparse) {
      sizes[0][(int) row[0]] += row[1];
      sizes[1][(int) row[0]] += row[2];
    }
    return sizes;
  }

  /**
   * For each of the given images (found again in the probes, for images that failed): its tile
   * count, then its tiles writing a part of each written layer.
   */
  public Map<String, long[]> tileCounts(JavaRDD<ProbeOutcome> probes, Set<String> paths) {
    if (paths.isEmpty()) {
      return Map.of();
    }
    ImagePlanner p = planner;
    Map<String, long[]> counts = new HashMap<>();
    for (Tuple2<String, long[]> t :
        probes
            .filter(o -> o.info() != null && paths.contains(o.path()))
            .map(o -> new Tuple2<>(o.path(), counts(p, o.info())))
            .collect()) {
      counts.put(t._1(), t._2());
    }
    return counts;
  }

  private static long[] counts(ImagePlanner planner, ImageInfo image) {
    ImagePlanner.Plan plan = planner.plan(image);
    long[] counts = new long[1 + planner.writtenLayers()];
    counts[0] = plan.tiles();
    for (int i = 0; i < plan.tiles(); i++) {
      boolean[] writes = planner.writes(plan, plan.grid().tile(i));
      for (int l = 0; l < writes.length; l++) {
        counts[1 + l] += writes[l] ? 1 : 0;
      }
    }
    return counts;
  }

  /** Walks a probe partition's tiles exactly as {@link #stats} counted them. */
  private final class Assigner implements Iterator<Tuple2<Long, TileTask>> {
    private final Iterator<ProbeOutcome> outcomes;
    private final Set<String> skipped;
    private long running;
    private long sequence;
    private ImagePlanner.Plan plan;
    private boolean emit;
    private int tile;

    Assigner(int partition, Iterator<ProbeOutcome> outcomes, Set<String> skipped) {
      this.outcomes = outcomes;
      this.skipped = skipped;
      this.running = workBefore[partition];
      this.sequence = tilesBefore[partition];
    }

    @Override
    public boolean hasNext() {
      while (true) {
        if (plan != null && tile < plan.tiles()) {
          if (emit) {
            return true;
          }
          // A skipped image still moves the sequence on, as it did when counted.
          Tile t = plan.grid().tile(tile++);
          running += planner.work(plan, t);
          sequence++;
          continue;
        }
        if (!outcomes.hasNext()) {
          return false;
        }
        ProbeOutcome outcome = outcomes.next();
        plan = null;
        if (outcome.info() == null) {
          continue;
        }
        ImagePlanner.Plan next = planner.plan(outcome.info());
        if (next.misfit() != null) {
          continue;
        }
        plan = next;
        tile = 0;
        emit = !skipped.contains(outcome.path());
      }
    }

    @Override
    public Tuple2<Long, TileTask> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Tile t = plan.grid().tile(tile++);
      long w = planner.work(plan, t);
      int group = WorkSplit.groupOf(running, w, totalWork, groups);
      running += w;
      long key = ((long) group << SEQUENCE_BITS) | sequence++;
      return new Tuple2<>(key, ImagePlanner.task(plan, t));
    }
  }

  /** Sends a key to the partition of its group. */
  static final class GroupPartitioner extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int groups;

    GroupPartitioner(int groups) {
      this.groups = groups;
    }

    @Override
    public int numPartitions() {
      return groups;
    }

    @Override
    public int getPartition(Object key) {
      return (int) ((Long) key >>> SEQUENCE_BITS);
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof GroupPartitioner p && p.groups == groups;
    }

    @Override
    public int hashCode() {
      return groups;
    }
  }
}
