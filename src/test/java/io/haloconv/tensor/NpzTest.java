package io.haloconv.tensor;

import static io.haloconv.tensor.NpyBytes.floats;
import static io.haloconv.tensor.NpyBytes.npy;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.testing.Golden;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;

class NpzTest {
  /**
   * {@code np.savez_compressed(f, weight=np.arange(24, dtype='<f4').reshape(2, 3, 2, 2) / 8,
   * bias=np.array([0.5, -1.5], dtype='<f8'), img=np.array([[0, 255], [65535, 7]], dtype='>u2'))}
   * with numpy 2.4: deflated members with zip64 extra fields, as numpy writes them.
   */
  private static final String NUMPY_COMPRESSED =
      "UEsDBC0AAAAIAAAAIQBpIC9t//////////8KABQAd2VpZ2h0Lm5weQEAEADgAAAAAAAAAIsAAAAAAAAAm+wX6hsQ"
          + "ychQxlCtnpJanFykbqWgbpNmoq6joJ6WX1RSlJgXn1+UkgoSd0vMKU4FihdnJBakAvkaRjoKxjoKQNJIU0eh"
          + "VoEMwMUAAXYMDA1AfACIGewZGBSA2AGIE4C4AYgnAPECIN4AxAeA+AIQPwDiD0DM4MDAwAHEAkAsAcQKQKwB"
          + "xAZAbOEAAFBLAwQtAAAACAAAACEAtF5jaf//////////CAAUAGJpYXMubnB5AQAQAJAAAAAAAAAATQAAAAAA"
          + "AACb7BfqGxDJyFDGUK2eklqcXKRupaBuk2ahrqOgnpZfVFKUmBefX5SSChJ3S8wpTgWKF2ckFqQC+RpGOpo6"
          + "CrUKFAAuBjB4YA+hf+wHAFBLAwQtAAAACAAAACEAae7VwP//////////BwAUAGltZy5ucHkBABAAiAAAAAAA"
          + "AABPAAAAAAAAAJvsF+obEMnIUMZQrZ6SWpxcpG6loG5XaqSuo6Cell9UUpSYF59flJIKEndLzClOBYoXZyQW"
          + "pAL5GkY6CkaaOgq1CmQDLgYGhv///zOwAwBQSwECLQMtAAAACAAAACEAaSAvbYsAAADgAAAACgAAAAAAAAAA"
          + "AAAAgAEAAAAAd2VpZ2h0Lm5weVBLAQItAy0AAAAIAAAAIQC0XmNpTQAAAJAAAAAIAAAAAAAAAAAAAACAAccA"
          + "AABiaWFzLm5weVBLAQItAy0AAAAIAAAAIQBp7tXATwAAAIgAAAAHAAAAAAAAAAAAAACAAU4BAABpbWcubnB5"
          + "UEsFBgAAAAADAAMAowAAANYBAAAAAA==";

  @Test
  void readsGoldenStoredNpz() throws IOException {
    try (InputStream in = Files.newInputStream(Golden.file("kernel/basic_3x3_same.npz"))) {
      Map<String, NpyArray> arrays = Npz.read(in);
      assertThat(arrays).containsOnlyKeys("x", "weight", "bias", "y");
      assertThat(arrays.get("x").shape()).containsExactly(3, 17, 23);
      assertThat(arrays.get("weight").shape()).containsExactly(4, 3, 3, 3);
      assertThat(arrays.get("bias").shape()).containsExactly(4);
      assertThat(arrays.get("y").shape()).containsExactly(4, 17, 23);
      // Values printed by numpy from the same file.
      assertThat(Arrays.copyOf(arrays.get("x").data(), 3))
          .containsExactly(0.8837713599205017f, 0.6919690370559692f, 0.20618005096912384f);
      assertThat(arrays.get("x").toTensor3().get(2, 16, 22)).isEqualTo(0.7522165179252625f);
      assertThat(arrays.get("bias").data())
          .containsExactly(
              0.06293821334838867f,
              0.02607778087258339f,
              0.058128051459789276f,
              0.07192480564117432f);
    }
  }

  @Test
  void readsNumpyCompressedNpz() throws IOException {
    Map<String, NpyArray> arrays =
        Npz.read(new ByteArrayInputStream(Base64.getDecoder().decode(NUMPY_COMPRESSED)));
    assertThat(arrays.keySet()).containsExactly("weight", "bias", "img");
    assertThat(arrays.get("weight").shape()).containsExactly(2, 3, 2, 2);
    assertThat(arrays.get("weight").data()[23]).isEqualTo(23 / 8f);
    assertThat(arrays.get("bias").dtype()).isEqualTo(DType.FLOAT64);
    assertThat(arrays.get("bias").data()).containsExactly(0.5f, -1.5f);
    assertThat(arrays.get("img").dtype()).isEqualTo(DType.UINT16);
    assertThat(arrays.get("img").data()).containsExactly(0, 255, 65535, 7);
  }

  @Test
  void readsStoredAndDeflatedMembersWrittenByJava() throws IOException {
    byte[] weight = npy("<f4", "(2, 2)", false, floats(LITTLE_ENDIAN, 1, 2, 3, 4));
    byte[] bias = npy("<f4", "(2,)", false, floats(LITTLE_ENDIAN, -1, 1));
    for (int method : new int[] {ZipEntry.STORED, ZipEntry.DEFLATED}) {
      byte[] zip = zip(method, "weight.npy", weight, "bias.npy", bias);
      Map<String, NpyArray> arrays = Npz.read(new ByteArrayInputStream(zip));
      assertThat(arrays.get("weight").data()).containsExactly(1, 2, 3, 4);
      assertThat(arrays.get("bias").data()).containsExactly(-1, 1);
    }
  }

  @Test
  void refusesAMemberDeclaringAHugeArrayBeforeAllocating() throws IOException {
    // 10 GB declared, 16 bytes present: must fail on the header, not on memory or data.
    byte[] huge = npy("<f4", "(50000, 50000)", false, new byte[16]);
    byte[] zip = zip(ZipEntry.DEFLATED, "weight.npy", huge);
    assertThatThrownBy(() -> Npz.read(new ByteArrayInputStream(zip)))
        .isInstanceOf(TensorFormatException.class)
        .hasMessage(
            "npz member 'weight.npy': npy header declares shape (50000, 50000) = 2.5e9"
                + " values, limit is "
                + Shapes.MAX_ARRAY_LENGTH);
    byte[] small = zip(ZipEntry.STORED, "w.npy", npy("<f4", "(10,)", false, new byte[40]));
    assertThatThrownBy(() -> Npz.read(new ByteArrayInputStream(small), 9))
        .hasMessage("npz member 'w.npy': npy header declares shape (10,) = 10 values, limit is 9");
  }

  @Test
  void refusesWhatIsNotAnNpzOfNpyMembers() throws IOException {
    assertThatThrownBy(() -> Npz.read(new ByteArrayInputStream(new byte[0])))
        .isInstanceOf(TensorFormatException.class)
        .hasMessage("not an .npz (zip) archive: it is empty");
    assertThatThrownBy(() -> Npz.read(new ByteArrayInputStream("{\"weight\": []}".getBytes())))
        .hasMessage("not an .npz (zip) archive: it starts with \"{\\x22weight\"");
    byte[] text = zip(ZipEntry.DEFLATED, "notes.txt", "hello".getBytes());
    assertThatThrownBy(() -> Npz.read(new ByteArrayInputStream(text)))
        .hasMessage("npz member 'notes.txt' is not a .npy array");
    byte[] good = zip(ZipEntry.DEFLATED, "x.npy", npy("<f4", "(1000,)", false, new byte[4000]));
    byte[] truncated = Arrays.copyOf(good, 60);
    assertThatThrownBy(() -> Npz.read(new ByteArrayInputStream(truncated)))
        .isInstanceOf(TensorFormatException.class)
        .hasMessageStartingWith("npz member 'x.npy'")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
  }

  static byte[] zip(int method, Object... namesAndContents) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (int i = 0; i < namesAndContents.length; i += 2) {
        byte[] content = (byte[]) namesAndContents[i + 1];
        ZipEntry entry = new ZipEntry((String) namesAndContents[i]);
        entry.setMethod(method);
        if (method == ZipEntry.STORED) {
          CRC32 crc = new CRC32();
          crc.update(content);
          entry.setSize(content.length);
          entry.setCompressedSize(content.length);
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(content);
        zip.closeEntry();
      }
    }
    return bytes.toByteArray();
  }
}
