package io.haloconv.spark.plan;

import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageSource;
import io.haloconv.io.tiff.ScratchRasters;
import io.haloconv.spark.HadoopConf;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecords;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Streams each huge image that cannot be read by window (PNG, JPEG, a single compressed TIFF strip)
 * into a scratch raster in the job's staging directory, one Spark task per image, before the tile
 * tasks run; the tile tasks then read their windows from the scratch rasters in parallel ({@link
 * ScratchRasters}). The scratch directory is hidden beside the job's staging directory and deleted
 * when the job ends, whether it succeeds or not.
 */
public final class ScratchStage {
  /** Setting for the decoded size from which images are streamed into scratch rasters. */
  public static final String MIN_BYTES_KEY = "spark.haloconv.scratch.minBytes";

  /** 128 MB of decoded samples: a 45-megapixel RGB image. */
  public static final long DEFAULT_MIN_BYTES = 128L << 20;

  /** One image's scratch raster, or why it could not be written. */
  public record Result(String path, String scratch, long bytes, BadRecord failure)
      implements Serializable {}

  /** The scratch rasters written, by image path, and the images that failed. */
  public record Outcome(Map<String, String> scratch, List<BadRecord> failures, long bytes) {
    public static final Outcome NONE = new Outcome(Map.of(), List.of(), 0);
  }

  private ScratchStage() {}

  public static Outcome run(
      JavaSparkContext jsc, List<ImageInfo> images, Path directory, HadoopConf hadoop) {
    if (images.isEmpty()) {
      return Outcome.NONE;
    }
    List<Result> results = new ArrayList<>();
    String dir = directory.toString();
    List<Integer> indexes = new ArrayList<>();
    for (int i = 0; i < images.size(); i++) {
      indexes.add(i);
    }
    List<ImageInfo> all = List.copyOf(images);
    jsc.setJobDescription("haloconv scratch");
    try {
      results.addAll(
          jsc.parallelize(indexes, indexes.size())
              .map(i -> write(all.get(i), new Path(dir, "image-" + i + ".tif"), hadoop))
              .collect());
    } finally {
      jsc.setJobDescription(null);
    }
    Map<String, String> written = new HashMap<>();
    List<BadRecord> failures = new ArrayList<>();
    long bytes = 0;
    for (Result r : results) {
      if (r.failure() != null) {
        failures.add(r.failure());
      } else {
        written.put(r.path(), r.scratch());
        bytes += r.bytes();
      }
    }
    return new Outcome(written, failures, bytes);
  }

  private static Result write(ImageInfo image, Path scratch, HadoopConf hadoop) {
    try {
      FileSystem fs = scratch.getFileSystem(hadoop.get());
      long bytes = ScratchRasters.write(fs, image, scratch, ImageSource.DEFAULT_DECODE_TIMEOUT);
      return new Result(image.path(), scratch.toString(), bytes, null);
    } catch (Exception e) {
      return new Result(image.path(), null, 0, BadRecords.of(image.path(), "decode", e));
    }
  }
}
