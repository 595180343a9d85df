package io.haloconv.render;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A rendered picture and its layout: the panels say where each map or filter was drawn, which tests
 * and callers use to find them again.
 */
public record Rendering(BufferedImage image, List<Panel> panels) {
  public Rendering {
    panels = List.copyOf(panels);
  }

  /** The panel called {@code name}. */
  public Panel panel(String name) {
    for (Panel p : panels) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    throw new IllegalArgumentException("no panel '" + name + "'");
  }

  /** Writes the picture as PNG; the stream is not closed. */
  public void writePng(OutputStream out) throws IOException {
    if (!ImageIO.write(image, "png", out)) {
      throw new IOException("this JVM has no PNG writer");
    }
  }
}
