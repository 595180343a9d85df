package io.haloconv.spark.output;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.desc;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;

import io.haloconv.tensor.Precision;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What {@code haloconv inspect} reports about an output, computed in Spark: counts per layer,
 * per-channel statistics of the decoded feature values, and bad records grouped by reason.
 */
public final class OutputStats {
  private OutputStats() {}

  /**
   * Counts of one layer (or of the whole output when it has one layer).
   *
   * @param layer the layer's name, or null
   * @param images distinct {@code path} values
   * @param tiles rows
   * @param channels the distinct channel counts (one, normally)
   * @param dtypes the distinct stored dtypes (one, normally)
   * @param values feature values, summed over tiles
   * @param minHeight smallest feature-map height; with the others, the range of map sizes
   */
  public record LayerCounts(
      String layer,
      long images,
      long tiles,
      List<Integer> channels,
      List<String> dtypes,
      long values,
      int minHeight,
      int maxHeight,
      int minWidth,
      int maxWidth) {}

  /**
   * Statistics of one channel's finite values over every image, as decoded to float32 (float16 and
   * bfloat16 values exactly as stored).
   *
   * @param count finite values
   * @param nonFinite NaN and infinite values, left out of the others
   * @param std the population standard deviation
   */
  public record ChannelStats(
      String layer,
      int channel,
      long count,
      long nonFinite,
      double min,
      double max,
      double mean,
      double std) {}

  /** Bad records of one kind, with one example. */
  public record ErrorGroup(
      String stage, String error, long count, String examplePath, String exampleMessage) {}

  public static List<LayerCounts> counts(Dataset<Row> features, boolean layered) {
    Dataset<Row> grouped =
        (layered
                ? features.groupBy(col(TileRows.LAYER))
                : features
                    .withColumn(TileRows.LAYER, lit(null).cast("string"))
                    .groupBy(col(TileRows.LAYER)))
            .agg(
                countDistinct("path"),
                count(lit(1)),
                collect_set("channels"),
                collect_set("dtype"),
                sum(col("channels").cast("long").multiply(col("height")).multiply(col("width"))),
                min("out_height"),
                max("out_height"),
                min("out_width"),
                max("out_width"))
            .orderBy(TileRows.LAYER);
    List<LayerCounts> out = new ArrayList<>();
    for (Row r : grouped.collectAsList()) {
      if (r.getLong(2) == 0) {
        continue;
      }
      List<Integer> channels = new ArrayList<>(r.<Integer>getList(3));
      channels.sort(null);
      List<String> dtypes = new ArrayList<>(r.<String>getList(4));
      dtypes.sort(null);
      out.add(
          new LayerCounts(
              r.getString(0),
              r.getLong(1),
              r.getLong(2),
              channels,
              dtypes,
              r.isNullAt(5) ? 0 : r.getLong(5),
              r.getInt(6),
              r.getInt(7),
              r.getInt(8),
              r.getInt(9)));
    }
    return out;
  }

  /**
   * The counts of an embedding output ({@link EmbeddingRows}), as one {@link LayerCounts}: images,
   * rows ({@code tiles}), K ({@code channels}), values, and the range of cell box sizes in input
   * pixels (the {@code min}/{@code max} sizes).
   */
  public static List<LayerCounts> embeddingCounts(Dataset<Row> rows) {
    Row r =
        rows.agg(
                countDistinct(EmbeddingRows.PATH),
                count(lit(1)),
                collect_set(EmbeddingRows.CHANNELS),
                sum(col(EmbeddingRows.CHANNELS).cast("long")),
                min(EmbeddingRows.HEIGHT),
                max(EmbeddingRows.HEIGHT),
                min(EmbeddingRows.WIDTH),
                max(EmbeddingRows.WIDTH))
            .first();
    if (r.getLong(1) == 0) {
      return List.of();
    }
    List<Integer> channels = new ArrayList<>(r.<Integer>getList(2));
    channels.sort(null);
    return List.of(
        new LayerCounts(
            null,
            r.getLong(0),
            r.getLong(1),
            channels,
            List.of("float32"),
            r.getLong(3),
            r.getInt(4),
            r.getInt(5),
            r.getInt(6),
            r.getInt(7)));
  }

  /**
   * Statistics of each embedding dimension over every row (finite values; NaN and infinities are
   * counted apart), with Spark's aggregates: the rows are small, K values each.
   */
  public static List<ChannelStats> embeddingChannels(Dataset<Row> rows) {
    Dataset<Row> values =
        rows.select(
            org.apache
                .spark
                .sql
                .functions
                .posexplode(col(EmbeddingRows.EMBEDDING))
                .as(new String[] {"dimension", "value"}));
    Column v = col("value").cast("double");
    Column finite =
        org.apache
            .spark
            .sql
            .functions
            .not(org.apache.spark.sql.functions.isnan(v))
            .and(org.apache.spark.sql.functions.abs(v).notEqual(lit(Double.POSITIVE_INFINITY)));
    Column kept = org.apache.spark.sql.functions.when(finite, v);
    List<Row> grouped =
        values
            .groupBy(col("dimension"))
            .agg(
                count(kept),
                count(lit(1)),
                min(kept),
                max(kept),
                org.apache.spark.sql.functions.avg(kept),
                org.apache.spark.sql.functions.stddev_pop(kept))
            .orderBy(col("dimension"))
            .collectAsList();
    List<ChannelStats> out = new ArrayList<>();
    for (Row r : grouped) {
      long finiteCount = r.getLong(1);
      out.add(
          new ChannelStats(
              null,
              r.getInt(0),
              finiteCount,
              r.getLong(2) - finiteCount,
              r.isNullAt(3) ? Double.NaN : r.getDouble(3),
              r.isNullAt(4) ? Double.NaN : r.getDouble(4),
              r.isNullAt(5) ? Double.NaN : r.getDouble(5),
              r.isNullAt(6) ? Double.NaN : r.getDouble(6)));
    }
    return out;
  }

  private static final StructType PARTIAL =
      new StructType(
          new StructField[] {
            DataTypes.createStructField("layer", DataTypes.StringType, true),
            DataTypes.createStructField("channel", DataTypes.IntegerType, false),
            DataTypes.createStructField("count", DataTypes.LongType, false),
            DataTypes.createStructField("non_finite", DataTypes.LongType, false),
            DataTypes.createStructField("min", DataTypes.DoubleType, false),
            DataTypes.createStructField("max", DataTypes.DoubleType, false),
            DataTypes.createStructField("mean", DataTypes.DoubleType, false),
            DataTypes.createStructField("m2", DataTypes.DoubleType, false),
          });

  /**
   * Per-channel statistics: each task decodes its tiles and keeps, per layer and channel, a count,
   * min, max, mean and sum of squared deviations; the driver merges the partial results with Chan
   * et al.'s pairwise formula, which stays accurate where a sum of squares would cancel.
   */
  public static List<ChannelStats> channels(Dataset<Row> features, boolean layered) {
    Dataset<Row> input =
        features.select(
            layered ? col(TileRows.LAYER) : lit(null).cast("string").as(TileRows.LAYER),
            col("channels"),
            col("height"),
            col("width"),
            col("dtype"),
            col("features"));
    List<Row> partials =
        input.mapPartitions(new PartialMoments(), Encoders.row(PARTIAL)).collectAsList();
    Map<String, Moments> merged = new TreeMap<>();
    for (Row r : partials) {
      String key =
          (r.isNullAt(0) ? "" : r.getString(0)) + "\u0000" + String.format("%09d", r.getInt(1));
      Moments m =
          merged.computeIfAbsent(
              key, k -> new Moments(r.isNullAt(0) ? null : r.getString(0), r.getInt(1)));
      m.merge(
          r.getLong(2),
          r.getLong(3),
          r.getDouble(4),
          r.getDouble(5),
          r.getDouble(6),
          r.getDouble(7));
    }
    List<ChannelStats> out = new ArrayList<>();
    for (Moments m : merged.values()) {
      out.add(m.stats());
    }
    return out;
  }

  public static List<ErrorGroup> errorGroups(Dataset<Row> errors) {
    List<ErrorGroup> out = new ArrayList<>();
    for (Row r :
        errors
            .groupBy("stage", "error")
            .agg(count(lit(1)).as("n"), first("path"), first("message"))
            .orderBy(desc("n"), col("stage"), col("error"))
            .collectAsList()) {
      out.add(
          new ErrorGroup(
              r.getString(0), r.getString(1), r.getLong(2), r.getString(3), r.getString(4)));
    }
    return out;
  }

  /** Running moments of one channel. */
  static final class Moments {
    final String layer;
    final int channel;
    long count;
    long nonFinite;
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    double mean;
    double m2;

    Moments(String layer, int channel) {
      this.layer = layer;
      this.channel = channel;
    }

    void merge(long n, long bad, double lo, double hi, double m, double sq) {
      nonFinite += bad;
      if (n == 0) {
        return;
      }
      min = Math.min(min, lo);
      max = Math.max(max, hi);
      long total = count + n;
      double delta = m - mean;
      mean += delta * n / total;
      m2 += sq + delta * delta * ((double) count * n / total);
      count = total;
    }

    ChannelStats stats() {
      boolean any = count > 0;
      return new ChannelStats(
          layer,
          channel,
          count,
          nonFinite,
          any ? min : Double.NaN,
          any ? max : Double.NaN,
          any ? mean : Double.NaN,
          any ? Math.sqrt(m2 / count) : Double.NaN);
    }
  }

  /** Executor side: decodes each tile and folds every channel plane into its moments. */
  static final class PartialMoments implements MapPartitionsFunction<Row, Row> {
    private static final long serialVersionUID = 1L;

    @Override
    public Iterator<Row> call(Iterator<Row> rows) {
      Map<String, Moments> moments = new TreeMap<>();
      while (rows.hasNext()) {
        Row r = rows.next();
        String layer = r.isNullAt(0) ? null : r.getString(0);
        int k = r.getInt(1);
        int plane = r.getInt(2) * r.getInt(3);
        Precision precision = Precision.parse(r.getString(4));
        byte[] bytes = (byte[]) r.get(5);
        float[] values =
            precision.decode(
                bytes, 0, Math.min(k * plane, bytes.length / precision.bytesPerValue()));
        for (int c = 0; c < k; c++) {
          Moments m =
              moments.computeIfAbsent(
                  (layer == null ? "" : layer) + "\u0000" + c,
                  key ->
                      new Moments(
                          layer, Integer.parseInt(key.substring(key.indexOf('\u0000') + 1))));
          // Two passes over the plane: its own mean, then squared deviations from it.
          long n = 0;
          long bad = 0;
          double sum = 0;
          double lo = Double.POSITIVE_INFINITY;
          double hi = Double.NEGATIVE_INFINITY;
          int from = c * plane;
          int to = Math.min(values.length, from + plane);
          for (int i = from; i < to; i++) {
            float v = values[i];
            if (Float.isFinite(v)) {
              n++;
              sum += v;
              lo = Math.min(lo, v);
              hi = Math.max(hi, v);
            } else {
              bad++;
            }
          }
          double mean = n == 0 ? 0 : sum / n;
          double sq = 0;
          for (int i = from; i < to; i++) {
            float v = values[i];
            if (Float.isFinite(v)) {
              double d = v - mean;
              sq += d * d;
            }
          }
          m.merge(n, bad, lo, hi, mean, sq);
        }
      }
      List<Row> out = new ArrayList<>();
      for (Moments m : moments.values()) {
        out.add(
            RowFactory.create(
                m.layer,
                m.channel,
                m.count,
                m.nonFinite,
                m.count == 0 ? 0.0 : m.min,
                m.count == 0 ? 0.0 : m.max,
                m.mean,
                m.m2));
      }
      return out.iterator();
    }
  }
}
