package io.haloconv.jmh;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvKernel;
import io.haloconv.conv.ConvKernels;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import java.util.Map;
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
 * One kernel call on one image of each standard shape (jobs/bench/shapes.json; the batch shapes run
 * one image of their batch), on an input padded beforehand: the kernel alone, single-threaded.
 * GFLOP/s = 2·K·C·F²·OH·OW / time; {@code haloconv bench} prints it for whole batches and threads.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class ConvKernelBenchmark {
  /** A standard shape, or {@code c64_56_1x1}, the pointwise case. */
  @Param({
    "rgb1024_3to16_3x3",
    "rgb224_3to64_3x3",
    "c64_56_3x3",
    "gray4096_1to8_5x5",
    "rgb1024_3to32_7x7_s2",
    "c64_56_1x1"
  })
  public String shape;

  /** C, H, W, K, F, stride, padding of each shape. */
  private static final Map<String, int[]> SHAPES =
      Map.of(
          "rgb1024_3to16_3x3", new int[] {3, 1024, 1024, 16, 3, 1, 1},
          "rgb224_3to64_3x3", new int[] {3, 224, 224, 64, 3, 1, 1},
          "c64_56_3x3", new int[] {64, 56, 56, 64, 3, 1, 1},
          "gray4096_1to8_5x5", new int[] {1, 4096, 4096, 8, 5, 1, 2},
          "rgb1024_3to32_7x7_s2", new int[] {3, 1024, 1024, 32, 7, 2, 3},
          "c64_56_1x1", new int[] {64, 56, 56, 64, 1, 1, 0});

  /** {@code vector} or {@code direct} (the portable kernel, about 30× slower). */
  @Param({"vector"})
  public String kernel;

  private ConvKernel conv;
  private float[] input;
  private float[] output;
  private int inHeight;
  private int inWidth;
  private int outHeight;
  private int outWidth;

  @Setup(Level.Trial)
  public void setUp() {
    int[] v = SHAPES.get(shape);
    if (v == null) {
      throw new IllegalArgumentException("unknown shape " + shape + "; known: " + SHAPES.keySet());
    }
    int c = v[0];
    int h = v[1];
    int w = v[2];
    int k = v[3];
    int f = v[4];
    int stride = v[5];
    int padding = v[6];
    FilterBank bank = FilterBanks.random(k, c, f, 1);
    ConvSpec spec =
        ConvSpec.builder(bank).stride(stride).padding(padding).activation(Activation.RELU).build();
    conv =
        kernel.equals("direct") ? ConvKernels.direct(bank, spec) : ConvKernels.vector(bank, spec);
    inHeight = h + 2 * padding;
    inWidth = w + 2 * padding;
    outHeight = (inHeight - f) / stride + 1;
    outWidth = (inWidth - f) / stride + 1;
    input = new float[c * inHeight * inWidth];
    Random random = new Random(2);
    for (int ch = 0; ch < c; ch++) {
      for (int y = padding; y < padding + h; y++) {
        for (int x = padding; x < padding + w; x++) {
          input[(ch * inHeight + y) * inWidth + x] = random.nextFloat() * 2 - 1;
        }
      }
    }
    output = new float[k * outHeight * outWidth];
  }

  @Benchmark
  public float[] convolve() {
    conv.convolve(input, inHeight, inWidth, output, outHeight, outWidth);
    return output;
  }
}
