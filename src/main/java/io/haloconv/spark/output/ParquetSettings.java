package io.haloconv.spark.output;

import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkContext;

/**
 * Parquet writer settings for feature rows, which are few and large (one output tile each, up to
 * about 16 MB), where Parquet's defaults assume many small rows.
 *
 * <ul>
 *   <li>Row groups: at most {@link #READER_BYTES} less one row, so a reader that loads a row group
 *       holds at most about 128 MB; smaller when the executor heap is small (a quarter of a task's
 *       share), so writers never hold more than the heap can spare.
 *   <li>Size checks after every row ({@code parquet.page.size.row.check.min} = 1): by default
 *       Parquet first measures its buffers after 100 rows, which is 1.6 GB of 16 MB tiles.
 *   <li>No dictionary and no min/max statistics for {@code features}: every value is distinct, and
 *       hashing or comparing megabytes per row buys nothing.
 *   <li>zstd at level 1, its fastest: features are dense floats, where higher levels gain little.
 *   <li>BYTE_STREAM_SPLIT does not apply: Parquet defines it for FLOAT, DOUBLE, INT32, INT64 and
 *       FIXED_LEN_BYTE_ARRAY columns, and {@code features} is a BINARY column (design.md §3).
 *       Splitting the bytes of bfloat16 ReLU features before zstd level 1 would shrink them by a
 *       further 13 % (ratio 3.66 against 3.19), were the column's layout free to change.
 * </ul>
 */
public final class ParquetSettings {
  /** The most a reader should hold for one row group. */
  public static final long READER_BYTES = 128L << 20;

  /** zstd's level for features: its fastest, see {@link #options}. */
  static final int ZSTD_LEVEL = 1;

  /** Row groups never smaller than this, unless one row is larger. */
  static final long MIN_ROW_GROUP_BYTES = 4L << 20;

  private ParquetSettings() {}

  /**
   * The row group size for rows of up to {@code rowBytes}, written by {@code tasks} concurrent
   * tasks sharing a heap of {@code heapBytes}.
   */
  public static long rowGroupBytes(long rowBytes, long heapBytes, int tasks) {
    long forReaders = READER_BYTES - rowBytes;
    long forWriters = heapBytes / (4L * Math.max(1, tasks));
    return Math.max(Math.max(MIN_ROW_GROUP_BYTES, rowBytes), Math.min(forReaders, forWriters));
  }

  /** Options for Spark's Parquet writer ({@code DataFrameWriter.option}), which reach Parquet. */
  public static Map<String, String> options(Compression compression, long rowGroupBytes) {
    Map<String, String> options = new LinkedHashMap<>();
    options.put("compression", compression.parquetName());
    // Level 1, not Parquet's default 3: on bfloat16 ReLU features level 1 compresses 2.4 times
    // faster (660 against 280 MB/s on one core) for 7 % larger files (ratio 3.19 against 3.42).
    options.put("parquet.compression.codec.zstd.level", Integer.toString(ZSTD_LEVEL));
    options.put("parquet.compression.codec.zstd.bufferPool.enabled", "true");
    options.put("parquet.block.size", Long.toString(rowGroupBytes));
    options.put("parquet.page.size.row.check.min", "1");
    options.put("parquet.page.size.row.check.max", "64");
    options.put("parquet.enable.dictionary#features", "false");
    options.put("parquet.column.statistics.enabled#features", "false");
    options.put("parquet.size.statistics.enabled#features", "false");
    return options;
  }

  /**
   * The writer's settings for a job on {@code sc}: the codec, and row groups sized for readers and
   * for the heap of one executor shared by the open files of the tasks it runs at once.
   *
   * @param maxRowBytes the largest row the job writes
   * @param filesPerTask the files a task writes at once: 1, or the written layers of a layered
   *     output ({@link OutputLayout#filesPerTask}), each with its own row group in memory
   */
  public static Map<String, String> writeOptions(
      SparkContext sc, Compression compression, long maxRowBytes, int filesPerTask) {
    return options(
        compression,
        rowGroupBytes(
            maxRowBytes, executorHeapBytes(sc), executorTasks(sc) * Math.max(1, filesPerTask)));
  }

  /** The heap of one executor: this JVM's in local mode, else {@code spark.executor.memory}. */
  private static long executorHeapBytes(SparkContext sc) {
    if (sc.isLocal()) {
      return Runtime.getRuntime().maxMemory();
    }
    return sc.getConf().getSizeAsBytes("spark.executor.memory", "1g");
  }

  /** Tasks one executor runs at once. */
  private static int executorTasks(SparkContext sc) {
    if (sc.isLocal()) {
      return sc.defaultParallelism();
    }
    return sc.getConf().getInt("spark.executor.cores", 1);
  }
}
