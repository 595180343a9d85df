package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.time.Duration;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Run by {@link DecompressionBombTest} in a JVM with a small heap: probes (and, if the probe lets
 * it through, decodes) the file named by its first argument with the pixel limit of its second,
 * and prints what happened.
 */
public final class BombProbe {
  private BombProbe() {}

  public static void main(String[] args) throws Exception {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    Path path = new Path(args[0]);
    long maxPixels = Long.parseLong(args[1]);
    try {
      ImageInfo info = ImageProbe.probe(fs, path, maxPixels);
      System.out.println("probed " + info.width() + "x" + info.height());
      try (ImageSource source = ImageSource.open(fs, info, ChannelMode.KEEP, Normalization.UNIT,
          Duration.ofSeconds(60))) {
        Tensor3 pixels = source.readAll();
        System.out.println("decoded " + pixels.width() + "x" + pixels.height());
      }
    } catch (ImageReadException e) {
      System.out.println("refused " + e.stage().label() + " " + e.kind().label() + ": "
          + e.getMessage());
    }
  }
}
