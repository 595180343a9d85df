package io.haloconv.spark.output;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.ImageBytes;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.spark.ParquetFeaturizeJob;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.spark.listing.ParquetInput;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Decodes the source image of an output's {@code path} on the driver, as its file (or Parquet row)
 * holds it ({@code --channels keep --normalize unit}), for pictures beside its feature maps.
 */
public final class SourceImages {
  /** Larger sources are not decoded for a picture: a preview would need a streaming decoder. */
  public static final long MAX_PIXELS = 1L << 26;

  private SourceImages() {}

  /**
   * The decoded source, or the reason it cannot be shown.
   *
   * @param pixels C × H × W values, or null
   * @param note why there are no pixels, or null
   */
  public record Source(Tensor3 pixels, String note) {}

  /**
   * The source of {@code path} in an output whose manifest is {@code manifest}: the file, or for
   * outputs of a Parquet input the image bytes of the row with that id, read from the input again.
   */
  public static Source load(SparkSession spark, String path, Optional<String> manifest) {
    JsonNode m = null;
    if (manifest.isPresent()) {
      try {
        m = new ObjectMapper().readTree(manifest.get());
      } catch (IOException e) {
        m = null;
      }
    }
    if (m != null && "parquet".equals(m.path("input_format").asText())) {
      return fromParquet(spark, path, m);
    }
    return load(spark, path);
  }

  private static Source fromParquet(SparkSession spark, String id, JsonNode manifest) {
    String input = manifest.path("input").asText();
    JsonNode idColumn = manifest.path("id_column");
    try {
      ParquetInput columns =
          new ParquetInput(
              manifest.path("image_column").asText(ParquetInput.DEFAULT_IMAGE_COLUMN),
              idColumn.isTextual() ? idColumn.asText() : null);
      List<Row> rows =
          ParquetFeaturizeJob.rows(spark, input, columns)
              .filter(col("id").equalTo(id))
              .select("bytes")
              .limit(1)
              .collectAsList();
      if (rows.isEmpty() || rows.get(0).isNullAt(0)) {
        return new Source(null, "no row with id " + id + " in the input " + input);
      }
      byte[] bytes = (byte[]) rows.get(0).get(0);
      ImageInfo info = ImageBytes.probe(bytes, MAX_PIXELS);
      try (ImageSource source =
          ImageBytes.open(
              bytes,
              info,
              ChannelMode.KEEP,
              Normalization.UNIT,
              ImageSource.DEFAULT_DECODE_TIMEOUT)) {
        return new Source(source.readAll(), null);
      }
    } catch (Exception e) {
      return new Source(
          null, "reading row " + id + " of " + input + ": " + BadRecords.oneLine(e.getMessage()));
    }
  }

  /** The source file at {@code path}. */
  public static Source load(SparkSession spark, String path) {
    try {
      Path file = new Path(path);
      FileSystem fs = file.getFileSystem(spark.sparkContext().hadoopConfiguration());
      ImageInfo info = ImageProbe.probe(fs, file, MAX_PIXELS);
      try (ImageSource source = ImageSource.open(fs, info, ChannelMode.KEEP, Normalization.UNIT)) {
        return new Source(source.readAll(), null);
      }
    } catch (Exception e) {
      return new Source(null, BadRecords.oneLine(e.getMessage()));
    }
  }
}
