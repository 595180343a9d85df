package io.haloconv.render;

import static java.util.Objects.requireNonNull;

import io.haloconv.tensor.Tensor3;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * One image's feature maps as a single picture: a title, the source image on the left, then a grid
 * of the K channels, each normalised to its own minimum and maximum, coloured by a perceptual
 * colormap and labelled with its index and value range.
 *
 * <p>Every panel is scaled by a whole factor to fit a square box of {@code cell} pixels: maps keep
 * their aspect ratio, small maps show sharp pixels and large ones show block means.
 */
public final class FeatureGrid {
  /** {@link Options#cell()} value that lets the grid choose: see {@link #autoCell}. */
  public static final int AUTO_CELL = 0;

  /** The widest grid of maps {@link #autoCell} aims for. */
  static final int AUTO_GRID_WIDTH = 2400;

  /** The automatic layout enlarges maps smaller than this to about this side. */
  static final int ENLARGE_TO = 256;

  static final int BACKGROUND = 0xffffff;
  static final int INK = 0x202020;
  static final int MUTED = 0x707070;
  static final int MARGIN = 12;
  static final int GAP = 10;

  /** Label band above each panel: an index at scale 2 with room above and below. */
  static final int LABEL_BAND = BitmapFont.height(2) + 6;

  static final int TITLE_BAND = BitmapFont.height(2) + 4 + BitmapFont.height(1) + 12;

  /** The narrowest picture: room for the title and the colour legend. */
  static final int MIN_WIDTH = 420;

  private static final int LEGEND_WIDTH = 128;
  private static final int LEGEND_HEIGHT = 8;

  private FeatureGrid() {}

  /**
   * What to draw besides the maps.
   *
   * @param cell side in pixels of the box each map is fitted into, or {@link #AUTO_CELL}
   * @param colormap the colormap, normally {@link Colormap#VIRIDIS}
   * @param title the first line, e.g. the image's path; shortened from the start to fit
   * @param subtitle the second line, e.g. the shape and dtype
   */
  public record Options(int cell, Colormap colormap, String title, String subtitle) {
    public Options {
      if (cell != AUTO_CELL && (cell < 8 || cell > 4096)) {
        throw new IllegalArgumentException("cell must be in [8, 4096], got " + cell);
      }
      requireNonNull(colormap, "colormap is null");
      requireNonNull(title, "title is null");
      requireNonNull(subtitle, "subtitle is null");
    }

    public static Options defaults(String title, String subtitle) {
      return new Options(AUTO_CELL, Colormap.VIRIDIS, title, subtitle);
    }
  }

  /**
   * Draws {@code features} (K × H × W) beside {@code source} (C × h × w as decoded, or null when
   * the source cannot be shown).
   *
   * @param sourceLabel the label above the source, e.g. {@code input 320x240}
   */
  public static Rendering render(
      Tensor3 features, Tensor3 source, String sourceLabel, Options options) {
    requireNonNull(features, "features is null");
    requireNonNull(options, "options is null");
    int k = features.channels();
    int h = features.height();
    int w = features.width();
    int cols = (int) Math.ceil(Math.sqrt(k));
    int rows = (k + cols - 1) / cols;
    Fit fit;
    if (options.cell() == AUTO_CELL) {
      // Native size up to the automatic box; tiny maps enlarged to about 256 pixels, no more.
      fit = Fit.into(h, w, autoCell(cols));
      if (fit.up() > 1) {
        fit = new Fit(Math.max(1, ENLARGE_TO / Math.max(h, w)), 1);
      }
    } else {
      fit = Fit.into(h, w, options.cell());
    }
    int mapH = fit.size(h);
    int mapW = fit.size(w);

    int sourceW = 0;
    int sourceH = 0;
    Fit sourceFit = null;
    if (source != null) {
      // The source gets up to two rows of the grid: it is the picture people recognise.
      int box = Math.min(rows, 2) * (Math.max(mapH, mapW) + LABEL_BAND + GAP) - LABEL_BAND - GAP;
      sourceFit = Fit.into(source.height(), source.width(), box);
      if (sourceFit.up() > fit.up()) {
        sourceFit = new Fit(fit.up(), 1); // no larger than the maps are drawn
      }
      sourceW = sourceFit.size(source.width());
      sourceH = sourceFit.size(source.height());
    }
    int gridX = MARGIN + (source != null ? sourceW + 2 * GAP : 0);
    int gridW = cols * mapW + (cols - 1) * GAP;
    int gridH = rows * (LABEL_BAND + mapH) + (rows - 1) * GAP;
    int width = Math.max(MIN_WIDTH, gridX + gridW + MARGIN);
    int height =
        MARGIN + TITLE_BAND + Math.max(gridH, source != null ? LABEL_BAND + sourceH : 0) + MARGIN;

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    BitmapFont.fill(image, 0, 0, width, height, BACKGROUND);
    drawTitle(image, options, width);
    List<Panel> panels = new ArrayList<>();
    int top = MARGIN + TITLE_BAND;

    if (source != null) {
      String label = BitmapFont.fitStart(sourceLabel == null ? "input" : sourceLabel, sourceW, 1);
      BitmapFont.draw(image, label, MARGIN, top + LABEL_BAND - BitmapFont.height(1) - 4, 1, INK);
      int y = top + LABEL_BAND;
      SourceImage.draw(image, source, sourceFit, MARGIN, y);
      panels.add(new Panel("input", MARGIN, y, sourceW, sourceH, top, LABEL_BAND));
    }

    int[] table = options.colormap().table();
    for (int c = 0; c < k; c++) {
      int col = c % cols;
      int row = c / cols;
      int x = gridX + col * (mapW + GAP);
      int labelY = top + row * (LABEL_BAND + mapH + GAP);
      int y = labelY + LABEL_BAND;
      float[] range = range(features, c);
      drawMap(image, features, c, fit, range, table, x, y, mapW, mapH);
      drawLabel(image, c, range, x, labelY, mapW);
      panels.add(new Panel(Integer.toString(c), x, y, mapW, mapH, labelY, LABEL_BAND));
    }
    return new Rendering(image, panels);
  }

  /**
   * The automatic box side: as large as 768 pixels (maps up to that size show every pixel, and are
   * enlarged only when smaller than {@value #ENLARGE_TO}), smaller when many columns would make the
   * grid wider than about {@value #AUTO_GRID_WIDTH} pixels, never below 64.
   */
  static int autoCell(int cols) {
    return Math.max(64, Math.min(768, AUTO_GRID_WIDTH / cols));
  }

  private static void drawTitle(BufferedImage image, Options options, int width) {
    int textWidth = width - 2 * MARGIN - LEGEND_WIDTH - 3 * GAP - BitmapFont.width("max", 1) * 2;
    BitmapFont.draw(
        image, BitmapFont.fitStart(options.title(), textWidth, 2), MARGIN, MARGIN, 2, INK);
    BitmapFont.draw(
        image,
        BitmapFont.fitStart(options.subtitle(), textWidth, 1),
        MARGIN,
        MARGIN + BitmapFont.height(2) + 4,
        1,
        MUTED);
    // Legend, top right: what the colours mean within each panel.
    int legendX = width - MARGIN - BitmapFont.width("max", 1) - 4 - LEGEND_WIDTH;
    int legendY = MARGIN + 3;
    int[] table = options.colormap().table();
    for (int i = 0; i < LEGEND_WIDTH; i++) {
      BitmapFont.fill(
          image, legendX + i, legendY, 1, LEGEND_HEIGHT, table[i * 255 / (LEGEND_WIDTH - 1)]);
    }
    BitmapFont.draw(image, "min", legendX - 4 - BitmapFont.width("min", 1), legendY, 1, MUTED);
    BitmapFont.draw(image, "max", legendX + LEGEND_WIDTH + 4, legendY, 1, MUTED);
    String note = "of each channel";
    BitmapFont.draw(
        image,
        note,
        legendX + (LEGEND_WIDTH - BitmapFont.width(note, 1)) / 2,
        legendY + LEGEND_HEIGHT + 4,
        1,
        MUTED);
  }

  /** {min, max} of the finite values of channel c; {NaN, NaN} when there are none. */
  static float[] range(Tensor3 t, int c) {
    float min = Float.POSITIVE_INFINITY;
    float max = Float.NEGATIVE_INFINITY;
    float[] data = t.data();
    int plane = t.height() * t.width();
    for (int i = c * plane, end = i + plane; i < end; i++) {
      float v = data[i];
      if (Float.isFinite(v)) {
        min = Math.min(min, v);
        max = Math.max(max, v);
      }
    }
    return min > max ? new float[] {Float.NaN, Float.NaN} : new float[] {min, max};
  }

  private static void drawMap(
      BufferedImage image,
      Tensor3 t,
      int c,
      Fit fit,
      float[] range,
      int[] table,
      int x,
      int y,
      int mapW,
      int mapH) {
    int plane = t.height() * t.width();
    float min = range[0];
    double span = range[1] - range[0];
    double mean = mean(t, c);
    int[] row = new int[mapW];
    for (int dy = 0; dy < mapH; dy++) {
      for (int dx = 0; dx < mapW; dx++) {
        float v = fit.extreme(t.data(), c * plane, t.height(), t.width(), dy, dx, mean);
        if (Float.isNaN(v)) {
          row[dx] = Colormap.NAN_RGB;
        } else {
          // A constant channel (span 0) shows the colormap's low end.
          double f = span > 0 ? (v - min) / span : 0;
          row[dx] = table[(int) Math.round(Math.max(0, Math.min(1, f)) * 255)];
        }
      }
      image.setRGB(x, y + dy, mapW, 1, row, 0, mapW);
    }
  }

  private static double mean(Tensor3 t, int c) {
    int plane = t.height() * t.width();
    double sum = 0;
    long n = 0;
    for (int i = c * plane, end = i + plane; i < end; i++) {
      float v = t.data()[i];
      if (Float.isFinite(v)) {
        sum += v;
        n++;
      }
    }
    return n == 0 ? 0 : sum / n;
  }

  private static void drawLabel(
      BufferedImage image, int c, float[] range, int x, int labelY, int width) {
    String index = Integer.toString(c);
    int textY = labelY + LABEL_BAND - BitmapFont.height(2) - 3;
    BitmapFont.draw(image, index, x, textY, 2, INK);
    String span =
        Float.isNaN(range[0])
            ? "no finite values"
            : range[0] == range[1]
                ? "constant " + Numbers.compact(range[0])
                : Numbers.compact(range[0]) + " .. " + Numbers.compact(range[1]);
    int room = width - BitmapFont.width(index, 2) - 8;
    if (BitmapFont.width(span, 1) <= room) {
      BitmapFont.draw(
          image,
          span,
          x + width - BitmapFont.width(span, 1),
          textY + BitmapFont.height(2) - BitmapFont.height(1),
          1,
          MUTED);
    }
  }
}
