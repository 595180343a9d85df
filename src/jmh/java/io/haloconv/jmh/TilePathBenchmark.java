package io.haloconv.jmh;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.PaddingMode;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.MapRegion;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.stack.TilePlan;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
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
 * The path of one tile as a task runs it ({@code spark.task.TileRunner}): {@code evaluate} runs the
 * {@link StackEvaluator} over the tile's plan, reading its padded input spans from an in-memory
 * image (the padding mode's values included) and convolving; {@code encode} turns the K×h×w outputs
 * into the little-endian float32 bytes of the Parquet {@code features} column (design.md §3) with
 * the production {@link Precision#encode}; {@code tile} does both. The tile sits at the image's
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

  private StackEvaluator evaluator;
  private StackGeometry geometry;
  private TilePlan plan;
  private RegionReader reader;
  private MapRegion last;

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
    LayerStack stack = LayerStack.of(filters, spec, "jmh");
    Tensor3 image = Tensor3.zeros(c, 1024, 1024);
    Random random = new Random(4);
    for (int i = 0; i < image.size(); i++) {
      image.data()[i] = random.nextFloat();
    }
    reader = RegionReader.of(image);
    evaluator = new StackEvaluator(stack);
    geometry = stack.geometry(c, image.height(), image.width());
    Tile first = geometry.grid(tile, tile).tile(0);
    plan = geometry.plan(first.outY0(), first.outX0(), first.outHeight(), first.outWidth());
    evaluate();
  }

  @Benchmark
  public MapRegion evaluate() throws IOException {
    evaluator.evaluate(geometry, plan, reader, region -> last = region);
    return last;
  }

  @Benchmark
  public byte[] encode() {
    return encode(last);
  }

  @Benchmark
  public byte[] tile() throws IOException {
    byte[][] out = new byte[1][];
    evaluator.evaluate(geometry, plan, reader, region -> out[0] = encode(region));
    return out[0];
  }

  /** Little-endian float32 in (channel, row, column) order, as the features column holds them. */
  static byte[] encode(MapRegion region) {
    byte[] bytes = new byte[4 * region.size()];
    int at = 0;
    for (int c = 0; c < region.channels(); c++) {
      for (int y = 0; y < region.height(); y++) {
        int from = region.offset(c, y);
        Precision.FLOAT32.encode(region.data(), from, from + region.width(), bytes, at);
        at += 4 * region.width();
      }
    }
    return bytes;
  }
}
