package io.haloconv.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvKernel;
import io.haloconv.conv.ConvKernels;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.TileConvolver;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bench engine: arguments, output, JSON, the FLOP count and the thread split's results. */
class BenchTest {
  private static final String TINY =
      "[{\"name\": \"tiny_rows\", \"n\": 3, \"c\": 3, \"h\": 37, \"w\": 41, \"k\": 5, \"f\": 3,"
          + " \"stride\": 1, \"padding\": 1},"
          + " {\"name\": \"tiny_batch_s2\", \"n\": 2, \"c\": 2, \"h\": 30, \"w\": 19, \"k\": 4, \"f\": 5,"
          + " \"stride\": 2, \"padding\": 2}]";

  @TempDir Path dir;

  @Test
  void benchesEveryShapeAndWritesJson() throws Exception {
    Path shapes = Files.writeString(dir.resolve("shapes.json"), TINY);
    Path json = dir.resolve("out.json");
    Run run =
        run(
            "--shapes",
            shapes.toString(),
            "--threads",
            "2",
            "--json",
            json.toString(),
            "--repeats",
            "3",
            "--warmup",
            "0");
    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out)
        .contains("tiny_rows")
        .contains("tiny_batch_s2")
        .contains("GFLOP/s")
        .contains("2 thread(s)");
    JsonNode results = new ObjectMapper().readTree(json.toFile());
    assertThat(results.size()).isEqualTo(2);
    assertThat(results.get(0).get("name").asText()).isEqualTo("tiny_rows");
    for (JsonNode r : results) {
      assertThat(r.get("ms").asDouble()).isPositive();
      assertThat(r.get("gflops").asDouble()).isPositive();
      assertThat(r.size()).isEqualTo(3);
    }
  }

  @Test
  void peakOnlyPrintsThePositiveFmaPeakAndNoShape() throws Exception {
    Path shapes = Files.writeString(dir.resolve("shapes.json"), TINY);
    Run run = run("--shapes", shapes.toString(), "--peak-only", "--threads", "1", "--repeats", "1");
    assertThat(run.code).as(run.err).isZero();
    String line = run.out.lines().filter(l -> l.startsWith("fma_peak")).findFirst().orElseThrow();
    assertThat(Double.parseDouble(line.trim().split("\\s+")[3])).isPositive();
    assertThat(run.out).doesNotContain("tiny_rows");
  }

  @Test
  void filterLaneKernelBenchesEveryShape() throws Exception {
    Path shapes = Files.writeString(dir.resolve("shapes.json"), TINY);
    Run run =
        run("--shapes", shapes.toString(), "--kernel", "lanes", "--repeats", "1", "--warmup", "0");
    assertThat(run.code).as(run.err).isZero();
    assertThat(run.out).contains("kernel lanes").contains("tiny_rows").contains("tiny_batch_s2");
  }

  @Test
  void badArgumentsExitTwoWithOneLine() throws Exception {
    Path shapes = Files.writeString(dir.resolve("shapes.json"), TINY);
    Run zero = run("--shapes", shapes.toString(), "--threads", "0");
    assertThat(zero.code).isEqualTo(2);
    assertThat(zero.err.trim())
        .isEqualTo("haloconv bench: --threads must be in [1, 1024], got '0'");
    Run unknown = run("--fast");
    assertThat(unknown.code).isEqualTo(2);
    assertThat(unknown.err).startsWith("haloconv bench: unknown argument '--fast'");
    Run missing = run("--shapes", dir.resolve("none.json").toString());
    assertThat(missing.code).isEqualTo(2);
    assertThat(missing.err).startsWith("haloconv bench: cannot read shapes:");
    Path bad = Files.writeString(dir.resolve("bad.json"), "[{\"name\": \"x\", \"n\": 1}]");
    Run malformed = run("--shapes", bad.toString());
    assertThat(malformed.code).isEqualTo(2);
    assertThat(malformed.err.trim())
        .endsWith("every shape needs an integer \"c\", got {\"name\":\"x\",\"n\":1}");
    Run only = run("--shapes", shapes.toString(), "--only", "nope");
    assertThat(only.code).isEqualTo(2);
    assertThat(only.err).contains("--only names shapes not in");
  }

  @Test
  void flopsAreCountedAsOneDnnCountsThem() throws Exception {
    List<BenchShape> shapes =
        BenchShape.readAll(
            new ByteArrayInputStream(
                ("[{\"name\": \"rgb1024_3to32_7x7_s2\", \"n\": 1, \"c\": 3, \"h\": 1024, \"w\": 1024,"
                        + " \"k\": 32, \"f\": 7, \"stride\": 2, \"padding\": 3}]")
                    .getBytes(StandardCharsets.UTF_8)));
    BenchShape s = shapes.get(0);
    // dnnl_conv.cpp: OH = (H + 2P − F)/S + 1; flops = 2·N·K·OH·OW·C·F·F
    assertThat(s.outHeight()).isEqualTo(512);
    assertThat(s.flops()).isEqualTo(2.0 * 1 * 32 * 512 * 512 * 3 * 7 * 7);
  }

  @Test
  void everyThreadSplitComputesTheSameFeatureMapsAsOneImageAtATime() throws Exception {
    for (BenchShape shape :
        BenchShape.readAll(new ByteArrayInputStream(TINY.getBytes(StandardCharsets.UTF_8)))) {
      try (ParallelConv one = new ParallelConv(shape, 1, 42, ConvKernels::create);
          ParallelConv two = new ParallelConv(shape, 2, 42, ConvKernels::create);
          ParallelConv three = new ParallelConv(shape, 3, 42, ConvKernels::create)) {
        one.runOnce();
        two.runOnce();
        three.runOnce();
        for (int image = 0; image < shape.n(); image++) {
          float[] want = one.featureMap(image);
          assertThat(two.featureMap(image))
              .as(shape.name() + " image " + image + ", 2 threads (" + two.split() + ")")
              .usingElementComparator(BenchTest::bitwise)
              .containsExactly(boxed(want));
          assertThat(three.featureMap(image))
              .as(shape.name() + " image " + image + ", 3 threads (" + three.split() + ")")
              .usingElementComparator(BenchTest::bitwise)
              .containsExactly(boxed(want));
        }
      }
    }
  }

  @Test
  void repeatedRunsGiveTheSameMapsAndAFailingThreadFailsItsRun() {
    BenchShape shape = new BenchShape("rows", 1, 2, 19, 23, 3, 3, 1, 1);
    try (ParallelConv once = new ParallelConv(shape, 2, 42, ConvKernels::create);
        ParallelConv thrice = new ParallelConv(shape, 2, 42, ConvKernels::create)) {
      once.runOnce();
      for (int run = 0; run < 3; run++) {
        thrice.runOnce(); // the worker spins between runs; each run must wait for it again
      }
      assertThat(thrice.featureMap(0))
          .usingElementComparator(BenchTest::bitwise)
          .containsExactly(boxed(once.featureMap(0)));
    }
    // The second kernel made belongs to the worker thread (thread 1): its failure must reach the
    // caller of runOnce, run after run, and never hang the caller.
    AtomicInteger made = new AtomicInteger();
    AtomicInteger calls = new AtomicInteger();
    try (ParallelConv conv =
        new ParallelConv(
            shape,
            2,
            42,
            (bank, spec) -> {
              ConvKernel real = ConvKernels.direct(bank, spec);
              boolean failing = made.getAndIncrement() == 1;
              return (in, h, w, out, oh, ow) -> {
                calls.incrementAndGet();
                if (failing) {
                  throw new IllegalArgumentException("thread 1 fails");
                }
                real.convolve(in, h, w, out, oh, ow);
              };
            })) {
      for (int run = 0; run < 2; run++) {
        assertThatThrownBy(conv::runOnce)
            .isInstanceOf(IllegalStateException.class)
            .hasMessage("a bench thread failed")
            .hasRootCauseMessage("thread 1 fails");
      }
      assertThat(calls.get()).as("both threads ran both times").isEqualTo(4);
    }
  }

  @Test
  void benchInputIsTheZeroPaddedImageAndOutputIsReluOfTheConvolution() throws Exception {
    // One image, one thread: the feature map equals the pipeline's whole-image convolution of the
    // same random image with zero padding, bias and relu.
    BenchShape shape = new BenchShape("one", 1, 2, 9, 23, 3, 3, 1, 1);
    try (ParallelConv conv = new ParallelConv(shape, 1, 42, ConvKernels::direct)) {
      conv.runOnce();
      Random random = new Random(42);
      Tensor3 image = Tensor3.zeros(2, 9, 23);
      for (int i = 0; i < image.size(); i++) {
        image.data()[i] = random.nextFloat() * 2 - 1;
      }
      FilterBank random3 = FilterBanks.random(3, 2, 3, 42);
      Random b = new Random(43);
      float[] bias = new float[3];
      for (int i = 0; i < 3; i++) {
        bias[i] = (float) (b.nextGaussian() * 0.1);
      }
      FilterBank bank = new FilterBank(3, 2, 3, 3, random3.weight(), bias);
      ConvSpec spec = ConvSpec.builder(bank).padding(1).activation(Activation.RELU).build();
      Tensor3 want = TileConvolver.convolveImage(image, bank, spec);
      assertThat(conv.featureMap(0)).containsExactly(want.data());
    }
  }

  @Test
  void defaultShapesAreTheProjectsBenchFile() throws IOException {
    // The tests run in the project root, whose jobs/bench/shapes.json holds the standard shapes.
    Path found = Bench.Options.defaultShapes();
    assertThat(found).isEqualTo(Path.of("jobs", "bench", "shapes.json").toAbsolutePath());
    try (InputStream in = Files.newInputStream(found)) {
      assertThat(BenchShape.readAll(in))
          .extracting(BenchShape::name)
          .containsExactly(
              "rgb1024_3to16_3x3",
              "rgb224_3to64_3x3_b8",
              "c64_56_3x3_b8",
              "gray4096_1to8_5x5",
              "rgb1024_3to32_7x7_s2");
    }
  }

  private static int bitwise(Float a, Float b) {
    return Integer.compare(Float.floatToRawIntBits(a), Float.floatToRawIntBits(b));
  }

  private static Float[] boxed(float[] values) {
    Float[] out = new Float[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }

  private record Run(int code, String out, String err) {}

  private static Run run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Bench.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
