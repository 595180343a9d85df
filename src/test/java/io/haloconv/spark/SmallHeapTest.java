package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.haloconv.bench.SyntheticImages;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.ForkedMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory bound: a JVM whose heap (96 MB) is a sixth of one decoded copy of its input, a
 * 50-megapixel tiled TIFF (150 MB of RGB bytes, 600 MB as float32), featurizes it on {@code
 * local[2]}, through the command line, as a user would. Only tiles, windows and row groups ever
 * live in memory.
 */
class SmallHeapTest {
  private static final int SIDE = 7072; // 7072² = 50.0 megapixels

  @TempDir Path temp;

  @Test
  void fiftyMegapixelTiffIsFeaturizedInA96MegabyteHeap() throws Exception {
    Path image = temp.resolve("scene.tif");
    SyntheticImages.tiledTiff(image, SIDE, SIDE, 256, false, SyntheticImages.uniform());
    Path output = temp.resolve("features");

    List<String> command =
        ForkedMain.command(
            List.of(
                "-Xmx96m",
                "-XX:+UseSerialGC", // compacting: no humongous-region fragmentation at 96 MB
                "-XX:+ExitOnOutOfMemoryError"),
            List.of(
                "featurize",
                "--input",
                image.toString(),
                "--filters",
                "preset:sobel",
                "--padding",
                "same",
                "--precision",
                "float16",
                "--tile",
                "256",
                "--master",
                "local[2]",
                "--output",
                output.toString(),
                // Spark refuses heaps under 450 MB unless told that it reserves none for itself.
                "--conf",
                "spark.testing.reservedMemory=0",
                "--conf",
                "spark.ui.enabled=false"));
    Process process = ForkedMain.builder(command).redirectErrorStream(true).start();
    byte[] log = process.getInputStream().readAllBytes();
    boolean done = process.waitFor(5, TimeUnit.MINUTES);
    String text = new String(log, StandardCharsets.UTF_8);
    assertThat(done).as("finished in 5 minutes").isTrue();
    assertThat(process.exitValue()).as(text).isZero();
    assertThat(text).contains("1 files: 1 written, 0 failed").containsPattern("tiles +784\\n");

    // Every tile is there, and the maps are right where the image is flat: Sobel of a constant
    // is zero (up to float16 rounding of the channel mean), and it is flat around (1200, 1200),
    // away from its gradient steps and lines.
    var maps = FeatureMaps.viaParquetHadoop(output.toString());
    assertThat(maps).hasSize(1);
    var map = maps.values().iterator().next();
    assertThat(map.channels()).isEqualTo(2);
    assertThat(map.height()).isEqualTo(SIDE);
    assertThat(map.width()).isEqualTo(SIDE);
    assertThat(map.get(0, 1200, 1200)).isCloseTo(0, within(1e-6f));
    assertThat(map.get(1, 1200, 1200)).isCloseTo(0, within(1e-6f));
    // Beside the vertical line at column 997, one of the derivatives is not.
    assertThat(Math.abs(map.get(0, 1200, 996)) + Math.abs(map.get(1, 1200, 996))).isPositive();
  }
}
