package io.haloconv.io.tiff;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.io.DecodeHeapHarness;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * haloconv's own TIFF reader decodes a compressed strip whole: a valid Deflate TIFF of one 36 MB
 * strip, read in a 40 MB child JVM, is {@code out-of-memory} (stage decode), not an uncaught error
 * that would end the executor, and not {@code corrupt}.
 */
class TiffOutOfMemoryTest {
  @TempDir Path temp;

  @Test
  void oneHugeDeflateStripIsOutOfMemory() throws Exception {
    int side = 6000;
    TiffWriter writer = new TiffWriter(side, side);
    writer.samples = 1;
    writer.photometric = 1;
    writer.rowsPerStrip = side;
    writer.compression = TiffDirectory.COMPRESSION_DEFLATE;
    Path file = Files.write(temp.resolve("strip.tif"), writer.write(new int[side * side]));
    List<String> command =
        List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            "-Xmx40m",
            "-cp",
            System.getProperty("java.class.path"),
            DecodeHeapHarness.class.getName(),
            "decode",
            file.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as(out).isTrue();
    assertThat(out.strip())
        .as(out)
        .contains("out-of-memory decode not enough memory to decode this TIFF")
        .contains("Java heap space");
    assertThat(process.exitValue()).as(out).isEqualTo(3);
  }
}
