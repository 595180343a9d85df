package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.ConvTiles;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileConvolver;
import io.haloconv.tiling.TileGrid;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * design.md §1's determinism with the Vector API kernel: every output pixel is bitwise the same
 * whatever the tile size and however many threads share the work. Tiles change which vector lanes,
 * shifted tail vectors, bands and flat or row layout compute a pixel; none of that may change its
 * value.
 */
class VectorKernelDeterminismTest {

  @Test
  void stitchedTilesEqualWholeImageBitwiseWithTheVectorKernel() throws IOException {
    Random r = new Random(11);
    for (int round = 0; round < 40; round++) {
      Case c = Case.draw(r);
      Tensor3 whole = convolveTiles(c, c.geometry.outHeight(), c.geometry.outWidth());
      // 1 up to larger than the map, and widths around one vector
      int th = 1 + r.nextInt(c.geometry.outHeight() + 3);
      int tw =
          new int[] {1, 7, 15, 16, 17, 33, 1 + r.nextInt(c.geometry.outWidth() + 3)}[r.nextInt(7)];
      Tensor3 stitched = convolveTiles(c, th, tw);
      assertThat(stitched.bitwiseEquals(whole)).as("tile " + th + "x" + tw + ", " + c).isTrue();
    }
  }

  @Test
  void resultsDoNotDependOnTheThreadCount() throws Exception {
    Random r = new Random(5);
    for (int round = 0; round < 6; round++) {
      Case c = Case.draw(r);
      Tensor3 one = convolveInParallel(c, 1);
      for (int threads : new int[] {2, 3, 4}) {
        Tensor3 many = convolveInParallel(c, threads);
        assertThat(many.bitwiseEquals(one)).as(threads + " threads, " + c).isTrue();
      }
    }
  }

  /** Stitches the tiles of a grid, each convolved by one vector kernel instance. */
  private static Tensor3 convolveTiles(Case c, int tileHeight, int tileWidth) throws IOException {
    TileGrid grid = ConvTiles.grid(c.geometry, tileHeight, tileWidth);
    TileConvolver convolver =
        new TileConvolver(new Conv2d(c.bank, c.spec, ConvKernels.vector(c.bank, c.spec)));
    Tensor3 out = Tensor3.zeros(c.bank.filters(), c.geometry.outHeight(), c.geometry.outWidth());
    for (Tile tile : grid.tiles()) {
      paste(
          out,
          tile,
          convolver.convolve(tile, c.image.height(), c.image.width(), RegionReader.of(c.image)));
    }
    return out;
  }

  /**
   * Cuts the map into row bands, one per thread (as the bench and the job do), and convolves the
   * bands concurrently, each thread with its own kernel instance.
   */
  private static Tensor3 convolveInParallel(Case c, int threads) throws Exception {
    int bandRows = (c.geometry.outHeight() + threads - 1) / threads;
    TileGrid grid = ConvTiles.grid(c.geometry, bandRows, c.geometry.outWidth());
    Tensor3 out = Tensor3.zeros(c.bank.filters(), c.geometry.outHeight(), c.geometry.outWidth());
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Tensor3>> results = new ArrayList<>();
      for (Tile tile : grid.tiles()) {
        results.add(
            pool.submit(
                () ->
                    new TileConvolver(
                            new Conv2d(c.bank, c.spec, ConvKernels.vector(c.bank, c.spec)))
                        .convolve(
                            tile, c.image.height(), c.image.width(), RegionReader.of(c.image))));
      }
      for (int i = 0; i < results.size(); i++) {
        paste(out, grid.tile(i), results.get(i).get());
      }
    } finally {
      pool.shutdownNow();
    }
    return out;
  }

  private static void paste(Tensor3 out, Tile tile, Tensor3 part) {
    for (int k = 0; k < part.channels(); k++) {
      for (int y = 0; y < tile.outHeight(); y++) {
        System.arraycopy(
            part.data(),
            (k * part.height() + y) * part.width(),
            out.data(),
            (k * out.height() + tile.outY0() + y) * out.width() + tile.outX0(),
            tile.outWidth());
      }
    }
  }

  /** A random problem big enough for several bands and vectors per row. */
  private record Case(Tensor3 image, FilterBank bank, ConvSpec spec, ConvGeometry geometry) {
    static Case draw(Random r) {
      while (true) {
        int channels = 1 + r.nextInt(6);
        int f = 1 + r.nextInt(6);
        FilterBank bank =
            VectorKernelDifferentialTest.randomBank(r, 1 + r.nextInt(10), channels, f, f);
        ConvSpec spec =
            ConvSpec.builder(bank)
                .stride(1 + r.nextInt(3))
                .dilation(1 + r.nextInt(2))
                .padding(Padding.SAME)
                .paddingMode(PaddingMode.values()[r.nextInt(4)])
                .activation(
                    r.nextBoolean()
                        ? Activation.RELU
                        : new Activation(Activation.Kind.LEAKY_RELU, 0.2f))
                .build();
        Tensor3 image =
            VectorKernelDifferentialTest.randomImage(
                r, channels, 20 + r.nextInt(90), 10 + r.nextInt(150));
        try {
          return new Case(image, bank, spec, spec.geometry(image.height(), image.width()));
        } catch (IllegalArgumentException cannotPad) {
          // draw again
        }
      }
    }

    @Override
    public String toString() {
      return "image " + image + ", bank " + bank + ", " + spec;
    }
  }
}
