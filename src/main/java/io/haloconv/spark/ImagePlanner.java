package io.haloconv.spark;

import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.ConvSpec;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.ImageInfo;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileGrid;
import io.haloconv.tiling.TileSizes;
import java.io.Serializable;

/**
 * Plans one probed image: checks that it fits the bank, cuts its feature map into tiles and weighs
 * each tile's work. Spark-free and serializable: the driver builds it from the {@link JobConfig},
 * and executors plan the images of their own probe partitions with it, so the driver never holds a
 * plan per image.
 *
 * <p>Work is pixel work: a tile's multiply-adds (output pixels · K · C/G · Fh · Fw), plus its
 * window's decoded values (weighted as {@link #DECODE_WEIGHT} multiply-adds each), plus a fixed
 * {@link #IMAGE_WORK} for the first tile of every image, which stands for opening and probing a
 * file: without it, 100,000 tiny images would weigh nothing beside one large one.
 */
final class ImagePlanner implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Work of one decoded window value, in multiply-adds: about what decoding and padding cost. */
  static final long DECODE_WEIGHT = 8;
  /** Fixed work per image, in multiply-adds: opening a file costs about a 64x64 tile's kernel. */
  static final long IMAGE_WORK = 1L << 20;

  private final ConvSpec spec;
  private final ChannelMode channels;
  private final int needChannels;
  private final long macsPerOutputPixel;
  private final int tileHeight;
  private final int tileWidth;

  ImagePlanner(JobConfig config) {
    this.spec = config.spec();
    this.channels = config.channels();
    this.needChannels = config.spec().inputChannels(config.bank());
    this.macsPerOutputPixel = (long) config.bank().filters() * spec.macsPerOutput(config.bank());
    int side = TileSizes.defaultSide(config.bank().filters(),
        config.precision().bytesPerValue());
    this.tileHeight = config.tileHeight() > 0 ? config.tileHeight() : side;
    this.tileWidth = config.tileWidth() > 0 ? config.tileWidth() : side;
  }

  /** The largest feature row a tile can produce: tile size · K · bytes per value. */
  long maxRowBytes(int filters, int bytesPerValue) {
    return (long) tileHeight * tileWidth * filters * bytesPerValue;
  }

  /** The tiles of one image, or why it is a bad record. */
  record Plan(ImageInfo image, TileGrid grid, BadRecord misfit) {
    int tiles() {
      return grid == null ? 0 : grid.count();
    }
  }

  Plan plan(ImageInfo image) {
    int channelsAfter = channels.outputChannels(image.channels());
    if (channelsAfter != needChannels) {
      return new Plan(image, null, new BadRecord(image.path(), "convolve", "channel-mismatch",
          "filters expect " + needChannels + " channels, image has " + channelsAfter));
    }
    ConvGeometry geometry;
    try {
      geometry = spec.geometry(image.height(), image.width());
    } catch (IllegalArgumentException e) {
      return new Plan(image, null, new BadRecord(image.path(), "convolve", "invalid-geometry",
          "image is " + image.width() + "x" + image.height() + ": " + e.getMessage()));
    }
    return new Plan(image, new TileGrid(geometry, tileHeight, tileWidth), null);
  }

  /** The work of tile {@code index} of a planned image. */
  long work(Plan plan, Tile tile) {
    long window = (long) tile.input().height() * tile.input().width() * plan.image().channels();
    long work = tile.outputPixels() * macsPerOutputPixel + window * DECODE_WEIGHT;
    return tile.index() == 0 ? work + IMAGE_WORK : work;
  }

  /** The task descriptor of one tile. */
  static TileTask task(Plan plan, Tile tile) {
    ConvGeometry g = plan.grid().geometry();
    return new TileTask(plan.image(), tile, g.outHeight(), g.outWidth(), plan.tiles());
  }
}
