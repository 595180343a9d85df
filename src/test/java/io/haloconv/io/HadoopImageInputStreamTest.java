package io.haloconv.io;

import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The ImageIO stream over Hadoop files returns the file's bytes however reads straddle buffers. */
class HadoopImageInputStreamTest {
  @TempDir Path dir;

  @Test
  void readIntAcrossTheBufferBoundaryIsWhole() throws IOException {
    // ImageInputStreamImpl.readInt takes one read() of 4; a short read used to end the stream,
    // which cut a large PNG's IDAT chunks short ("Unexpected end of ZLIB input stream").
    byte[] bytes = new byte[40_000];
    new Random(3).nextBytes(bytes);
    Path file = write(dir.resolve("data.bin"), bytes);
    ByteBuffer want = ByteBuffer.wrap(bytes);
    int at = 20_000;
    for (int overhang = 1; overhang <= 7; overhang++) {
      try (HadoopImageInputStream in =
          new HadoopImageInputStream(local().open(hadoop(file)), bytes.length)) {
        // Fill the 8 KB buffer so that it ends `overhang` bytes into the value read next.
        in.seek(at + overhang - 8 * 1024);
        in.read();
        in.seek(at);
        if (overhang < 4) {
          assertThat(in.readInt())
              .as("int, %d bytes buffered", overhang)
              .isEqualTo(want.getInt(at));
        } else {
          assertThat(in.readLong())
              .as("long, %d bytes buffered", overhang)
              .isEqualTo(want.getLong(at));
        }
      }
    }
  }

  @Test
  void readsAskingForMoreThanTheFileHoldsReturnWhatIsLeftThenEnd() throws IOException {
    byte[] bytes = new byte[10_000];
    new Random(4).nextBytes(bytes);
    Path file = write(dir.resolve("data.bin"), bytes);
    try (HadoopImageInputStream in =
        new HadoopImageInputStream(local().open(hadoop(file)), bytes.length)) {
      in.seek(9_000);
      byte[] out = new byte[5_000];
      assertThat(in.read(out, 0, out.length)).isEqualTo(1_000);
      assertThat(in.read(out, 0, out.length)).isEqualTo(-1);
    }
  }

  @Test
  void aFileReadWholeIsFetchedOnceAndReadsAsTheFile() throws IOException {
    byte[] bytes = new byte[50_000];
    new Random(5).nextBytes(bytes);
    Path file = write(dir.resolve("data.bin"), bytes);
    Random steps = new Random(6);
    try (HadoopImageInputStream whole =
        new HadoopImageInputStream(local().open(hadoop(file)), bytes.length, true)) {
      // A decoder's pattern: a look at the header from byte 2, back to 0, then reads of all sizes.
      whole.seek(2);
      assertThat(whole.read()).isEqualTo(bytes[2] & 0xff);
      whole.seek(0);
      long at = 0;
      while (at < bytes.length) {
        int count = 1 + steps.nextInt(12_000);
        byte[] out = new byte[count];
        int got = whole.read(out, 0, count);
        int expected = (int) Math.min(count, bytes.length - at);
        assertThat(got).isEqualTo(expected);
        for (int i = 0; i < got; i++) {
          assertThat(out[i]).as("byte %d", at + i).isEqualTo(bytes[(int) at + i]);
        }
        at += got;
      }
      assertThat(whole.read()).isEqualTo(-1);
      assertThat(whole.bytesFetched()).isEqualTo(bytes.length);
    }
    // Larger than the whole-file buffer: read 8 KB at a time, as a stream that is not whole.
    byte[] large = new byte[HadoopImageInputStream.WHOLE_FILE_BYTES + 5];
    new Random(7).nextBytes(large);
    Path big = write(dir.resolve("big.bin"), large);
    try (HadoopImageInputStream in =
        new HadoopImageInputStream(local().open(hadoop(big)), large.length, true)) {
      in.seek(large.length - 3);
      assertThat(in.read()).isEqualTo(large[large.length - 3] & 0xff);
      assertThat(in.bytesFetched()).isEqualTo(3);
    }
  }
}
