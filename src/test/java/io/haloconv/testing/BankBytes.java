package io.haloconv.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Filter-bank files written byte by byte, well-formed or not: .npz archives and .safetensors. */
public final class BankBytes {
  private BankBytes() {}

  /** Little-endian float32 bytes. */
  public static byte[] floats(float... values) {
    ByteBuffer bytes = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      bytes.putFloat(v);
    }
    return bytes.array();
  }

  /** A float32 .npy of {@code shape} holding {@code values}. */
  public static byte[] npy(long[] shape, float... values) {
    return TestImages.npy("<f4", shape, floats(values));
  }

  /**
   * A .npz: a zip of {@code name.npy} members, stored as {@code np.savez} writes them or deflated
   * as {@code np.savez_compressed} does.
   */
  public static byte[] npz(boolean compressed, Map<String, byte[]> members) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ZipOutputStream zip = new ZipOutputStream(bytes)) {
      for (Map.Entry<String, byte[]> member : members.entrySet()) {
        ZipEntry entry = new ZipEntry(member.getKey() + ".npy");
        byte[] data = member.getValue();
        if (compressed) {
          entry.setMethod(ZipEntry.DEFLATED);
        } else {
          CRC32 crc = new CRC32();
          crc.update(data);
          entry.setMethod(ZipEntry.STORED);
          entry.setSize(data.length);
          entry.setCompressedSize(data.length);
          entry.setCrc(crc.getValue());
        }
        zip.putNextEntry(entry);
        zip.write(data);
        zip.closeEntry();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** A .safetensors file: the 8-byte header length, the JSON header as given, then {@code data}. */
  public static byte[] safetensors(String headerJson, byte[] data) {
    byte[] header = headerJson.getBytes(StandardCharsets.UTF_8);
    return ByteBuffer.allocate(8 + header.length + data.length)
        .order(ByteOrder.LITTLE_ENDIAN)
        .putLong(header.length)
        .put(header)
        .put(data)
        .array();
  }

  /** A .safetensors file with one F32 tensor {@code weight} of {@code shape}. */
  public static byte[] safetensorsWeight(long[] shape, float... values) {
    StringBuilder dims = new StringBuilder();
    for (long d : shape) {
      dims.append(dims.length() == 0 ? "" : ",").append(d);
    }
    String header =
        "{\"weight\":{\"dtype\":\"F32\",\"shape\":["
            + dims
            + "],\"data_offsets\":[0,"
            + 4 * values.length
            + "]}}";
    return safetensors(header, floats(values));
  }
}
