package io.haloconv.tensor;

import static io.haloconv.tensor.NpyBytes.doubles;
import static io.haloconv.tensor.NpyBytes.floats;
import static io.haloconv.tensor.NpyBytes.longs;
import static io.haloconv.tensor.NpyBytes.shorts;
import static java.nio.ByteOrder.LITTLE_ENDIAN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SafeTensorsTest {
  /** A file as safetensors lays it out: u64 header length, JSON header, data. */
  static byte[] file(String json, byte[] data) {
    byte[] header = json.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(
        ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(header.length).array());
    out.writeBytes(header);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }

  static Map<String, NpyArray> read(byte[] bytes) throws IOException {
    return SafeTensors.read(new ByteArrayInputStream(bytes));
  }

  @Test
  void readsEverySupportedDtype() throws IOException {
    byte[] f32 = floats(LITTLE_ENDIAN, 1, 2, 3, 4, 5, 6);
    byte[] f64 = doubles(LITTLE_ENDIAN, 0.5, -0.25);
    byte[] f16 = shorts(LITTLE_ENDIAN, 0x3c00, 0xc100); // 1.0, -2.5
    byte[] bf16 = shorts(LITTLE_ENDIAN, 0x3f80, 0xc020); // 1.0, -2.5
    byte[] u8 = {0, (byte) 255};
    byte[] i64 = longs(LITTLE_ENDIAN, -3, 1L << 30);
    String json =
        "{\"__metadata__\": {\"format\": \"pt\"},"
            + "\"weight\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 24]},"
            + "\"bias\": {\"dtype\": \"F64\", \"shape\": [2], \"data_offsets\": [24, 40]},"
            + "\"half\": {\"dtype\": \"F16\", \"shape\": [2], \"data_offsets\": [40, 44]},"
            + "\"brain\": {\"dtype\": \"BF16\", \"shape\": [2, 1], \"data_offsets\": [44, 48]},"
            + "\"bytes\": {\"dtype\": \"U8\", \"shape\": [2], \"data_offsets\": [48, 50]},"
            + "\"longs\": {\"dtype\": \"I64\", \"shape\": [2], \"data_offsets\": [50, 66]},"
            + "\"scalar\": {\"dtype\": \"F32\", \"shape\": [], \"data_offsets\": [66, 70]}}";
    Map<String, NpyArray> tensors =
        read(file(json, concat(f32, f64, f16, bf16, u8, i64, floats(LITTLE_ENDIAN, 9))));
    assertThat(tensors.keySet())
        .containsExactly("weight", "bias", "half", "brain", "bytes", "longs", "scalar");
    assertThat(tensors.get("weight").shape()).containsExactly(2, 3);
    assertThat(tensors.get("weight").data()).containsExactly(1, 2, 3, 4, 5, 6);
    assertThat(tensors.get("bias").data()).containsExactly(0.5f, -0.25f);
    assertThat(tensors.get("half").data()).containsExactly(1f, -2.5f);
    assertThat(tensors.get("brain").data()).containsExactly(1f, -2.5f);
    assertThat(tensors.get("brain").dtype()).isEqualTo(DType.BFLOAT16);
    assertThat(tensors.get("bytes").data()).containsExactly(0, 255);
    assertThat(tensors.get("longs").data()).containsExactly(-3, 0x1p30f);
    assertThat(tensors.get("scalar").rank()).isZero();
    assertThat(tensors.get("scalar").data()).containsExactly(9);
  }

  @Test
  void readsTensorsInDataOrderWhateverTheHeaderOrder() throws IOException {
    String json =
        "{\"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]},"
            + "\"a\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}";
    Map<String, NpyArray> tensors = read(file(json, floats(LITTLE_ENDIAN, 1, 2)));
    assertThat(tensors.keySet()).containsExactly("a", "b");
    assertThat(tensors.get("b").data()).containsExactly(2);
  }

  @Test
  void boundsTheHeaderLengthBeforeReadingIt() {
    byte[] bytes =
        ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(5_000_000_000L).array();
    assertThatThrownBy(() -> read(bytes))
        .isInstanceOf(TensorFormatException.class)
        .hasMessage(
            "safetensors header length is 5000000000 bytes, expected 2 to 104857600"
                + " (is this a .safetensors file?)");
    assertThatThrownBy(() -> read(new byte[3]))
        .hasMessage("not a .safetensors file: it has 3 bytes, less than the 8-byte header length");
  }

  @Test
  void refusesAHugeDeclaredTensorBeforeAllocating() {
    String json =
        "{\"weight\": {\"dtype\": \"F32\", \"shape\": [100000, 100000, 3],"
            + " \"data_offsets\": [0, 120000000000]}}";
    assertThatThrownBy(() -> read(file(json, new byte[8])))
        .isInstanceOf(TensorFormatException.class)
        .hasMessage(
            "safetensors tensor 'weight' declares shape (100000, 100000, 3) = 3.0e10"
                + " values, limit is "
                + Shapes.MAX_ARRAY_LENGTH);
    String small = "{\"w\": {\"dtype\": \"F32\", \"shape\": [3], \"data_offsets\": [0, 12]}}";
    assertThatThrownBy(
            () -> SafeTensors.read(new ByteArrayInputStream(file(small, new byte[12])), 2))
        .hasMessage("safetensors tensor 'w' declares shape (3,) = 3 values, limit is 2");
  }

  @Test
  void refusesMalformedHeadersWithOneLineMessages() {
    assertThatThrownBy(() -> read(file("{\"w\": ", new byte[0])))
        .isInstanceOf(TensorFormatException.class)
        .hasMessageStartingWith("safetensors header is not valid JSON: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    assertThatThrownBy(() -> read(file("[1, 2]", new byte[0])))
        .hasMessage("safetensors header must be a JSON object");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        "{\"w\": {\"dtype\": \"C64\", \"shape\": [1], \"data_offsets\": [0, 8]}}",
                        new byte[8])))
        .hasMessage(
            "safetensors tensor 'w' has dtype C64, expected one of F16 BF16 F32 F64 U8"
                + " I8 U16 I16 I32 I64");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        "{\"w\": {\"dtype\": \"F32\", \"shape\": [2, 3], \"data_offsets\": [0, 20]}}",
                        new byte[20])))
        .hasMessage(
            "safetensors tensor 'w' has shape (2, 3) of F32 = 24 bytes, but its"
                + " data_offsets span 20");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        "{\"w\": {\"dtype\": \"F32\", \"shape\": [-1], \"data_offsets\": [0, 4]}}",
                        new byte[4])))
        .hasMessage("safetensors tensor 'w' has \"shape\" [-1], expected non-negative integers");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        "{\"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]},"
                            + " \"w\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [0, 4]}}",
                        new byte[4])))
        .hasMessageContaining("Duplicate field 'w'");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        "{\"w\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}",
                        new byte[10])))
        .hasMessage("safetensors data of tensor 'w' is truncated");
    assertThatThrownBy(
            () ->
                read(
                    file(
                        "{\"a\": {\"dtype\": \"F32\", \"shape\": [2], \"data_offsets\": [0, 8]},"
                            + " \"b\": {\"dtype\": \"F32\", \"shape\": [1], \"data_offsets\": [4, 8]}}",
                        new byte[8])))
        .hasMessage("safetensors tensor 'b' overlaps the previous tensor's data");
  }

  @Test
  void keepsValuesExactlyForRoundTrips() throws IOException {
    float[] values = {Float.MIN_VALUE, -0f, Float.MAX_VALUE, 1 / 3f};
    String json = "{\"v\": {\"dtype\": \"F32\", \"shape\": [4], \"data_offsets\": [0, 16]}}";
    float[] back = read(file(json, floats(LITTLE_ENDIAN, values))).get("v").data();
    assertThat(Arrays.equals(back, values)).isTrue();
  }
}
