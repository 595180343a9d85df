package io.haloconv.render;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The feature-map grid of a real sample: size, layout, labels, colours and the source beside. */
class FeatureGridTest {
  static Tensor3 source;
  static Tensor3 features;
  static Rendering rendering;

  @BeforeAll
  static void render() {
    source = Samples.image("shapes.png"); // 320x240 RGB
    features = Samples.features(source, Samples.bank("random16.npz")); // 16 channels, 'same'
    rendering =
        FeatureGrid.render(
            features,
            source,
            "input 320x240",
            FeatureGrid.Options.defaults("data/images/shapes.png", "16 channels"));
  }

  @Test
  void sixteenMapsInAFourByFourGridBesideTheSource() {
    List<Panel> panels = rendering.panels();
    assertThat(panels).hasSize(17);
    assertThat(panels.get(0).name()).isEqualTo("input");
    Panel first = rendering.panel("0");
    // 4 columns for 16 channels; maps of 320x240 fit the automatic 512-pixel box unscaled.
    assertThat(first.width()).isEqualTo(320);
    assertThat(first.height()).isEqualTo(240);
    for (int c = 0; c < 16; c++) {
      Panel p = rendering.panel(Integer.toString(c));
      assertThat(p.x()).isEqualTo(first.x() + (c % 4) * (320 + FeatureGrid.GAP));
      assertThat(p.labelY())
          .isEqualTo(first.labelY() + (c / 4) * (FeatureGrid.LABEL_BAND + 240 + FeatureGrid.GAP));
      assertThat(p.y()).isEqualTo(p.labelY() + FeatureGrid.LABEL_BAND);
    }
    Panel input = rendering.panel("input");
    assertThat(input.x() + input.width()).isLessThan(first.x()); // beside, on the left
    BufferedImage image = rendering.image();
    Panel last = rendering.panel("15");
    assertThat(image.getWidth()).isEqualTo(last.x() + last.width() + FeatureGrid.MARGIN);
    assertThat(image.getHeight()).isEqualTo(last.y() + last.height() + FeatureGrid.MARGIN);
    assertThat(image.getHeight()).isGreaterThan(input.y() + input.height());
  }

  @Test
  void panelsDoNotOverlap() {
    List<Panel> panels = rendering.panels();
    for (int i = 0; i < panels.size(); i++) {
      for (int j = i + 1; j < panels.size(); j++) {
        Panel a = panels.get(i);
        Panel b = panels.get(j);
        boolean apart =
            a.x() + a.width() <= b.x()
                || b.x() + b.width() <= a.x()
                || a.y() + a.height() <= b.labelY()
                || b.y() + b.height() <= a.labelY();
        assertThat(apart).as("%s and %s", a.name(), b.name()).isTrue();
      }
    }
  }

  @Test
  void eachChannelSpansTheWholeColormapUnlessConstant() {
    int[] table = Colormap.VIRIDIS.table();
    BufferedImage image = rendering.image();
    for (int c = 0; c < features.channels(); c++) {
      Panel p = rendering.panel(Integer.toString(c));
      Set<Integer> colours = new HashSet<>();
      for (int y = p.y(); y < p.y() + p.height(); y++) {
        for (int x = p.x(); x < p.x() + p.width(); x++) {
          colours.add(image.getRGB(x, y) & 0xffffff);
        }
      }
      float[] range = FeatureGrid.range(features, c);
      if (range[0] < range[1]) {
        assertThat(colours).as("channel %d", c).contains(table[0], table[255]);
        assertThat(colours.size()).as("channel %d", c).isGreaterThan(2);
      } else {
        assertThat(colours).as("constant channel %d", c).containsExactly(table[0]);
      }
      // Unscaled maps: every pixel's colour is its value's, normalised within the channel.
      int y = p.height() / 2;
      int x = p.width() / 3;
      float v = features.get(c, y, x);
      double f = range[1] > range[0] ? (v - range[0]) / (double) (range[1] - range[0]) : 0;
      assertThat(image.getRGB(p.x() + x, p.y() + y) & 0xffffff)
          .isEqualTo(table[(int) Math.round(f * 255)]);
    }
  }

  @Test
  void labelsShowTheChannelIndex() {
    BufferedImage image = rendering.image();
    for (String name : new String[] {"0", "7", "15"}) {
      Panel p = rendering.panel(name);
      // Redraw the index where the grid draws it and compare pixel by pixel.
      BufferedImage expected =
          new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
      BitmapFont.fill(
          expected, 0, 0, expected.getWidth(), expected.getHeight(), FeatureGrid.BACKGROUND);
      int textY = p.labelY() + FeatureGrid.LABEL_BAND - BitmapFont.height(2) - 3;
      BitmapFont.draw(expected, name, p.x(), textY, 2, FeatureGrid.INK);
      int inked = 0;
      for (int y = p.labelY(); y < p.y(); y++) {
        for (int x = p.x(); x < p.x() + BitmapFont.width(name, 2) + 2; x++) {
          assertThat(image.getRGB(x, y))
              .as("%s label at %d,%d", name, x, y)
              .isEqualTo(expected.getRGB(x, y));
          inked += (expected.getRGB(x, y) & 0xffffff) == FeatureGrid.INK ? 1 : 0;
        }
      }
      assertThat(inked).isGreaterThan(10);
    }
  }

  @Test
  void sourceIsShownInItsOwnColours() {
    Panel input = rendering.panel("input");
    assertThat(input.width()).isEqualTo(320); // drawn at the maps' scale
    BufferedImage image = rendering.image();
    for (int[] at : new int[][] {{10, 10}, {120, 200}, {239, 319}, {100, 50}}) {
      int y = at[0];
      int x = at[1];
      int want =
          Math.round(source.get(0, y, x) * 255) << 16
              | Math.round(source.get(1, y, x) * 255) << 8
              | Math.round(source.get(2, y, x) * 255);
      assertThat(image.getRGB(input.x() + x, input.y() + y) & 0xffffff).isEqualTo(want);
    }
  }

  @Test
  void largeMapsAreReducedByWholeFactorsAndTinyOnesEnlarged() {
    Tensor3 big = Samples.features(Samples.image("shapes_large.png"), Samples.bank("edges.npz"));
    Rendering r =
        FeatureGrid.render(
            big, null, null, new FeatureGrid.Options(256, Colormap.VIRIDIS, "large", "4 channels"));
    assertThat(r.panels()).hasSize(4); // no source panel
    assertThat(r.panel("0").width()).isEqualTo(214); // 640 / 3, rounded up
    assertThat(r.panel("0").height()).isEqualTo(160);

    Tensor3 tiny = Tensor3.zeros(1, 3, 5);
    tiny.set(0, 1, 2, 1);
    Rendering t =
        FeatureGrid.render(
            tiny, null, null, new FeatureGrid.Options(100, Colormap.VIRIDIS, "tiny", "1 channel"));
    Panel p = t.panel("0");
    assertThat(p.width()).isEqualTo(100); // 5 columns x 20
    assertThat(p.height()).isEqualTo(60);
    assertThat(t.image().getRGB(p.x() + 45, p.y() + 25) & 0xffffff)
        .isEqualTo(Colormap.VIRIDIS.rgb(1));
    assertThat(t.image().getRGB(p.x() + 39, p.y() + 25) & 0xffffff)
        .isEqualTo(Colormap.VIRIDIS.rgb(0));
    // The automatic layout enlarges tiny maps to about 256 pixels, by a whole factor.
    Rendering auto =
        FeatureGrid.render(tiny, null, null, FeatureGrid.Options.defaults("tiny", "1 channel"));
    assertThat(auto.panel("0").width()).isEqualTo(5 * 51);
  }

  @Test
  void writesAPngThatReadsBackTheSame() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    rendering.writePng(out);
    BufferedImage back = ImageIO.read(new java.io.ByteArrayInputStream(out.toByteArray()));
    assertThat(back.getWidth()).isEqualTo(rendering.image().getWidth());
    Panel p = rendering.panel("3");
    assertThat(back.getRGB(p.x() + 5, p.y() + 5))
        .isEqualTo(rendering.image().getRGB(p.x() + 5, p.y() + 5));
  }
}
