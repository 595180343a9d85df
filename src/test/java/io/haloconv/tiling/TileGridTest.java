package io.haloconv.tiling;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.Conv2d;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.RandomSpecs;
import java.io.IOException;
import java.util.Random;
import org.junit.jupiter.api.Test;

class TileGridTest {

  @Test
  void stitchedTilesEqualWholeImageBitwiseForRandomSpecsAndTileSizes() throws IOException {
    for (long seed = 0; seed < 500; seed++) {
      RandomSpecs p = RandomSpecs.draw(seed);
      Tensor3 whole = TileConvolver.convolveImage(p.image(), p.bank(), p.spec());
      ConvGeometry g = p.spec().geometry(p.image().height(), p.image().width());
      Random r = new Random(seed * 31 + 7);
      // 1 up to larger than the image
      int th = 1 + r.nextInt(g.outHeight() + 3);
      int tw = 1 + r.nextInt(g.outWidth() + 3);
      TileGrid grid = ConvTiles.grid(g, th, tw);
      TileConvolver convolver = new TileConvolver(new Conv2d(p.bank(), p.spec()));
      Tensor3 stitched = Tensor3.zeros(p.bank().filters(), g.outHeight(), g.outWidth());
      int[] covered = new int[g.outHeight() * g.outWidth()];
      RegionReader reader = strictReader(p.image());
      for (Tile tile : grid.tiles()) {
        Tensor3 out = convolver.convolve(tile, p.image().height(), p.image().width(), reader);
        for (int k = 0; k < out.channels(); k++) {
          for (int y = 0; y < tile.outHeight(); y++) {
            for (int x = 0; x < tile.outWidth(); x++) {
              stitched.set(k, tile.outY0() + y, tile.outX0() + x, out.get(k, y, x));
              if (k == 0) {
                covered[(tile.outY0() + y) * g.outWidth() + tile.outX0() + x]++;
              }
            }
          }
        }
      }
      String what = "seed " + seed + " tile " + th + "x" + tw + ": " + p;
      assertThat(covered).as(what).containsOnly(1);
      assertThat(stitched.bitwiseEquals(whole)).as(what).isTrue();
    }
  }

  @Test
  void smallImageIsOneTile() {
    ConvGeometry g = io.haloconv.conv.ConvSpec.builder(3, 3).padding(1).build().geometry(10, 12);
    TileGrid grid = ConvTiles.grid(g, 512, 512);
    assertThat(grid.count()).isEqualTo(1);
    assertThat(grid.tile(0).input()).isEqualTo(new Window(-1, -1, 12, 14));
  }

  @Test
  void windowCarriesExactlyTheHalo() {
    // F 5, stride 2, dilation 1, top padding 2: outputs [4, 8) read rows [4*2-2, 7*2-2+5) = [6, 17)
    ConvGeometry g =
        io.haloconv.conv.ConvSpec.builder(5, 5).stride(2).padding(2).build().geometry(40, 40);
    Tile tile = ConvTiles.grid(g, 4, 4).tile(1 * 5 + 1);
    assertThat(tile.outY0()).isEqualTo(4);
    assertThat(tile.input().y0()).isEqualTo(6);
    assertThat(tile.input().y1()).isEqualTo(17);
  }

  @Test
  void circularWindowReadsTheFarEdgeOnlyAsExtraSpans() throws IOException {
    Tensor3 image = Tensor3.zeros(1, 8, 8);
    for (int i = 0; i < 64; i++) {
      image.data()[i] = i;
    }
    int[] reads = {0};
    RegionReader counting =
        (y0, x0, h, w) -> {
          reads[0] += h * w;
          return RegionReader.of(image).read(y0, x0, h, w);
        };
    Tensor3 window =
        HaloWindow.read(new Window(-1, -1, 3, 3), 1, 8, 8, PaddingMode.CIRCULAR, counting);
    assertThat(window.data()).containsExactly(63, 56, 57, 7, 0, 1, 15, 8, 9);
    assertThat(reads[0]).isEqualTo(9); // the 9 pixels needed, not the 64 of the bounding box
  }

  /**
   * A reader that fails on any read outside the image, proving padding never reaches the decoder.
   */
  private static RegionReader strictReader(Tensor3 image) {
    RegionReader inner = RegionReader.of(image);
    return (y0, x0, h, w) -> {
      if (y0 < 0 || x0 < 0 || y0 + h > image.height() || x0 + w > image.width()) {
        throw new AssertionError("read outside the image: " + y0 + "," + x0 + " " + h + "x" + w);
      }
      return inner.read(y0, x0, h, w);
    };
  }
}
