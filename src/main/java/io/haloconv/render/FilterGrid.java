package io.haloconv.render;

import static java.util.Objects.requireNonNull;

import io.haloconv.conv.FilterBank;
import java.awt.image.BufferedImage;
import java.util.ArrayList;
import java.util.List;

/**
 * A filter bank as a picture: one row per filter, one column per input channel (within the group),
 * each Fh × Fw tap grid in a diverging colormap on one scale shared by the whole bank (blue
 * negative, white zero, red positive), so weights compare across filters. Rows are labelled with
 * the filter index and its bias, columns with the channel index; a legend gives the scale. Many
 * filters wrap into side-by-side blocks of rows so the picture stays roughly 4:3.
 */
public final class FilterGrid {
  /** The largest picture side drawn before taps shrink to fit (down to one pixel a tap). */
  static final int MAX_SIDE = 4096;

  static final int GAP_X = 4;
  static final int GAP_Y = 6;
  static final int BLOCK_GAP = 24;
  private static final int LEGEND_WIDTH = 256;
  private static final int LEGEND_HEIGHT = 12;
  private static final String LEGEND_NOTE = "one scale for every weight of the bank";

  private FilterGrid() {}

  /** Draws {@code bank} under {@code title} (e.g. the bank's file name). */
  public static Rendering render(FilterBank bank, String title) {
    requireNonNull(bank, "bank is null");
    requireNonNull(title, "title is null");
    int k = bank.filters();
    int c = bank.channelsPerGroup();
    int fh = bank.kernelHeight();
    int fw = bank.kernelWidth();
    double maxAbs = 0;
    for (float v : bank.weight()) {
      maxAbs = Math.max(maxAbs, Math.abs(v));
    }
    int margin = FeatureGrid.MARGIN;
    int biasW = 0;
    for (float b : bank.bias()) {
      biasW = Math.max(biasW, BitmapFont.width("b=" + Numbers.compact(b), 1) + 12);
    }
    int headerH = BitmapFont.height(1) + 6;
    int titleH = BitmapFont.height(2) + 4 + BitmapFont.height(1) + 14;
    int legendH = LEGEND_HEIGHT + BitmapFont.height(1) + 20;
    String subtitle =
        bank.shapeString()
            + " = (filters K, channels C, Fh, Fw): a row per filter,"
            + " a column per input channel";
    int textNeed =
        Math.min(
            900, Math.max(BitmapFont.width(title, 2), BitmapFont.width(subtitle, 1)) + 2 * margin);
    int minWidth =
        Math.max(textNeed, 2 * margin + 40 + LEGEND_WIDTH + 12 + BitmapFont.width(LEGEND_NOTE, 1));

    // Taps as large as 24 pixels, at least 48 pixels a cell where that fits; then as many blocks
    // of rows as bring the picture nearest 4:3.
    int tap = Math.max(1, Math.min(24, 48 / Math.max(fh, fw)));
    Layout layout = Layout.best(k, c, fh, fw, tap, biasW, minWidth, titleH + headerH + legendH);
    while (tap > 1 && (layout.width > MAX_SIDE || layout.height > MAX_SIDE)) {
      tap--;
      layout = Layout.best(k, c, fh, fw, tap, biasW, minWidth, titleH + headerH + legendH);
    }
    int cellW = fw * tap;
    int cellH = fh * tap;
    int labelScale = cellH >= BitmapFont.height(2) ? 2 : 1;
    int width = layout.width;
    int height = layout.height;

    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    BitmapFont.fill(image, 0, 0, width, height, FeatureGrid.BACKGROUND);
    int textW = width - 2 * margin;
    BitmapFont.draw(
        image, BitmapFont.fitStart(title, textW, 2), margin, margin, 2, FeatureGrid.INK);
    BitmapFont.draw(
        image,
        BitmapFont.fitStart(subtitle, textW, 1),
        margin,
        margin + BitmapFont.height(2) + 4,
        1,
        FeatureGrid.MUTED);

    int[] table = Colormap.DIVERGING.table();
    List<Panel> panels = new ArrayList<>();
    int gridY = margin + titleH + headerH;
    for (int block = 0; block < layout.blocks; block++) {
      int blockX = margin + block * (layout.blockWidth + BLOCK_GAP);
      int gridX = blockX + layout.rowLabelWidth;
      // Column headers: channel indices, every one that fits.
      int every = Math.max(1, (BitmapFont.width("c" + (c - 1), 1) + 4) / (cellW + GAP_X) + 1);
      for (int ch = 0; ch < c; ch += every) {
        BitmapFont.draw(
            image, "c" + ch, gridX + ch * (cellW + GAP_X), gridY - headerH, 1, FeatureGrid.MUTED);
      }
      int first = block * layout.rowsPerBlock;
      for (int f = first; f < Math.min(k, first + layout.rowsPerBlock); f++) {
        int y = gridY + (f - first) * (cellH + GAP_Y);
        BitmapFont.draw(
            image,
            Integer.toString(f),
            blockX,
            y + Math.max(0, (cellH - BitmapFont.height(labelScale)) / 2),
            labelScale,
            FeatureGrid.INK);
        for (int ch = 0; ch < c; ch++) {
          int x = gridX + ch * (cellW + GAP_X);
          for (int ty = 0; ty < fh; ty++) {
            for (int tx = 0; tx < fw; tx++) {
              double t = maxAbs > 0 ? 0.5 + bank.weight(f, ch, ty, tx) / (2 * maxAbs) : 0.5;
              BitmapFont.fill(
                  image,
                  x + tx * tap,
                  y + ty * tap,
                  tap,
                  tap,
                  table[(int) Math.round(Math.max(0, Math.min(1, t)) * 255)]);
            }
          }
          panels.add(new Panel(f + "," + ch, x, y, cellW, cellH, -1, 0));
        }
        BitmapFont.draw(
            image,
            "b=" + Numbers.compact(bank.bias()[f]),
            gridX + c * (cellW + GAP_X) + 4,
            y + Math.max(0, (cellH - BitmapFont.height(1)) / 2),
            1,
            FeatureGrid.MUTED);
      }
    }

    // Legend: the shared scale.
    int legendX = margin + 40;
    int legendY = height - margin - LEGEND_HEIGHT - BitmapFont.height(1) - 6;
    for (int i = 0; i < LEGEND_WIDTH; i++) {
      BitmapFont.fill(
          image, legendX + i, legendY, 1, LEGEND_HEIGHT, table[i * 255 / (LEGEND_WIDTH - 1)]);
    }
    BitmapFont.draw(image, "weight", margin, legendY + 2, 1, FeatureGrid.MUTED);
    BitmapFont.draw(
        image, LEGEND_NOTE, legendX + LEGEND_WIDTH + 12, legendY + 2, 1, FeatureGrid.MUTED);
    int textY = legendY + LEGEND_HEIGHT + 4;
    String lo = Numbers.compact(-maxAbs);
    String hi = "+" + Numbers.compact(maxAbs);
    BitmapFont.draw(image, lo, legendX, textY, 1, FeatureGrid.MUTED);
    BitmapFont.draw(image, "0", legendX + LEGEND_WIDTH / 2 - 2, textY, 1, FeatureGrid.MUTED);
    BitmapFont.draw(
        image, hi, legendX + LEGEND_WIDTH - BitmapFont.width(hi, 1), textY, 1, FeatureGrid.MUTED);
    return new Rendering(image, panels);
  }

  /** How the rows of filters are arranged: blocks side by side, and the picture's size. */
  private record Layout(
      int blocks, int rowsPerBlock, int rowLabelWidth, int blockWidth, int width, int height) {
    static Layout best(
        int k, int c, int fh, int fw, int tap, int biasW, int minWidth, int chromeHeight) {
      int margin = FeatureGrid.MARGIN;
      int labelScale = fh * tap >= BitmapFont.height(2) ? 2 : 1;
      int rowLabelWidth = BitmapFont.width(Integer.toString(k - 1), labelScale) + 10;
      int blockWidth = rowLabelWidth + c * (fw * tap + GAP_X) - GAP_X + biasW;
      Layout best = null;
      double bestScore = Double.MAX_VALUE;
      for (int blocks = 1; blocks <= k; blocks++) {
        int rows = (k + blocks - 1) / blocks;
        if (blocks > 1 && (long) (blocks - 1) * rows >= k) {
          continue; // the same rows per block as fewer blocks
        }
        int width = Math.max(minWidth, 2 * margin + blocks * blockWidth + (blocks - 1) * BLOCK_GAP);
        int height = 2 * margin + chromeHeight + rows * (fh * tap + GAP_Y) - GAP_Y;
        double score = Math.abs(Math.log((double) width / height / (4.0 / 3)));
        if (score < bestScore) {
          bestScore = score;
          best = new Layout(blocks, rows, rowLabelWidth, blockWidth, width, height);
        }
        if (width > MAX_SIDE) {
          break;
        }
      }
      return best;
    }
  }
}
