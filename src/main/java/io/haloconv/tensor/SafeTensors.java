package io.haloconv.tensor;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads Hugging Face's .safetensors format: an 8-byte little-endian header length, a JSON header
 * mapping each tensor name to {@code {"dtype", "shape", "data_offsets"}}, then the raw
 * little-endian data.
 *
 * <p>The header length is bounded ({@link #MAX_HEADER_BYTES}), and every tensor's declared size is
 * checked against the caller's limit and against its byte range before anything is allocated.
 * Supported dtypes: F16, BF16, F32, F64, U8, I8, U16, I16, I32, I64.
 */
public final class SafeTensors {
  /** The largest JSON header accepted: 100 MiB, as the reference implementation allows. */
  public static final long MAX_HEADER_BYTES = 100L << 20;

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
  private static final int SKIP_CHUNK = 1 << 16;

  private SafeTensors() {}

  /** Reads every tensor, each limited to what one Java array holds. */
  public static Map<String, NpyArray> read(InputStream in) throws IOException {
    return read(in, Shapes.MAX_ARRAY_LENGTH);
  }

  /**
   * Reads every tensor, keyed by name, in the order of their data. The stream is read to the end of
   * the last tensor's data but not closed. {@code __metadata__} is ignored.
   *
   * @param maxValuesPerTensor the largest number of values any one tensor may declare
   * @throws TensorFormatException if the file is malformed or truncated, uses an unsupported dtype,
   *     or declares a tensor larger than {@code maxValuesPerTensor}
   */
  public static Map<String, NpyArray> read(InputStream in, long maxValuesPerTensor)
      throws IOException {
    requireNonNull(in, "in is null");
    byte[] lengthField = in.readNBytes(8);
    if (lengthField.length < 8) {
      throw new TensorFormatException(
          "not a .safetensors file: it has "
              + lengthField.length
              + " bytes, less than the 8-byte"
              + " header length");
    }
    long headerLength = ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN).getLong();
    if (headerLength < 2 || headerLength > MAX_HEADER_BYTES) {
      throw new TensorFormatException(
          "safetensors header length is "
              + Long.toUnsignedString(headerLength)
              + " bytes, expected 2 to "
              + MAX_HEADER_BYTES
              + " (is this a .safetensors file?)");
    }
    byte[] headerBytes = in.readNBytes((int) headerLength);
    if (headerBytes.length < headerLength) {
      throw new TensorFormatException(
          "safetensors header is truncated: expected "
              + headerLength
              + " bytes, got "
              + headerBytes.length);
    }
    List<Entry> entries = parseHeader(headerBytes, maxValuesPerTensor);
    entries.sort(Comparator.comparingLong(Entry::begin));
    Map<String, NpyArray> tensors = new LinkedHashMap<>();
    long position = 0;
    for (Entry entry : entries) {
      if (entry.begin < position) {
        throw new TensorFormatException(
            "safetensors tensor '" + entry.name + "' overlaps the previous tensor's data");
      }
      skipExactly(in, entry.begin - position, entry.name);
      float[] values;
      try {
        values = Npy.readValues(in, entry.dtype, ByteOrder.LITTLE_ENDIAN, (int) entry.count);
      } catch (TensorFormatException e) {
        throw new TensorFormatException(
            "safetensors data of tensor '" + entry.name + "' is truncated", e);
      }
      tensors.put(entry.name, new NpyArray(entry.dtype, entry.shape, values));
      position = entry.end;
    }
    return Collections.unmodifiableMap(tensors);
  }

  private record Entry(String name, DType dtype, int[] shape, long count, long begin, long end) {}

  private static List<Entry> parseHeader(byte[] headerBytes, long maxValues)
      throws TensorFormatException {
    JsonNode root;
    try {
      root = JSON.readTree(headerBytes);
    } catch (JacksonException e) {
      throw new TensorFormatException(
          "safetensors header is not valid JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new TensorFormatException("safetensors header is unreadable: " + e.getMessage(), e);
    }
    if (root == null || !root.isObject()) {
      throw new TensorFormatException("safetensors header must be a JSON object");
    }
    long limit = Math.min(maxValues, Shapes.MAX_ARRAY_LENGTH);
    List<Entry> entries = new ArrayList<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      String name = field.getKey();
      if (name.equals("__metadata__")) {
        continue;
      }
      JsonNode node = field.getValue();
      String where = "safetensors tensor '" + name + "'";
      if (!node.isObject()) {
        throw new TensorFormatException(where + " must be a JSON object");
      }
      JsonNode dtypeNode = node.get("dtype");
      if (dtypeNode == null || !dtypeNode.isTextual()) {
        throw new TensorFormatException(where + " lacks a string \"dtype\"");
      }
      DType dtype = DType.fromSafetensors(dtypeNode.asText());
      if (dtype == null) {
        throw new TensorFormatException(
            where
                + " has dtype "
                + dtypeNode.asText()
                + ", expected one of F16 BF16 F32 F64 U8"
                + " I8 U16 I16 I32 I64");
      }
      long[] declared = longs(node.get("shape"), where, "shape", -1);
      long[] offsets = longs(node.get("data_offsets"), where, "data_offsets", 2);
      if (offsets[0] > offsets[1]) {
        throw new TensorFormatException(
            where + " has data_offsets [" + offsets[0] + ", " + offsets[1] + "], begin after end");
      }
      long count = Shapes.elementCount(declared);
      if (count > limit) {
        throw new TensorFormatException(
            where
                + " declares shape "
                + Shapes.format(declared)
                + " = "
                + Shapes.approximate(product(declared))
                + " values, limit is "
                + limit);
      }
      long bytes = count * dtype.byteSize();
      if (offsets[1] - offsets[0] != bytes) {
        throw new TensorFormatException(
            where
                + " has shape "
                + Shapes.format(declared)
                + " of "
                + dtype.safetensorsName()
                + " = "
                + bytes
                + " bytes, but its data_offsets span "
                + (offsets[1] - offsets[0]));
      }
      int[] shape = new int[declared.length];
      for (int axis = 0; axis < shape.length; axis++) {
        shape[axis] = (int) declared[axis];
      }
      entries.add(new Entry(name, dtype, shape, count, offsets[0], offsets[1]));
    }
    return entries;
  }

  private static long[] longs(JsonNode node, String where, String key, int length)
      throws TensorFormatException {
    if (node == null || !node.isArray() || (length >= 0 && node.size() != length)) {
      throw new TensorFormatException(
          where
              + " needs \""
              + key
              + "\" as an array of "
              + (length >= 0 ? length + " " : "")
              + "non-negative integers");
    }
    long[] values = new long[node.size()];
    for (int i = 0; i < values.length; i++) {
      JsonNode value = node.get(i);
      if (!value.canConvertToLong() || !value.isIntegralNumber() || value.asLong() < 0) {
        throw new TensorFormatException(
            where + " has \"" + key + "\" " + node + ", expected non-negative integers");
      }
      values[i] = value.asLong();
    }
    return values;
  }

  private static double product(long[] shape) {
    double product = 1;
    for (long dimension : shape) {
      product *= dimension;
    }
    return product;
  }

  private static void skipExactly(InputStream in, long count, String name) throws IOException {
    byte[] scratch = null;
    long remaining = count;
    while (remaining > 0) {
      if (scratch == null) {
        scratch = new byte[(int) Math.min(SKIP_CHUNK, remaining)];
      }
      int got = in.read(scratch, 0, (int) Math.min(scratch.length, remaining));
      if (got < 0) {
        throw new TensorFormatException(
            "safetensors data is truncated before tensor '" + name + "'");
      }
      remaining -= got;
    }
  }
}
