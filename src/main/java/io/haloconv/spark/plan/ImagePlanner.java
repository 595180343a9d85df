package io.haloconv.spark.plan;

import static java.util.Objects.requireNonNull;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.DecodeMemory;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.MemoryBudget;
import io.haloconv.io.tiff.ScratchRasters;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.TilePlan;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileGrid;
import java.io.Serializable;
import java.util.OptionalInt;

/**
 * Plans one probed image: checks that it fits the layer stack, cuts its last feature map into tiles
 * and weighs each tile's work. Spark-free and serializable: the driver builds it from the {@link
 * JobConfig}, and executors plan the images of their own probe partitions with it, so the driver
 * never holds a plan per image.
 *
 * <p>Work is pixel work: every layer's multiply-adds over the values a tile's plan computes (for a
 * convolution, output pixels · K · C/G · Fh · Fw), plus the pixels it decodes (weighted as {@link
 * #DECODE_WEIGHT} multiply-adds each), plus a fixed {@link #IMAGE_WORK} for the first tile of every
 * image, which stands for opening and probing a file: without it, 100,000 tiny images would weigh
 * nothing beside one large one.
 */
public final class ImagePlanner implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Work of one decoded value, in multiply-adds: about what decoding and padding cost. */
  static final long DECODE_WEIGHT = 8;

  /** Fixed work per image, in multiply-adds: opening a file costs about a 64x64 tile's kernel. */
  static final long IMAGE_WORK = 1L << 20;

  private final LayerStack stack;
  private final ChannelMode channels;

  /** The channels the first layer takes, or -1 for any (OptionalInt is not serializable). */
  private final int needChannels;

  private final int tileHeight;
  private final int tileWidth;
  private final int bytesPerValue;
  private final int[] written;

  /** What one task may spend decoding an image whole. */
  private final MemoryBudget memory;

  /** Decoded size from which a multi-tile image that is not read by window is staged. */
  private final long scratchMinBytes;

  /** A planner that never stages images into scratch rasters and sets no memory budget. */
  public ImagePlanner(JobConfig config) {
    this(config, MemoryBudget.UNLIMITED, Long.MAX_VALUE);
  }

  /**
   * @param memory what one task may spend decoding an image whole ({@link TaskMemory})
   * @param scratchMinBytes decoded size from which a multi-tile image that cannot be read by window
   *     is streamed into a scratch raster ({@link ScratchStage})
   */
  public ImagePlanner(JobConfig config, MemoryBudget memory, long scratchMinBytes) {
    this.memory = requireNonNull(memory, "memory is null");
    this.scratchMinBytes = scratchMinBytes;
    this.stack = config.stack();
    this.channels = config.channels();
    this.needChannels = stack.inputChannels().orElse(-1);
    this.bytesPerValue = config.precision().bytesPerValue();
    this.tileHeight = config.resolvedTileHeight();
    this.tileWidth = config.resolvedTileWidth();
    this.written = stack.writtenLayers();
  }

  /**
   * The tiles of one image, or why it is a bad record.
   *
   * @param staged true when the image is streamed (or decoded once) into a scratch raster before
   *     its tiles run
   */
  record Plan(
      ImageInfo image, StackGeometry geometry, TileGrid grid, boolean staged, BadRecord misfit) {
    int tiles() {
      return grid == null ? 0 : grid.count();
    }

    static Plan misfit(ImageInfo image, BadRecord misfit) {
      return new Plan(image, null, null, false, misfit);
    }
  }

  Plan plan(ImageInfo image) {
    BadRecord misfit =
        PlanChecks.channels(
            image, channels, needChannels < 0 ? OptionalInt.empty() : OptionalInt.of(needChannels));
    if (misfit != null) {
      return Plan.misfit(image, misfit);
    }
    StackGeometry geometry;
    try {
      geometry =
          stack.geometry(channels.outputChannels(image.channels()), image.height(), image.width());
    } catch (IllegalArgumentException e) {
      return Plan.misfit(image, PlanChecks.tooSmall(image, e));
    }
    TileGrid grid = geometry.grid(tileHeight, tileWidth);
    boolean multiTile = grid.count() > 1;
    boolean staged = multiTile && ScratchRasters.worthStaging(image, scratchMinBytes);
    if (DecodeMemory.decodesWhole(image, staged)) {
      // A scratch task converts the decoded raster a band at a time; a tile task reads its tiles'
      // windows from it.
      long window =
          staged
              ? (long) ScratchRasters.bandRows(image) * image.width()
              : largestWindow(geometry, grid);
      long needed = DecodeMemory.wholeDecodeBytes(image, window);
      if (needed > memory.taskBytes()) {
        if (multiTile && image.streamable() && ScratchRasters.worthStaging(image, 0)) {
          staged = true; // too large to decode whole here, but streaming it holds only a band
        } else {
          BadRecord tooLarge = PlanChecks.memory(image, needed, memory);
          if (tooLarge != null) {
            return Plan.misfit(image, tooLarge);
          }
        }
      }
    }
    return new Plan(image, geometry, grid, staged, null);
  }

  /** The most image pixels one tile of {@code grid} reads. */
  public static long largestWindow(StackGeometry geometry, TileGrid grid) {
    long largest = 1;
    for (int i = 0; i < grid.count(); i++) {
      Tile tile = grid.tile(i);
      largest =
          Math.max(
              largest,
              geometry
                  .plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth())
                  .inputPixels());
    }
    return largest;
  }

  /** Written layers, in stack order; {@link #writes} says which a tile contributes to. */
  int writtenLayers() {
    return written.length;
  }

  /** The work of one tile of a planned image. */
  long work(Plan plan, Tile tile) {
    TilePlan tilePlan = tilePlan(plan, tile);
    long decoded = tilePlan.inputPixels() * plan.geometry().channels(0);
    long work = plan.geometry().work(tilePlan) + decoded * DECODE_WEIGHT;
    return tile.index() == 0 ? work + IMAGE_WORK : work;
  }

  /** For each written layer, whether the tile writes a part of its map. */
  boolean[] writes(Plan plan, Tile tile) {
    TilePlan tilePlan = tilePlan(plan, tile);
    boolean[] w = new boolean[written.length];
    for (int l = 0; l < written.length; l++) {
      w[l] = tilePlan.writes(written[l] + 1);
    }
    return w;
  }

  private static TilePlan tilePlan(Plan plan, Tile tile) {
    return plan.geometry().plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth());
  }

  /**
   * The largest row a tile can produce: tile size · the last layer's channels · bytes per value (an
   * upper bound for the emitted layers too, which the default tile size accounts for).
   */
  public long maxRowBytes() {
    int channelsOut = stack.outputChannels(stack.size() - 1, needChannels < 0 ? 3 : needChannels);
    return (long) tileHeight * tileWidth * Math.max(1, channelsOut) * bytesPerValue;
  }

  /** The task descriptor of one tile. */
  static TileTask task(Plan plan, Tile tile) {
    StackGeometry g = plan.geometry();
    return new TileTask(plan.image(), tile, g.outHeight(), g.outWidth(), plan.tiles());
  }
}
