package io.haloconv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A decompression bomb: a valid 200000×200000 1-bit PNG of about 5 MB that inflates to 5 GB of rows
 * and 4·10^10 pixels. It is refused from its header, in a JVM of 48 MB (a hundredth of what it
 * inflates to); and if a user raises {@code --max-pixels} past it, decoding fails as a bad record
 * instead of taking the JVM down.
 */
class DecompressionBombTest {
  @TempDir static Path dir;
  static Path bomb;

  @BeforeAll
  static void writeBomb() throws IOException {
    bomb = Files.write(dir.resolve("bomb.png"), TestImages.pngBomb(200_000, 200_000));
  }

  @Test
  void theBombIsAFewMegabytesOfValidPng() throws IOException {
    assertThat(Files.size(bomb)).isBetween(1L << 20, 8L << 20);
    // The same generator, small enough to decode: the JDK's reader accepts its stream.
    byte[] small = TestImages.pngBomb(3000, 2000);
    ImageInfo info =
        ImageProbe.probe(
            TestFiles.local(),
            TestFiles.hadoop(Files.write(dir.resolve("small.png"), small)),
            ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.layout()).isEqualTo(PixelLayout.BINARY);
    try (ImageSource source =
        ImageSource.open(TestFiles.local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      var pixels = source.readAll();
      assertThat(pixels.width()).isEqualTo(3000);
      assertThat(pixels.get(0, 1999, 2999)).isZero();
    }
  }

  @Test
  void refusedFromItsHeaderInASmallHeapAndDecodingItFailsAsABadRecordIfAllowed() throws Exception {
    long allowed = Long.MAX_VALUE; // a user raising --max-pixels past the bomb
    List<String> command =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m",
                "-cp",
                System.getProperty("java.class.path"),
                BombProbe.class.getName(),
                bomb.toString(),
                Long.toString(ImageProbe.DEFAULT_MAX_PIXELS),
                Long.toString(allowed)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child JVM did not finish");
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output.lines().filter(l -> l.matches("\\d+: .*")))
        .as(output)
        .containsExactly(
            ImageProbe.DEFAULT_MAX_PIXELS
                + ": refused probe too-large: image is 200000x200000"
                + " = 4.0e10 pixels, --max-pixels is 2147483648",
            allowed + ": probed 200000x200000",
            allowed
                + ": refused decode too-large: a 200000x200000 PNG is too large to decode whole"
                + " (at most 2147483639 pixels); only tiled or striped TIFFs and .npy arrays are"
                + " read by region");
  }
}
