package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Npz;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.Golden;
import io.haloconv.testing.NaiveConv;
import io.haloconv.tiling.ConvTiles;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileConvolver;
import io.haloconv.tiling.TileGrid;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every golden kernel case (the repository's, and ../shared/golden's when present), whole image and
 * tiled, against PyTorch's float64 result.
 */
class GoldenKernelTest {

  static List<Golden.Case> cases() {
    return Golden.cases("kernel");
  }

  private static Map<String, NpyArray> load(Golden.Case c) throws IOException {
    try (InputStream in = Files.newInputStream(c.file("file"))) {
      return Npz.read(in);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void wholeImageMatchesPyTorchFloat64(Golden.Case c) throws IOException {
    Map<String, NpyArray> arrays = load(c);
    FilterBank bank = BankFiles.fromArrays(arrays, "npz");
    ConvSpec spec = Golden.spec(c.json().get("spec"), bank);
    Tensor3 x = arrays.get("x").toTensor3();
    NpyArray y = arrays.get("y");
    Tensor3 got = TileConvolver.convolveImage(x, bank, spec);
    assertThat(new int[] {got.channels(), got.height(), got.width()}).containsExactly(y.shape());
    NaiveConv.assertClose(got.data(), y.data(), c.name());
    // The independent float64 reference agrees with PyTorch too, so it is a fair oracle elsewhere.
    NaiveConv.assertClose(got.data(), NaiveConv.convolve(x, bank, spec), c.name() + " vs naive");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void tilesOfThreeOutputsStitchToTheSameBits(Golden.Case c) throws IOException {
    Map<String, NpyArray> arrays = load(c);
    FilterBank bank = BankFiles.fromArrays(arrays, "npz");
    ConvSpec spec = Golden.spec(c.json().get("spec"), bank);
    Tensor3 x = arrays.get("x").toTensor3();
    Tensor3 whole = TileConvolver.convolveImage(x, bank, spec);
    TileGrid grid = ConvTiles.grid(spec.geometry(x.height(), x.width()), 3, 5);
    TileConvolver convolver = new TileConvolver(new Conv2d(bank, spec));
    for (Tile tile : grid.tiles()) {
      Tensor3 out = convolver.convolve(tile, x.height(), x.width(), RegionReader.of(x));
      for (int k = 0; k < out.channels(); k++) {
        for (int yy = 0; yy < tile.outHeight(); yy++) {
          for (int xx = 0; xx < tile.outWidth(); xx++) {
            assertThat(Float.floatToRawIntBits(out.get(k, yy, xx)))
                .as("%s tile %d (%d,%d,%d)", c.name(), tile.index(), k, yy, xx)
                .isEqualTo(
                    Float.floatToRawIntBits(whole.get(k, tile.outY0() + yy, tile.outX0() + xx)));
          }
        }
      }
    }
  }
}
