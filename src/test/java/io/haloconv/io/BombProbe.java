package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Run by {@link DecompressionBombTest} in a JVM with a small heap: probes (and, if the probe lets
 * it through, decodes) the file named by its first argument with each pixel limit that follows, and
 * prints what happened, a line each prefixed by the limit.
 */
public final class BombProbe {
  private BombProbe() {}

  public static void main(String[] args) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path path = new Path(args[0]);
    for (int i = 1; i < args.length; i++) {
      long maxPixels = Long.parseLong(args[i]);
      try {
        ImageInfo info = ImageProbe.probe(fs, path, maxPixels);
        System.out.println(maxPixels + ": probed " + info.width() + "x" + info.height());
        try (ImageSource source =
            ImageSource.open(
                fs, info, ChannelMode.KEEP, Normalization.UNIT, Duration.ofSeconds(60))) {
          Tensor3 pixels = source.readAll();
          System.out.println(maxPixels + ": decoded " + pixels.width() + "x" + pixels.height());
        }
      } catch (ImageReadException e) {
        System.out.println(
            maxPixels
                + ": refused "
                + e.stage().label()
                + " "
                + e.kind().label()
                + ": "
                + e.getMessage());
      }
    }
  }
}
