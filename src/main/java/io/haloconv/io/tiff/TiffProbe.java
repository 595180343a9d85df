package io.haloconv.io.tiff;

import io.haloconv.io.ErrorKind;
import io.haloconv.io.Georeference;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageReadException.Stage;
import java.util.List;
import org.apache.hadoop.fs.PositionedReadable;

/**
 * The TIFF half of {@code ImageProbe}: the level a job asks for, what haloconv's reader decodes of
 * it, and its georeference. The TIFFs the reader decoded before issue 13 are still described
 * through ImageIO's reading of the header (their channel layouts are pinned by tests against it);
 * the rest, and every level above 0, from their own tags.
 */
public final class TiffProbe {
  private TiffProbe() {}

  /**
   * What the probe learns from a TIFF's directories.
   *
   * @param info the image as haloconv's reader decodes it, or null when ImageIO describes it (level
   *     0 only)
   * @param georeference level 0's georeference, for an ImageIO-described image; null when none
   */
  public record Result(ImageInfo info, Georeference georeference) {}

  /**
   * Probes level {@code level} of a TIFF of {@code length} bytes.
   *
   * @throws ImageReadException (PROBE) for a level the file does not have ({@code no-such-level}),
   *     a level the reader cannot decode ({@code unsupported}), malformed GeoTIFF tags ({@code
   *     corrupt}), or (above level 0) a malformed directory
   */
  public static Result probe(PositionedReadable in, long length, String path, int level)
      throws ImageReadException {
    TiffDirectory first;
    try {
      first = TiffDirectory.read(in, length);
    } catch (ImageReadException e) {
      if (level == 0) {
        return new Result(null, null); // ImageIO's reader reports (or reads) it
      }
      throw e;
    }
    Georeference base = GeoTiff.read(first);
    if (level == 0) {
      if (first.classic() || first.unsupported() != null) {
        return new Result(null, base);
      }
      return new Result(TiffDecoder.describe(first, path, length, 0, base), base);
    }
    List<TiffLevels.Level> levels = TiffLevels.read(in, length);
    TiffLevels.Level chosen = TiffLevels.pick(levels, level, Stage.PROBE);
    TiffDirectory dir = TiffDirectory.read(in, length, chosen.directory());
    String unsupported = dir.unsupported();
    if (unsupported != null) {
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.UNSUPPORTED,
          "level "
              + level
              + " of this TIFF uses "
              + unsupported
              + ", which haloconv does not read");
    }
    Georeference geo =
        base == null ? null : base.scaled(first.width, first.height, dir.width, dir.height);
    return new Result(TiffDecoder.describe(dir, path, length, level, geo), geo);
  }

  /** The file's pyramid levels ({@link TiffLevels}). */
  public static List<TiffLevels.Level> levels(PositionedReadable in, long length)
      throws ImageReadException {
    return TiffLevels.read(in, length);
  }
}
