package io.haloconv.io;

import static io.haloconv.io.TestFiles.golden;
import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.readAllBytes;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.io.tiff.TiffBytes;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Files that probe but cannot be decoded fail as DECODE bad records with one-line messages. */
class BadFilesTest {
  @TempDir Path dir;

  private static ImageInfo probe(Path file) throws ImageReadException {
    return ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
  }

  private static void assertDecodeFailure(Throwable e) {
    assertThat(e).isInstanceOf(ImageReadException.class);
    assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.DECODE);
    assertThat(e.getMessage()).doesNotContain("\n").doesNotContain("\tat ");
    assertThat(e.getCause()).isNotNull();
  }

  @Test
  void truncatedPngFailsToDecode() throws ImageReadException {
    byte[] png = readAllBytes(golden("images/astronaut.png"));
    ImageInfo info = probe(write(dir.resolve("cut.png"), Arrays.copyOf(png, png.length / 2)));
    assertThat(info.width()).isEqualTo(139); // the header is intact
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThatThrownBy(() -> source.read(0, 0, 4, 4))
          .hasMessage(
              "truncated PNG: Error reading PNG image data: Unexpected end of ZLIB input"
                  + " stream")
          .satisfies(BadFilesTest::assertDecodeFailure);
      // The reader's state is unknown after a failure: later windows fail the same way.
      assertThatThrownBy(() -> source.read(10, 10, 4, 4)).hasMessageStartingWith("truncated PNG: ");
    }
  }

  @Test
  void truncatedJpegFailsInsteadOfDecodingGray() throws ImageReadException {
    byte[] jpeg = readAllBytes(golden("images/rocket.jpg"));
    ImageInfo info = probe(write(dir.resolve("cut.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2)));
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThatThrownBy(source::readAll)
          .isInstanceOf(ImageReadException.class)
          .hasMessage("truncated JPEG: Corrupt JPEG data: premature end of data segment")
          .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.DECODE));
    }
  }

  @Test
  void unsupportedTiffCompressionIsNamed() throws ImageReadException {
    byte[] tiff =
        TiffBytes.tiff(
            4,
            4,
            1,
            8,
            TiffBytes.PHOTOMETRIC_BLACK_IS_ZERO,
            TiffBytes.SAMPLE_UNSIGNED,
            34712,
            new byte[16]);
    ImageInfo info = probe(write(dir.resolve("j2k.tif"), tiff));
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThatThrownBy(source::readAll)
          .hasMessage("unsupported TIFF compression 34712 (JPEG 2000)")
          .satisfies(BadFilesTest::assertDecodeFailure);
    }
  }

  @Test
  void aStuckDecodeIsAbortedAfterItsTimeout() throws ImageReadException {
    // A file system that takes 700 ms per read call: the decode reads the 47 KB PNG in one call
    // (HadoopImageInputStream.WHOLE_FILE_BYTES), which outlasts the 500 ms the decode may take.
    CountingFileSystem slow = new CountingFileSystem(local());
    ImageInfo info =
        ImageProbe.probe(
            slow, hadoop(golden("images/astronaut.png")), ImageProbe.DEFAULT_MAX_PIXELS);
    slow.delayEveryRead(700);
    long start = System.nanoTime();
    try (ImageSource source =
        ImageSource.open(
            slow, info, ChannelMode.KEEP, Normalization.UNIT, Duration.ofMillis(500))) {
      assertThatThrownBy(source::readAll)
          .hasMessage(
              "decoding PNG took longer than 500 ms and was aborted; the file may be" + " corrupt")
          .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.DECODE));
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void deadlineAbortsAFakeEndlessDecode() throws Exception {
    AtomicBoolean aborted = new AtomicBoolean();
    CountDownLatch stopped = new CountDownLatch(1);
    // A decoder that loops until aborted, as ImageReader implementations poll abortRequested().
    assertThatThrownBy(
            () ->
                Deadline.call(
                    Duration.ofMillis(100),
                    () -> {
                      while (!aborted.get()) {
                        Thread.onSpinWait();
                      }
                      stopped.countDown();
                      return null;
                    },
                    () -> aborted.set(true)))
        .isInstanceOf(Deadline.Expired.class)
        .hasMessage("took longer than 100 ms");
    assertThat(stopped.await(5, TimeUnit.SECONDS)).isTrue();
    assertThat(Deadline.call(Duration.ofSeconds(5), () -> 42, () -> {})).isEqualTo(42);
    assertThatThrownBy(
            () ->
                Deadline.call(
                    Duration.ofSeconds(5),
                    () -> {
                      throw new java.io.IOException("boom");
                    },
                    () -> {}))
        .isInstanceOf(java.io.IOException.class)
        .hasMessage("boom");
  }
}
