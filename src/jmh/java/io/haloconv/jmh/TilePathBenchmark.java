package io.haloconv.jmh;

import io.haloconv.conv.Activation;
import io.haloconv.conv.Conv2d;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.HaloWindow;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.TileGrid;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The whole path of one tile as a task runs it, and each of its stages alone, so the split shows:
 * {@code window} reads the tile's padded input window from an in-memory image through {@link
 * HaloWindow} (the padding mode's values included), {@code convolve} runs {@link Conv2d} on it,
 * {@code encode} turns the K×h×w outputs into the little-endian float32 bytes of the Parquet {@code
 * features} column (design.md §3), and {@code tile} does all three. The tile sits at the image's
 * top-left corner, so its window carries padding on two sides.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx2g"})
public class TilePathBenchmark {
  /** The bank as K x C x F (filters, channels, size). */
  @Param({"16x3x3", "32x3x7", "64x64x3"})
  public String bank;

  @Param({"256"})
  public int tile;

  @Param({"reflect"})
  public String paddingMode;

  private Conv2d conv;
  private Tensor3 image;
  private RegionReader reader;
  private Tile first;
  private Tensor3 window;
  private Tensor3 features;

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    String[] v = bank.split("x");
    int k = Integer.parseInt(v[0]);
    int c = Integer.parseInt(v[1]);
    int f = Integer.parseInt(v[2]);
    FilterBank filters = FilterBanks.random(k, c, f, 3);
    ConvSpec spec =
        ConvSpec.builder(filters)
            .padding(f / 2)
            .paddingMode(PaddingMode.parse(paddingMode))
            .activation(Activation.RELU)
            .build();
    conv = new Conv2d(filters, spec);
    image = Tensor3.zeros(c, 1024, 1024);
    Random random = new Random(4);
    for (int i = 0; i < image.size(); i++) {
      image.data()[i] = random.nextFloat();
    }
    reader = RegionReader.of(image);
    ConvGeometry geometry = spec.geometry(image.height(), image.width());
    first = new TileGrid(geometry, tile, tile).tile(0);
    window = window();
    features = convolve();
  }

  @Benchmark
  public Tensor3 window() throws IOException {
    return HaloWindow.read(
        first.input(),
        image.channels(),
        image.height(),
        image.width(),
        conv.spec().paddingMode(),
        reader);
  }

  @Benchmark
  public Tensor3 convolve() {
    return conv.convolveWindow(window, first.outHeight(), first.outWidth());
  }

  @Benchmark
  public byte[] encode() {
    return encode(features);
  }

  @Benchmark
  public byte[] tile() throws IOException {
    return encode(conv.convolveWindow(window(), first.outHeight(), first.outWidth()));
  }

  /** Little-endian float32 in (channel, row, column) order, as the features column holds them. */
  /** The production encoding of the features column (TileProcessor calls the same method). */
  static byte[] encode(Tensor3 t) {
    byte[] bytes = new byte[4 * t.size()];
    Precision.FLOAT32.encode(t.data(), 0, t.size(), bytes, 0);
    return bytes;
  }
}
