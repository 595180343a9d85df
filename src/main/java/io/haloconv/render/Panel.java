package io.haloconv.render;

/**
 * One labelled picture inside a rendering: where its pixels are, and where its label is.
 *
 * @param name what the panel shows: {@code input}, a channel index, or {@code k,c} for a filter tap
 *     grid
 * @param x left column of the picture
 * @param y top row of the picture
 * @param width columns of the picture
 * @param height rows of the picture
 * @param labelY top row of the label band above the picture (its columns are the picture's), or -1
 *     when the panel has no label band of its own
 * @param labelHeight rows of that band, 0 when there is none
 */
public record Panel(String name, int x, int y, int width, int height, int labelY, int labelHeight) {
  public Panel {
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "panel must be at least 1x1, got " + width + "x" + height + ": " + name);
    }
  }
}
