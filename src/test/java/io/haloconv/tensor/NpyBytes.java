package io.haloconv.tensor;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/** Builds .npy files byte by byte, the way numpy lays them out, for tests. */
final class NpyBytes {
  private NpyBytes() {}

  static byte[] npy(String descr, String shape, boolean fortran, byte[] data) {
    return npy(
        1,
        "{'descr': '"
            + descr
            + "', 'fortran_order': "
            + (fortran ? "True" : "False")
            + ", 'shape': "
            + shape
            + ", }",
        data);
  }

  /** A file of the given version with a raw header dictionary text, padded to 64 bytes. */
  static byte[] npy(int major, String dictionary, byte[] data) {
    int lengthBytes = major == 1 ? 2 : 4;
    int unpadded = 6 + 2 + lengthBytes + dictionary.getBytes(StandardCharsets.UTF_8).length + 1;
    String header = dictionary + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    byte[] headerBytes = header.getBytes(StandardCharsets.UTF_8);
    ByteBuffer prefix = ByteBuffer.allocate(8 + lengthBytes).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', (byte) major, 0});
    if (lengthBytes == 2) {
      prefix.putShort((short) headerBytes.length);
    } else {
      prefix.putInt(headerBytes.length);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(prefix.array());
    out.writeBytes(headerBytes);
    out.writeBytes(data);
    return out.toByteArray();
  }

  static byte[] floats(ByteOrder order, float... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(order);
    for (float value : values) {
      buffer.putFloat(value);
    }
    return buffer.array();
  }

  static byte[] doubles(ByteOrder order, double... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(order);
    for (double value : values) {
      buffer.putDouble(value);
    }
    return buffer.array();
  }

  static byte[] shorts(ByteOrder order, int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 2).order(order);
    for (int value : values) {
      buffer.putShort((short) value);
    }
    return buffer.array();
  }

  static byte[] ints(ByteOrder order, int... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 4).order(order);
    for (int value : values) {
      buffer.putInt(value);
    }
    return buffer.array();
  }

  static byte[] longs(ByteOrder order, long... values) {
    ByteBuffer buffer = ByteBuffer.allocate(values.length * 8).order(order);
    for (long value : values) {
      buffer.putLong(value);
    }
    return buffer.array();
  }
}
