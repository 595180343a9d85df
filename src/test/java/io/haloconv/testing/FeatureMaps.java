package io.haloconv.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reassembles whole feature maps from a featurize output, checking on the way that every image's
 * tiles cover its map exactly once. Two readers: Spark's, and parquet-hadoop's directly, which
 * shares no code with the Spark writer's read path.
 */
public final class FeatureMaps {
  private FeatureMaps() {}

  /** One output row, whichever reader produced it. */
  public record TileRow(
      String path,
      int y0,
      int x0,
      int height,
      int width,
      int channels,
      int outHeight,
      int outWidth,
      String dtype,
      byte[] features) {}

  public static Map<String, Tensor3> viaSpark(SparkSession spark, String dir) {
    List<TileRow> rows = new ArrayList<>();
    for (Row r : spark.read().parquet(dir).collectAsList()) {
      rows.add(
          new TileRow(
              r.getString(r.fieldIndex("path")),
              r.getInt(r.fieldIndex("y0")),
              r.getInt(r.fieldIndex("x0")),
              r.getInt(r.fieldIndex("height")),
              r.getInt(r.fieldIndex("width")),
              r.getInt(r.fieldIndex("channels")),
              r.getInt(r.fieldIndex("out_height")),
              r.getInt(r.fieldIndex("out_width")),
              r.getString(r.fieldIndex("dtype")),
              (byte[]) r.get(r.fieldIndex("features"))));
    }
    return assemble(rows);
  }

  public static Map<String, Tensor3> viaParquetHadoop(String dir) throws IOException {
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
    Configuration conf = new Configuration();
    FileSystem fs = root.getFileSystem(conf);
    List<TileRow> rows = new ArrayList<>();
    for (FileStatus file : fs.listStatus(root)) {
      String name = file.getPath().getName();
      if (!name.endsWith(".parquet") || name.startsWith("_") || name.startsWith(".")) {
        continue;
      }
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), file.getPath()).withConf(conf).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          rows.add(
              new TileRow(
                  g.getString("path", 0),
                  g.getInteger("y0", 0),
                  g.getInteger("x0", 0),
                  g.getInteger("height", 0),
                  g.getInteger("width", 0),
                  g.getInteger("channels", 0),
                  g.getInteger("out_height", 0),
                  g.getInteger("out_width", 0),
                  g.getString("dtype", 0),
                  g.getBinary("features", 0).getBytes()));
        }
      }
    }
    return assemble(rows);
  }

  /** Reassembles rows from any source, checking coverage. */
  public static Map<String, Tensor3> assembleRows(List<TileRow> rows) {
    return assemble(rows);
  }

  static Map<String, Tensor3> assemble(List<TileRow> rows) {
    Map<String, Tensor3> maps = new TreeMap<>();
    Map<String, int[]> coverage = new TreeMap<>();
    for (TileRow r : rows) {
      Precision precision = Precision.parse(r.dtype());
      assertThat(r.features().length)
          .as("feature bytes of %s tile at %d,%d", r.path(), r.y0(), r.x0())
          .isEqualTo(r.channels() * r.height() * r.width() * precision.bytesPerValue());
      Tensor3 map =
          maps.computeIfAbsent(
              r.path(), p -> Tensor3.zeros(r.channels(), r.outHeight(), r.outWidth()));
      int[] covered =
          coverage.computeIfAbsent(r.path(), p -> new int[r.outHeight() * r.outWidth()]);
      assertThat(map.height()).isEqualTo(r.outHeight());
      assertThat(map.width()).isEqualTo(r.outWidth());
      float[] values = precision.decode(r.features(), 0, r.channels() * r.height() * r.width());
      for (int k = 0; k < r.channels(); k++) {
        for (int y = 0; y < r.height(); y++) {
          for (int x = 0; x < r.width(); x++) {
            map.set(k, r.y0() + y, r.x0() + x, values[(k * r.height() + y) * r.width() + x]);
          }
        }
      }
      for (int y = 0; y < r.height(); y++) {
        for (int x = 0; x < r.width(); x++) {
          covered[(r.y0() + y) * r.outWidth() + r.x0() + x]++;
        }
      }
    }
    for (Map.Entry<String, int[]> e : coverage.entrySet()) {
      assertThat(e.getValue())
          .as("tiles of %s cover every output pixel exactly once", e.getKey())
          .containsOnly(1);
    }
    return maps;
  }
}
