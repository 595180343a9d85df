package io.haloconv.spark;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.tensor.Tensor3;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Decodes the source image of an output's {@code path} on the driver, as its file holds it
 * ({@code --channels keep --normalize unit}), for pictures beside its feature maps.
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
