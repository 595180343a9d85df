package io.haloconv.io;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageWriteParam;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real decoders running out of heap on valid files, in a child JVM of 40 MB decoding images of 48
 * MB or more: each failure is {@code out-of-memory} (stage decode), never {@code corrupt}, whether
 * the decoder throws the {@link OutOfMemoryError} itself (the JDK's PNG reader) or wraps it
 * (TwelveMonkeys' "Unable to allocate destination image of N bytes").
 */
class OutOfMemoryKindsTest {
  @TempDir Path temp;

  @Test
  void interlacedPngThroughTheJdkReaderIsOutOfMemory() throws Exception {
    ImageWriteParam interlaced = TestImages.writer("png").getDefaultWriteParam();
    interlaced.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    BufferedImage rgb = new BufferedImage(4000, 4000, BufferedImage.TYPE_3BYTE_BGR);
    Path file = Files.write(temp.resolve("big.png"), TestImages.encode(rgb, "png", interlaced));
    assertThat(decodeInSmallHeap(file))
        .startsWith("out-of-memory decode not enough memory to decode this PNG")
        .contains("Java heap space")
        .contains("the file may be fine");
  }

  @Test
  void cmykJpegThroughTwelveMonkeysIsOutOfMemoryNotCorrupt() throws Exception {
    Path file = Files.write(temp.resolve("cmyk.jpg"), TestImages.cmykJpeg(3600, 3600));
    assertThat(decodeInSmallHeap(file))
        .startsWith("out-of-memory decode not enough memory to decode this JPEG")
        .contains("Unable to allocate destination image of");
  }

  @Test
  void theSameFilesDecodeInAHeapTheyFit() throws Exception {
    Path file = Files.write(temp.resolve("cmyk.jpg"), TestImages.cmykJpeg(3600, 3600));
    assertThat(decode(file, "-Xmx400m")).isEqualTo("ok");
  }

  /** The child's line: {@code ok}, or {@code kind stage message}. */
  private static String decodeInSmallHeap(Path file) throws Exception {
    return decode(file, "-Xmx40m");
  }

  static String decode(Path file, String heap) throws Exception {
    List<String> command =
        List.of(
            Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
            heap,
            "-cp",
            System.getProperty("java.class.path"),
            DecodeHeapHarness.class.getName(),
            "decode",
            file.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    boolean done = process.waitFor(3, TimeUnit.MINUTES);
    if (!done) {
      process.destroyForcibly();
    }
    assertThat(done).as("finished: " + out).isTrue();
    String[] lines = out.strip().split("\n");
    return lines[lines.length - 1].strip();
  }
}
