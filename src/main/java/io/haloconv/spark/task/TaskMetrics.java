package io.haloconv.spark.task;

import java.io.Serializable;
import org.apache.spark.SparkContext;
import org.apache.spark.util.CollectionAccumulator;
import org.apache.spark.util.LongAccumulator;

/**
 * Time and volume counters the tasks add to, read by the driver for the summary and the split of
 * time between stages (read/decode, convolve, encode).
 */
public final class TaskMetrics implements Serializable {
  /** The name of the tiles accumulator, which the progress listener reads from heartbeats. */
  public static final String TILES = "haloconv.tiles";

  public final LongAccumulator readNanos;
  public final LongAccumulator convolveNanos;
  public final LongAccumulator encodeNanos;
  final LongAccumulator tiles;
  public final LongAccumulator inputPixels;
  public final LongAccumulator outputValues;

  /**
   * Rows left out by {@code --skip-empty-tiles}, one entry per tile that left any out: {@link
   * #emptyEntry}'s text. The driver drops entries of images that failed, whose tiles it subtracts
   * whole.
   */
  public final CollectionAccumulator<String> emptyTiles;

  public TaskMetrics(SparkContext sc) {
    readNanos = sc.longAccumulator("haloconv.read.nanos");
    convolveNanos = sc.longAccumulator("haloconv.convolve.nanos");
    encodeNanos = sc.longAccumulator("haloconv.encode.nanos");
    tiles = sc.longAccumulator(TILES);
    inputPixels = sc.longAccumulator("haloconv.input.pixels");
    outputValues = sc.longAccumulator("haloconv.output.values");
    emptyTiles = sc.collectionAccumulator("haloconv.empty.tiles");
  }

  /**
   * An entry of {@link #emptyTiles}: the flags {@code TileRunner} returns (per written layer 0 or
   * 1, then 1 when the whole tile was left out), a tab, the image's path.
   */
  static String emptyEntry(String path, int[] skipped) {
    StringBuilder s = new StringBuilder();
    for (int v : skipped) {
      s.append(v);
    }
    return s.append('\t').append(path).toString();
  }

  /** The image path of an {@link #emptyTiles} entry. */
  public static String emptyPath(String entry) {
    return entry.substring(entry.indexOf('\t') + 1);
  }

  /** Whether written layer {@code index}'s row was left out, in an {@link #emptyTiles} entry. */
  public static boolean emptyRow(String entry, int index) {
    return entry.charAt(index) == '1';
  }

  /** Whether the whole tile was left out, in an {@link #emptyTiles} entry. */
  public static boolean emptyTile(String entry) {
    return entry.charAt(entry.indexOf('\t') - 1) == '1';
  }
}
