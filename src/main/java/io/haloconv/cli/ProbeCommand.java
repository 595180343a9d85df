package io.haloconv.cli;

import io.haloconv.io.Georeference;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.tiff.TiffLevels;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * {@code haloconv probe FILE... [--level N]}: what featurize would learn from each file's header,
 * without Spark: format, size, channels, sample type, the block it is read by, its pyramid levels
 * (for {@code --level}) and its georeference. A file that cannot be probed prints its bad-record
 * line ({@code error: message}) and makes the exit code 2.
 */
final class ProbeCommand {
  static final String USAGE = "haloconv probe FILE... [--level N]";

  private ProbeCommand() {}

  static int run(String[] argv, PrintStream out) {
    Args args = Args.parse(argv, Set.of("--level"), Set.of(), Set.of("--help"));
    if (args.has("--help")) {
      out.println("usage: " + USAGE);
      return 0;
    }
    List<String> files = args.positional();
    if (files.isEmpty()) {
      throw new UsageException("probe needs at least one FILE; usage: " + USAGE);
    }
    int level =
        args.has("--level") ? Values.integer("--level", args.get("--level"), 0, 1 << 16) : 0;
    Configuration conf = new Configuration();
    int code = 0;
    for (String file : files) {
      Path path = new Path(file);
      try {
        FileSystem fs = path.getFileSystem(conf);
        ImageInfo info =
            ImageProbe.probe(fs, path, Long.MAX_VALUE, ImageProbe.DEFAULT_TIMEOUT, level);
        List<TiffLevels.Level> levels = ImageProbe.levels(fs, path, Long.MAX_VALUE);
        out.println(file);
        out.println("  format    " + info.format().displayName());
        out.println(
            "  size      "
                + info.width()
                + "x"
                + info.height()
                + " (level "
                + info.level()
                + "), "
                + info.channels()
                + " channel"
                + (info.channels() == 1 ? "" : "s")
                + " "
                + info.layout().name().toLowerCase(Locale.ROOT));
        out.println("  samples   " + info.bitDepth() + "-bit " + sampleName(info));
        out.println(
            "  read by   "
                + (info.supportsRegionReads()
                    ? "window, blocks of " + info.tileWidth() + "x" + info.tileHeight()
                    : "whole image"));
        out.println("  levels    " + TiffLevels.describe(levels));
        Georeference geo = info.georeference();
        if (geo != null) {
          out.println("  geo       " + geo);
        }
      } catch (ImageReadException e) {
        out.println(file);
        out.println("  " + e.kind().label() + ": " + e.getMessage());
        code = 2;
      } catch (IOException e) {
        out.println(file);
        out.println("  unreadable: " + e.getMessage());
        code = 2;
      }
    }
    return code;
  }

  private static String sampleName(ImageInfo info) {
    return switch (info.sampleFormat()) {
      case UNSIGNED_INTEGER -> "unsigned";
      case SIGNED_INTEGER -> "signed";
      case FLOAT -> "float";
    };
  }
}
