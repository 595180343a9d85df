package io.haloconv.io;

import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.Tensor3;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** .npy tensors as images: (H, W) and (C, H, W), float and uint dtypes, region reads. */
class NpyImageTest {
  @TempDir Path dir;

  /** A .npy file with a raw descr, shape text and data, laid out as numpy does. */
  static byte[] npy(String descr, String shape, boolean fortran, byte[] data) {
    String dictionary =
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }";
    int unpadded = 10 + dictionary.length() + 1;
    String header = dictionary + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer prefix = ByteBuffer.allocate(10).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    prefix.putShort((short) header.length());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.array());
    out.writeBytes(header.getBytes(StandardCharsets.ISO_8859_1));
    out.writeBytes(data);
    return out.toByteArray();
  }

  private ImageInfo probe(String name, byte[] bytes) throws ImageReadException {
    return ImageProbe.probe(
        local(), hadoop(write(dir.resolve(name), bytes)), ImageProbe.DEFAULT_MAX_PIXELS);
  }

  private static Tensor3 readAll(ImageInfo info, Normalization normalization)
      throws ImageReadException {
    try (ImageSource source = ImageSource.open(local(), info, ChannelMode.KEEP, normalization)) {
      return source.readAll();
    }
  }

  @Test
  void grayUint8ArrayIsOneChannelScaledBy255() throws IOException {
    byte[] data = {0, 1, (byte) 128, (byte) 255, 7, 9};
    ImageInfo info = probe("gray.npy", npy("|u1", "(2, 3)", false, data));
    assertThat(info.format()).isEqualTo(ImageFormat.NPY);
    assertThat(info.layout()).isEqualTo(PixelLayout.TENSOR);
    assertThat(info.channels()).isEqualTo(1);
    assertThat(info.height()).isEqualTo(2);
    assertThat(info.width()).isEqualTo(3);
    assertThat(info.bitDepth()).isEqualTo(8);
    assertThat(info.sampleFormat()).isEqualTo(SampleFormat.UNSIGNED_INTEGER);
    assertThat(readAll(info, Normalization.UNIT).data())
        .containsExactly(0, 1f / 255, 128f / 255, 1, 7f / 255, 9f / 255);
    assertThat(readAll(info, Normalization.RAW).data()).containsExactly(0, 1, 128, 255, 7, 9);
  }

  @Test
  void bigEndianUint16ArrayScalesBy65535() throws IOException {
    ByteBuffer data = ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN);
    data.putShort((short) 0).putShort((short) 65535).putShort((short) 256).putShort((short) 1);
    ImageInfo info = probe("u16.npy", npy(">u2", "(1, 2, 2)", false, data.array()));
    assertThat(info.bitDepth()).isEqualTo(16);
    assertThat(readAll(info, Normalization.UNIT).data())
        .containsExactly(0, 1, 256f / 65535, 1f / 65535);
  }

  @Test
  void floatArraysAreTakenAsTheyAre() throws IOException {
    float[] values = new float[3 * 4 * 5];
    for (int i = 0; i < values.length; i++) {
      values[i] = (i - 30) * 0.37f;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Npy.write(bytes, new int[] {3, 4, 5}, values);
    ImageInfo info = probe("chw.npy", bytes.toByteArray());
    assertThat(info.channels()).isEqualTo(3);
    assertThat(info.sampleFormat()).isEqualTo(SampleFormat.FLOAT);
    assertThat(info.bitDepth()).isEqualTo(32);
    assertThat(info.supportsRegionReads()).isTrue();
    assertThat(readAll(info, Normalization.UNIT).data()).containsExactly(values);

    ByteBuffer doubles = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
    doubles.putDouble(-1.5).putDouble(1e-3);
    ImageInfo f8 = probe("f8.npy", npy("<f8", "(1, 2)", false, doubles.array()));
    assertThat(f8.bitDepth()).isEqualTo(64);
    assertThat(readAll(f8, Normalization.UNIT).data()).containsExactly(-1.5f, 1e-3f);
  }

  @Test
  void windowsEqualTheWholeArrayInCAndFortranOrder() throws IOException {
    int c = 2;
    int h = 37;
    int w = 53;
    float[] values = new float[c * h * w];
    float[] fortran = new float[values.length];
    for (int ci = 0; ci < c; ci++) {
      for (int y = 0; y < h; y++) {
        for (int x = 0; x < w; x++) {
          float value = ci * 10000 + y * 100 + x;
          values[(ci * h + y) * w + x] = value;
          fortran[ci + c * (y + h * x)] = value;
        }
      }
    }
    ByteArrayOutputStream cOrder = new ByteArrayOutputStream();
    Npy.write(cOrder, new int[] {c, h, w}, values);
    ByteBuffer fortranBytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    fortranBytes.asFloatBuffer().put(fortran);
    Tensor3 whole = Tensor3.wrap(c, h, w, values);
    for (ImageInfo info :
        new ImageInfo[] {
          probe("c.npy", cOrder.toByteArray()),
          probe("f.npy", npy("<f4", "(2, 37, 53)", true, fortranBytes.array()))
        }) {
      try (ImageSource source =
          ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
        for (int[] window : RegionReadTest.windows(h, w, 3)) {
          Tensor3 got = source.read(window[0], window[1], window[2], window[3]);
          assertThat(
                  got.bitwiseEquals(
                      RegionReadTest.crop(whole, window[0], window[1], window[2], window[3])))
              .as("window %s of %s", Arrays.toString(window), info.path())
              .isTrue();
        }
      }
    }
  }

  @Test
  void aWindowReadsOnlyItsRows() throws IOException {
    float[] values = new float[1000 * 1000];
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Npy.write(bytes, new int[] {1000, 1000}, values);
    Path file = write(dir.resolve("big.npy"), bytes.toByteArray());
    CountingFileSystem counting = new CountingFileSystem(local());
    ImageInfo info = ImageProbe.probe(counting, hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
    counting.reset();
    try (ImageSource source =
        ImageSource.open(counting, info, ChannelMode.KEEP, Normalization.UNIT)) {
      source.read(500, 100, 10, 20);
    }
    // Ten rows of 20 floats, the header and the stream buffers: far below the 4 MB file.
    assertThat(counting.bytesRead()).isLessThan(200_000);
  }

  @Test
  void refusesArraysThatAreNotImages() {
    assertThatThrownBy(() -> probe("v.npy", npy("<f4", "(6,)", false, new byte[24])))
        .isInstanceOf(ImageReadException.class)
        .hasMessage(".npy image must be (C, H, W) or (H, W), got shape (6,)")
        .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.PROBE));
    assertThatThrownBy(() -> probe("i.npy", npy("<i4", "(2, 2)", false, new byte[16])))
        .hasMessage(
            ".npy image dtype int32 is not supported: use float32, float64, uint8 or" + " uint16");
    assertThatThrownBy(() -> probe("t.npy", npy("<f4", "(3, 4)", false, new byte[20])))
        .hasMessage(
            "truncated .npy tensor: shape (3, 4) of float32 needs 48 data bytes, the file"
                + " has 20");
    assertThatThrownBy(() -> probe("e.npy", npy("<f4", "(0, 4)", false, new byte[0])))
        .hasMessage(".npy image has an empty axis: shape (0, 4)");
    assertThatThrownBy(() -> probe("h.npy", npy("<f4", "(3, 100000, 100000)", false, new byte[0])))
        .hasMessage("image is 100000x100000 = 1.0e10 pixels, --max-pixels is 2147483648");
    assertThatThrownBy(() -> probe("bad.npy", npy("<c16", "(2, 2)", false, new byte[64])))
        .hasMessageStartingWith("npy dtype '<c16' is not supported");
  }
}
