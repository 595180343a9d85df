package io.haloconv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ImageReadException.Stage;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Random;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link ImageProbe#open} of local files ({@link LocalFileInput}) against Hadoop's own local open:
 * the same bytes for every kind of read a decoder makes, and the same errors.
 */
class LocalFileInputTest {
  @TempDir java.nio.file.Path temp;

  /** Sequential, positioned and seek reads, with their positions, as one string. */
  private static String trace(FSDataInputStream in, int length) throws IOException {
    StringBuilder s = new StringBuilder();
    byte[] buffer = new byte[10_000];
    s.append(in.read()).append(' ').append(in.getPos()).append(';');
    int got = in.read(buffer, 0, 5000);
    s.append(got).append(' ').append(in.getPos()).append(' ').append(sum(buffer, got)).append(';');
    in.readFully(7, buffer, 0, 300); // positioned: the stream's position stays
    s.append(sum(buffer, 300)).append(' ').append(in.getPos()).append(';');
    got = in.read(length - 10, buffer, 0, 100); // past the end: what is there
    s.append(got).append(' ').append(sum(buffer, got)).append(';');
    in.seek(length - 3);
    s.append(in.read()).append(in.read()).append(in.read()).append(in.read()).append(';');
    in.seek(2);
    s.append(in.getPos()).append(' ').append(in.read()).append(';');
    s.append(in.skip(1000)).append(' ').append(in.getPos()).append(';');
    assertThatThrownBy(() -> in.readFully(length - 1, buffer, 0, 2))
        .isInstanceOf(java.io.EOFException.class);
    return s.toString();
  }

  private static long sum(byte[] bytes, int count) {
    long sum = 0;
    for (int i = 0; i < count; i++) {
      sum = sum * 31 + bytes[i];
    }
    return sum;
  }

  @Test
  void readsTheSameBytesAsHadoopsLocalOpen() throws IOException {
    byte[] bytes = new byte[30_001];
    new Random(3).nextBytes(bytes);
    java.nio.file.Path file = Files.write(temp.resolve("with space:colon%.png"), bytes);
    LocalFileSystem fs = FileSystem.getLocal(new Configuration(false));
    Path path = new Path(file.toUri());
    String expected;
    try (FSDataInputStream hadoop = fs.getRawFileSystem().open(path)) {
      expected = trace(hadoop, bytes.length);
    }
    for (FileSystem each : new FileSystem[] {fs, fs.getRawFileSystem()}) {
      try (FSDataInputStream in = ImageProbe.open(each, path, Stage.DECODE)) {
        assertThat(in.getWrappedStream())
            .isInstanceOf(org.apache.hadoop.fs.BufferedFSInputStream.class);
        assertThat(trace(in, bytes.length)).isEqualTo(expected);
      }
    }
    // And the bytes themselves, read whole.
    try (FSDataInputStream in = ImageProbe.open(fs, path, Stage.PROBE)) {
      byte[] all = new byte[bytes.length];
      in.readFully(0, all);
      assertThat(all).isEqualTo(bytes);
    }
  }

  @Test
  void missingFilesAndDirectoriesFailAsHadoopsOpenFails() throws IOException {
    LocalFileSystem fs = FileSystem.getLocal(new Configuration(false));
    java.nio.file.Path dir = Files.createDirectories(temp.resolve("a dir"));
    for (java.nio.file.Path bad : new java.nio.file.Path[] {temp.resolve("missing.png"), dir}) {
      Path path = new Path(bad.toUri());
      assertThatThrownBy(() -> fs.getRawFileSystem().open(path))
          .isInstanceOf(java.io.FileNotFoundException.class);
      assertThatThrownBy(() -> ImageProbe.open(fs, path, Stage.DECODE))
          .isInstanceOf(ImageReadException.class)
          .hasMessage("file not found")
          .satisfies(
              e -> assertThat(((ImageReadException) e).kind()).isEqualTo(ErrorKind.FILE_NOT_FOUND));
    }
  }
}
