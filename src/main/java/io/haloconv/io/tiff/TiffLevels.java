package io.haloconv.io.tiff;

import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageReadException.Stage;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.apache.hadoop.fs.PositionedReadable;

/**
 * The pyramid levels of a TIFF ({@code --level}): level 0 is the first directory; the others are
 * its reduced-resolution versions, found where writers put them.
 *
 * <ul>
 *   <li>SubIFDs of the first directory (OME-TIFF, {@code vips --subifd}): each in order.
 *   <li>Otherwise later pages of the main chain (COG overviews, {@code vips --pyramid}, SVS): a
 *       page is a level when it is smaller than the level before it, has as many samples, and is
 *       not a mask (NewSubfileType bit 2) or another kind of page (any bit but 0: SVS's macro is
 *       9); SVS's label and macro pages (named so in ImageDescription) and its stripped thumbnail
 *       (an Aperio file's levels are tiled) are not levels.
 * </ul>
 */
public final class TiffLevels {
  /** Directories walked at most: a pyramid has tens, a page chain longer than this is a stack. */
  static final int MAX_DIRECTORIES = 1024;

  private TiffLevels() {}

  /** One level: its number, size and directory. */
  public record Level(int level, int width, int height, long directory) {
    @Override
    public String toString() {
      return level + " (" + width + "x" + height + ")";
    }
  }

  /** Every level of the TIFF, level 0 first. */
  public static List<Level> read(PositionedReadable in, long length) throws ImageReadException {
    TiffDirectory base = TiffDirectory.read(in, length);
    List<TiffDirectory> levels = new ArrayList<>();
    levels.add(base);
    Set<Long> seen = new HashSet<>();
    seen.add(base.position);
    if (base.subDirectories.length > 0) {
      for (long offset : base.subDirectories) {
        TiffDirectory sub = at(in, length, offset, seen);
        if (sub != null && isLevel(levels.get(levels.size() - 1), sub, base)) {
          levels.add(sub);
        }
      }
    } else {
      long next = base.next;
      for (int walked = 1; next != 0 && walked < MAX_DIRECTORIES; walked++) {
        TiffDirectory page = at(in, length, next, seen);
        if (page == null) {
          break;
        }
        if (isLevel(levels.get(levels.size() - 1), page, base)) {
          levels.add(page);
        }
        next = page.next;
      }
    }
    List<Level> out = new ArrayList<>();
    for (int i = 0; i < levels.size(); i++) {
      TiffDirectory d = levels.get(i);
      out.add(new Level(i, d.width, d.height, i == 0 ? 0 : d.position));
    }
    return out;
  }

  /** The directory at {@code offset}, or null when it was seen already (a loop) or is malformed. */
  private static TiffDirectory at(PositionedReadable in, long length, long offset, Set<Long> seen)
      throws ImageReadException {
    if (!seen.add(offset)) {
      return null;
    }
    try {
      return TiffDirectory.read(in, length, offset);
    } catch (ImageReadException e) {
      if (e.getMessage().startsWith("cannot read")) {
        throw e; // the file system failed, not the page
      }
      return null; // a broken later page: the levels before it stand
    }
  }

  private static boolean isLevel(TiffDirectory previous, TiffDirectory page, TiffDirectory base) {
    if ((page.newSubfileType & ~1L) != 0) {
      return false;
    }
    String description = page.description == null ? "" : page.description.toLowerCase(Locale.ROOT);
    if (description.contains("label") || description.contains("macro")) {
      return false;
    }
    boolean aperio = base.description != null && base.description.startsWith("Aperio");
    if (aperio && !page.tiled) {
      return false;
    }
    return page.samplesPerPixel == base.samplesPerPixel
        && page.width < previous.width
        && page.height <= previous.height;
  }

  /** "0 (4000x3000), 1 (2000x1500)": the levels a message names. */
  public static String describe(List<Level> levels) {
    StringBuilder text = new StringBuilder();
    for (Level level : levels) {
      text.append(text.isEmpty() ? "" : ", ").append(level);
    }
    return text.toString();
  }

  /**
   * The level {@code level} of the file.
   *
   * @throws ImageReadException of kind {@code no-such-level}, naming the levels it has
   */
  public static Level pick(List<Level> levels, int level, Stage stage) throws ImageReadException {
    if (level < levels.size()) {
      return levels.get(level);
    }
    throw new ImageReadException(
        stage,
        ErrorKind.NO_SUCH_LEVEL,
        "no level "
            + level
            + ": the file has level"
            + (levels.size() == 1 ? " " : "s ")
            + describe(levels));
  }
}
