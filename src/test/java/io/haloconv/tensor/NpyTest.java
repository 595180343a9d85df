package io.haloconv.tensor;

import static io.haloconv.tensor.NpyBytes.doubles;
import static io.haloconv.tensor.NpyBytes.floats;
import static io.haloconv.tensor.NpyBytes.ints;
import static io.haloconv.tensor.NpyBytes.longs;
import static io.haloconv.tensor.NpyBytes.npy;
import static io.haloconv.tensor.NpyBytes.shorts;
import static java.nio.ByteOrder.BIG_ENDIAN;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.testing.Golden;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class NpyTest {
  private static NpyArray read(byte[] bytes) throws IOException {
    return Npy.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void readsGoldenFloat32Array() throws IOException {
    try (InputStream in =
        Files.newInputStream(Golden.file("images/expected/astronaut_rgb_8x3x3.npy"))) {
      NpyArray array = Npy.read(in);
      assertThat(array.dtype()).isEqualTo(DType.FLOAT32);
      assertThat(array.shape()).containsExactly(8, 161, 139);
      // Values printed by numpy from the same file (the first 138 are relu's zeros).
      assertThat(array.data()[138]).isEqualTo(0.14292475581169128f);
      assertThat(array.toTensor3().get(6, 160, 138)).isEqualTo(0.24874211847782135f);
      assertThat(array.toTensor3().get(7, 160, 138)).isEqualTo(0.0f);
    }
  }

  @Test
  void writesWhatNumpyWrites() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    Npy.write(out, new int[] {2, 3}, new float[] {0, 1, 2, 3, 4, 5});
    byte[] bytes = out.toByteArray();
    // np.save(f, np.arange(6, dtype='<f4').reshape(2, 3)) writes a 128-byte header, then data.
    String header = new String(bytes, 10, 118, StandardCharsets.ISO_8859_1);
    assertThat(bytes).hasSize(152);
    assertThat(Arrays.copyOf(bytes, 10))
        .containsExactly(0x93 - 256, 'N', 'U', 'M', 'P', 'Y', 1, 0, 'v', 0);
    String dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    assertThat(header).isEqualTo(dictionary + " ".repeat(117 - dictionary.length()) + "\n");
    assertThat(read(bytes).data()).containsExactly(0, 1, 2, 3, 4, 5);
  }

  @Test
  void writeThenReadRoundTripsShapesOfEveryRank() throws IOException {
    for (int[] shape : new int[][] {{}, {0}, {5}, {3, 1, 2}, {1, 1, 1, 7}}) {
      float[] data = new float[(int) Shapes.elementCount(shape)];
      for (int i = 0; i < data.length; i++) {
        data[i] = i * 0.5f - 3;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      Npy.write(out, shape, data);
      assertThat((out.size() - data.length * 4) % 64).isZero();
      NpyArray back = read(out.toByteArray());
      assertThat(back.shape()).containsExactly(shape);
      assertThat(back.data()).containsExactly(data);
    }
  }

  @Test
  void readsEveryDtypeInBothByteOrders() throws IOException {
    assertThat(read(npy("<f8", "(3,)", false, doubles(LITTLE_ENDIAN, 1.5, -2, 1e300))).data())
        .containsExactly(1.5f, -2f, Float.POSITIVE_INFINITY);
    assertThat(read(npy(">f8", "(2,)", false, doubles(BIG_ENDIAN, 0.25, -8))).data())
        .containsExactly(0.25f, -8f);
    assertThat(read(npy(">f4", "(2,)", false, floats(BIG_ENDIAN, 3.5f, -1f))).data())
        .containsExactly(3.5f, -1f);
    assertThat(read(npy("|u1", "(3,)", false, new byte[] {0, 127, (byte) 255})).data())
        .containsExactly(0, 127, 255);
    assertThat(read(npy("|i1", "(2,)", false, new byte[] {-128, 5})).data())
        .containsExactly(-128, 5);
    assertThat(read(npy("<u2", "(3,)", false, shorts(LITTLE_ENDIAN, 0, 255, 65535))).data())
        .containsExactly(0, 255, 65535);
    assertThat(read(npy(">u2", "(2,)", false, shorts(BIG_ENDIAN, 65535, 256))).data())
        .containsExactly(65535, 256);
    assertThat(read(npy("<i2", "(2,)", false, shorts(LITTLE_ENDIAN, -32768, 7))).data())
        .containsExactly(-32768, 7);
    assertThat(read(npy("<i4", "(2,)", false, ints(LITTLE_ENDIAN, -5, 1 << 24))).data())
        .containsExactly(-5, 1 << 24);
    assertThat(read(npy("<i8", "(2,)", false, longs(LITTLE_ENDIAN, -9, 1L << 40))).data())
        .containsExactly(-9, 0x1p40f);
    NpyArray bytes = read(npy("|u1", "(1, 1)", false, new byte[] {(byte) 200}));
    assertThat(bytes.dtype()).isEqualTo(DType.UINT8);
    assertThat(bytes.dtype().isUnsigned()).isTrue();
  }

  @Test
  void decodesFloat16ExactlyIncludingSubnormalsAndInfinities() throws IOException {
    // np.array([1.0, -2.5, 65504, 6e-8, np.inf], dtype='<f2').tobytes().hex()
    byte[] data = hex("003c00c1ff7b0100007c");
    NpyArray array = read(npy("<f2", "(5,)", false, data));
    assertThat(array.dtype()).isEqualTo(DType.FLOAT16);
    assertThat(array.data()).containsExactly(1f, -2.5f, 65504f, 0x1p-24f, Float.POSITIVE_INFINITY);
    assertThat(DType.halfToFloat((short) 0x8000)).isEqualTo(-0f);
    assertThat(Float.isNaN(DType.halfToFloat((short) 0x7e00))).isTrue();
  }

  @Test
  void transposesFortranOrderToCOrder() throws IOException {
    // np.asfortranarray(np.arange(24).reshape(2, 3, 4)) stores element (i, j, k) at i + 2j + 6k.
    float[] fortran = new float[24];
    for (int i = 0; i < 2; i++) {
      for (int j = 0; j < 3; j++) {
        for (int k = 0; k < 4; k++) {
          fortran[i + 2 * j + 6 * k] = i * 12 + j * 4 + k;
        }
      }
    }
    NpyArray array = read(npy("<f4", "(2, 3, 4)", true, floats(LITTLE_ENDIAN, fortran)));
    float[] expected = new float[24];
    for (int i = 0; i < 24; i++) {
      expected[i] = i;
    }
    assertThat(array.data()).containsExactly(expected);
  }

  @Test
  void readsVersionTwoAndThreeHeaders() throws IOException {
    String dictionary = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
    assertThat(read(npy(2, dictionary, floats(LITTLE_ENDIAN, 1, 2))).data()).containsExactly(1, 2);
    assertThat(read(npy(3, dictionary, floats(LITTLE_ENDIAN, 3, 4))).data()).containsExactly(3, 4);
  }

  @Test
  void headerIsReadWithoutTouchingTheData() throws IOException {
    byte[] bytes = npy("<u2", "(3, 4, 5)", false, new byte[0]);
    NpyHeader header = Npy.readHeader(new ByteArrayInputStream(bytes));
    assertThat(header.dtype()).isEqualTo(DType.UINT16);
    assertThat(header.shape()).containsExactly(3, 4, 5);
    assertThat(header.byteOrder()).isEqualTo(ByteOrder.LITTLE_ENDIAN);
    assertThat(header.dataOffset()).isEqualTo(bytes.length);
    assertThat(header.dataBytes()).isEqualTo(120);
  }

  @Test
  void refusesAHugeDeclaredShapeBeforeAllocating() {
    byte[] bytes = npy("<f4", "(100000, 100000, 3)", false, new byte[16]);
    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(TensorFormatException.class)
        .hasMessage(
            "npy header declares shape (100000, 100000, 3) = 3.0e10 values, limit is "
                + Shapes.MAX_ARRAY_LENGTH);
    byte[] small = npy("<f4", "(4, 5)", false, new byte[80]);
    assertThatThrownBy(() -> Npy.read(new ByteArrayInputStream(small), 19))
        .hasMessage("npy header declares shape (4, 5) = 20 values, limit is 19");
    byte[] absurd = npy("<f4", "(999999999999999999, 999999999999999999)", false, new byte[0]);
    assertThatThrownBy(() -> read(absurd))
        .hasMessageStartingWith(
            "npy header declares shape (999999999999999999, 999999999999999999)"
                + " = 1.0e36 values");
  }

  @Test
  void refusesMalformedFilesWithOneLineMessages() {
    assertThatThrownBy(() -> read(new byte[0]))
        .isInstanceOf(TensorFormatException.class)
        .hasMessage("not a .npy file: it is empty");
    assertThatThrownBy(() -> read("hello world, not numpy".getBytes(StandardCharsets.US_ASCII)))
        .hasMessage("not a .npy file: it starts with \"hello wo\"");
    byte[] version4 = npy("<f4", "(1,)", false, new byte[4]);
    version4[6] = 4;
    assertThatThrownBy(() -> read(version4))
        .hasMessage("unsupported npy format version 4.0, expected 1.0, 2.0 or 3.0");
    assertThatThrownBy(() -> read(npy("<f4", "(2, 3)", false, new byte[10])))
        .hasMessage("npy data is truncated: expected 24 bytes after the header, got 10");
    assertThatThrownBy(() -> read(npy("<c8", "(1,)", false, new byte[8])))
        .hasMessageStartingWith("npy dtype '<c8' is not supported, expected one of");
    assertThatThrownBy(() -> read(npy("|O", "(1,)", false, new byte[8])))
        .hasMessageStartingWith("npy dtype '|O' is not supported");
    assertThatThrownBy(
            () ->
                read(
                    npy(
                        1,
                        "{'descr': [('x', '<f4'), ('y', '<f4')], 'fortran_order': False, 'shape': (1,), }",
                        new byte[8])))
        .hasMessage(
            "npy structured dtypes are not supported: descr is [('x', '<f4'), ('y', '<f4')]");
    assertThatThrownBy(() -> read(npy(1, "{'descr': '<f4', 'shape': (1,), }", new byte[4])))
        .hasMessageStartingWith("npy header lacks 'fortran_order'");
    assertThatThrownBy(() -> read(npy(1, "{'descr': '<f4' 'shape': (1,), }", new byte[4])))
        .hasMessageStartingWith("malformed npy header: expected ',' or '}' at character 16");
    byte[] longHeader =
        npy(2, "{'descr': '<f4', 'fortran_order': False, 'shape': (1,), }", new byte[4]);
    longHeader[8] = 0;
    longHeader[9] = 0;
    longHeader[10] = 0;
    longHeader[11] = 0x10; // 256 MiB
    assertThatThrownBy(() -> read(longHeader))
        .hasMessage("npy header is 268435456 bytes, limit is 1048576");
  }

  static byte[] hex(String text) {
    byte[] bytes = new byte[text.length() / 2];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) Integer.parseInt(text.substring(2 * i, 2 * i + 2), 16);
    }
    return bytes;
  }
}
