package io.haloconv.tensor;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads and writes numpy's .npy format (versions 1.0, 2.0 and 3.0).
 *
 * <p>Reading is header first: the magic, version and header dictionary are parsed and the declared
 * size checked against the caller's limit before the value array is allocated, so a hostile or
 * mistaken header costs a few bytes of reading, not gigabytes of memory. Data is then read in
 * bounded chunks. Element types are those of {@link DType}, little- or big-endian; fortran-order
 * arrays are transposed to C order. Structured dtypes, object arrays and pickles are refused.
 *
 * <p>The streams passed in are neither closed nor read past the array's last byte.
 */
public final class Npy {
  private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

  /**
   * numpy itself refuses headers over 10000 bytes by default; allow far more, but not gigabytes.
   */
  static final int MAX_HEADER_BYTES = 1 << 20;

  /** Data is converted through a buffer of this many bytes at most. */
  private static final int CHUNK_BYTES = 1 << 20;

  /** numpy aligns the data start to 64 bytes (since numpy 1.14) so it can be memory-mapped. */
  private static final int ALIGNMENT = 64;

  private Npy() {}

  /** Reads a whole array, refusing more values than one Java array holds. */
  public static NpyArray read(InputStream in) throws IOException {
    return read(in, Shapes.MAX_ARRAY_LENGTH);
  }

  /**
   * Reads a whole array, refusing one whose header declares more than {@code maxValues} values
   * before allocating it.
   */
  public static NpyArray read(InputStream in, long maxValues) throws IOException {
    NpyHeader header = readHeader(in);
    return readData(in, header, maxValues);
  }

  /**
   * Reads the magic, version and header dictionary, leaving {@code in} at the first data byte.
   *
   * @throws TensorFormatException if this is not a .npy header numpy could have written for a
   *     supported dtype
   */
  public static NpyHeader readHeader(InputStream in) throws IOException {
    requireNonNull(in, "in is null");
    byte[] prefix = in.readNBytes(MAGIC.length + 2);
    if (prefix.length < MAGIC.length + 2 || !startsWithMagic(prefix)) {
      throw new TensorFormatException(
          "not a .npy file: "
              + (prefix.length == 0 ? "it is empty" : "it starts with " + quote(prefix)));
    }
    int major = prefix[6] & 0xff;
    int minor = prefix[7] & 0xff;
    if (major < 1 || major > 3) {
      throw new TensorFormatException(
          "unsupported npy format version " + major + "." + minor + ", expected 1.0, 2.0 or 3.0");
    }
    int lengthBytes = major == 1 ? 2 : 4;
    byte[] lengthField = readExactly(in, lengthBytes, "npy header length");
    long headerLength =
        lengthBytes == 2
            ? ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN).getShort() & 0xffffL
            : ByteBuffer.wrap(lengthField).order(ByteOrder.LITTLE_ENDIAN).getInt() & 0xffffffffL;
    if (headerLength > MAX_HEADER_BYTES) {
      throw new TensorFormatException(
          "npy header is " + headerLength + " bytes, limit is " + MAX_HEADER_BYTES);
    }
    byte[] headerBytes = readExactly(in, (int) headerLength, "npy header");
    // Versions 1 and 2 are latin-1; version 3 exists to allow UTF-8 (structured field names).
    String text =
        new String(headerBytes, major == 3 ? StandardCharsets.UTF_8 : StandardCharsets.ISO_8859_1);
    long dataOffset = MAGIC.length + 2 + lengthBytes + headerLength;
    return parseHeader(text, dataOffset);
  }

  /**
   * Reads the data that follows {@code header} (which {@link #readHeader} just read from the same
   * stream), refusing more than {@code maxValues} values before allocating.
   */
  public static NpyArray readData(InputStream in, NpyHeader header, long maxValues)
      throws IOException {
    header.requireElementsAtMost(maxValues);
    int count = (int) header.elementCount();
    int[] shape = new int[header.rank()];
    for (int axis = 0; axis < shape.length; axis++) {
      // Fits: the element count, a product of all dimensions, is at most MAX_ARRAY_LENGTH.
      shape[axis] = (int) header.dimension(axis);
    }
    float[] values = readValues(in, header.dtype(), header.byteOrder(), count);
    if (header.fortranOrder() && shape.length > 1) {
      values = fortranToC(values, shape);
    }
    return new NpyArray(header.dtype(), shape, values);
  }

  /** Arrays up to this many values are allocated whole before reading. */
  private static final int DIRECT_VALUES = 1 << 22;

  /**
   * Reads {@code count} elements of {@code dtype} in {@code order} as float32. Memory follows the
   * data actually present, not the count a header declares: large arrays are read in blocks and
   * assembled only once every value has arrived, so a tiny file declaring a gigabyte costs a block,
   * not a gigabyte, before it is found truncated.
   *
   * @throws TensorFormatException if the stream ends first
   */
  public static float[] readValues(InputStream in, DType dtype, ByteOrder order, int count)
      throws IOException {
    if (count <= DIRECT_VALUES) {
      float[] values = new float[count];
      readValues(in, dtype, order, values, 0, count);
      return values;
    }
    List<float[]> blocks = new ArrayList<>();
    int done = 0;
    while (done < count) {
      float[] block = new float[Math.min(DIRECT_VALUES, count - done)];
      try {
        readValues(in, dtype, order, block, 0, block.length);
      } catch (TensorFormatException e) {
        throw new TensorFormatException(
            "npy data is truncated: expected "
                + (long) count * dtype.byteSize()
                + " bytes after the header, got fewer than "
                + ((long) done + block.length) * dtype.byteSize(),
            e);
      }
      blocks.add(block);
      done += block.length;
    }
    float[] values = new float[count];
    int at = 0;
    for (float[] block : blocks) {
      System.arraycopy(block, 0, values, at, block.length);
      at += block.length;
    }
    return values;
  }

  /**
   * Reads {@code count} elements of {@code dtype} in {@code order} from {@code in} into {@code
   * destination[offset...]} as float32, through a bounded buffer.
   *
   * @throws TensorFormatException if the stream ends first
   */
  public static void readValues(
      InputStream in, DType dtype, ByteOrder order, float[] destination, int offset, int count)
      throws IOException {
    int elementBytes = dtype.byteSize();
    int chunkElements = Math.max(1, Math.min(count, CHUNK_BYTES / elementBytes));
    byte[] chunk = new byte[chunkElements * elementBytes];
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(order);
    int done = 0;
    while (done < count) {
      int elements = Math.min(chunkElements, count - done);
      int bytes = elements * elementBytes;
      int got = in.readNBytes(chunk, 0, bytes);
      if (got < bytes) {
        long expected = (long) count * elementBytes;
        long received = (long) done * elementBytes + got;
        throw new TensorFormatException(
            "npy data is truncated: expected "
                + expected
                + " bytes after the header, got "
                + received);
      }
      buffer.clear();
      dtype.decode(buffer, destination, offset + done, elements);
      done += elements;
    }
  }

  /**
   * Writes {@code data} of the given shape as a version 1.0 little-endian float32 array, C order,
   * readable by {@code numpy.load}. The stream is not closed.
   */
  public static void write(OutputStream out, int[] shape, float[] data) throws IOException {
    requireNonNull(out, "out is null");
    requireNonNull(shape, "shape is null");
    requireNonNull(data, "data is null");
    long count = Shapes.elementCount(shape);
    if (count != data.length) {
      throw new IllegalArgumentException(
          "shape " + Shapes.format(shape) + " has " + count + " values, data has " + data.length);
    }
    String dictionary =
        "{'descr': '<f4', 'fortran_order': False, 'shape': " + Shapes.format(shape) + ", }";
    // Pad with spaces and end with a newline so that magic + version + length + header is a
    // multiple of 64 bytes, as numpy does.
    int unpadded = MAGIC.length + 2 + 2 + dictionary.length() + 1;
    int padding = (ALIGNMENT - unpadded % ALIGNMENT) % ALIGNMENT;
    String header = dictionary + " ".repeat(padding) + "\n";
    if (header.length() > 0xffff) {
      throw new IllegalArgumentException("shape " + Shapes.format(shape) + " is too long for npy");
    }
    ByteBuffer prefix = ByteBuffer.allocate(MAGIC.length + 4).order(ByteOrder.LITTLE_ENDIAN);
    prefix.put(MAGIC).put((byte) 1).put((byte) 0).putShort((short) header.length());
    out.write(prefix.array());
    out.write(header.getBytes(StandardCharsets.ISO_8859_1));
    byte[] chunk = new byte[Math.min(CHUNK_BYTES, Math.max(4, data.length * 4))];
    ByteBuffer buffer = ByteBuffer.wrap(chunk).order(ByteOrder.LITTLE_ENDIAN);
    int perChunk = chunk.length / 4;
    for (int start = 0; start < data.length; start += perChunk) {
      int n = Math.min(perChunk, data.length - start);
      buffer.clear();
      buffer.asFloatBuffer().put(data, start, n);
      out.write(chunk, 0, n * 4);
    }
  }

  /**
   * Parses numpy's header dictionary, e.g. {@code {'descr': '<f4', 'fortran_order': False, 'shape':
   * (3, 4), }}.
   */
  static NpyHeader parseHeader(String text, long dataOffset) throws TensorFormatException {
    Map<String, Object> dictionary = new HeaderParser(text).dictionary();
    Object descr = dictionary.get("descr");
    Object fortran = dictionary.get("fortran_order");
    Object shape = dictionary.get("shape");
    if (descr == null || fortran == null || shape == null) {
      throw new TensorFormatException(
          "npy header lacks "
              + (descr == null ? "'descr'" : fortran == null ? "'fortran_order'" : "'shape'")
              + ": "
              + abbreviate(text));
    }
    if (!(descr instanceof String descrText)) {
      throw new TensorFormatException(
          "npy structured dtypes are not supported: descr is " + abbreviate(String.valueOf(descr)));
    }
    if (!(fortran instanceof Boolean fortranOrder)) {
      throw new TensorFormatException(
          "npy header 'fortran_order' must be True or False, got "
              + abbreviate(String.valueOf(fortran)));
    }
    if (!(shape instanceof long[] dimensions)) {
      throw new TensorFormatException(
          "npy header 'shape' must be a tuple of integers, got "
              + abbreviate(String.valueOf(shape)));
    }
    return new NpyHeader(
        parseDescr(descrText), byteOrderOf(descrText), fortranOrder, dimensions, dataOffset);
  }

  private static DType parseDescr(String descr) throws TensorFormatException {
    DType type = null;
    if (descr.length() >= 3 && "<>|=".indexOf(descr.charAt(0)) >= 0) {
      String size = descr.substring(2);
      if (size.matches("[1-8]")) {
        type = DType.fromNumpy(descr.charAt(1), Integer.parseInt(size));
      }
    }
    if (type == null) {
      throw new TensorFormatException(
          "npy dtype '"
              + abbreviate(descr)
              + "' is not supported, expected one of <f2 <f4 <f8"
              + " |u1 |i1 <u2 <i2 <i4 <i8 (or big-endian >)");
    }
    return type;
  }

  private static ByteOrder byteOrderOf(String descr) {
    return switch (descr.charAt(0)) {
      case '>' -> ByteOrder.BIG_ENDIAN;
      case '=' -> ByteOrder.nativeOrder();
      default -> ByteOrder.LITTLE_ENDIAN;
    };
  }

  /**
   * Reorders a fortran-order (first axis fastest) array into C order. Walks the source in its own
   * order with an odometer over the axes and keeps the matching C index incrementally, so each
   * value costs a few additions.
   */
  private static float[] fortranToC(float[] source, int[] shape) {
    int rank = shape.length;
    long[] cStride = new long[rank];
    long stride = 1;
    for (int axis = rank - 1; axis >= 0; axis--) {
      cStride[axis] = stride;
      stride *= shape[axis];
    }
    float[] target = new float[source.length];
    int[] index = new int[rank];
    long c = 0;
    for (int f = 0; f < source.length; f++) {
      target[(int) c] = source[f];
      for (int axis = 0; axis < rank; axis++) {
        index[axis]++;
        c += cStride[axis];
        if (index[axis] < shape[axis]) {
          break;
        }
        c -= cStride[axis] * shape[axis];
        index[axis] = 0;
      }
    }
    return target;
  }

  private static boolean startsWithMagic(byte[] bytes) {
    for (int i = 0; i < MAGIC.length; i++) {
      if (bytes[i] != MAGIC[i]) {
        return false;
      }
    }
    return true;
  }

  private static byte[] readExactly(InputStream in, int length, String what) throws IOException {
    byte[] bytes = in.readNBytes(length);
    if (bytes.length < length) {
      throw new TensorFormatException(
          what + " is truncated: expected " + length + " bytes, got " + bytes.length);
    }
    return bytes;
  }

  /** The first 8 bytes of a file as text, non-printable bytes escaped: {@code "hello wo"}. */
  public static String quote(byte[] bytes) {
    StringBuilder text = new StringBuilder("\"");
    for (int i = 0; i < Math.min(bytes.length, 8); i++) {
      int b = bytes[i] & 0xff;
      if (b >= 0x20 && b < 0x7f && b != '"' && b != '\\') {
        text.append((char) b);
      } else {
        text.append(String.format("\\x%02x", b));
      }
    }
    return text.append('"').toString();
  }

  private static String abbreviate(String text) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= 80 ? line : line.substring(0, 77) + "...";
  }

  /**
   * A parser for the Python literal numpy writes as the header: a dict of string keys whose values
   * are strings, True/False, or tuples of integers. Anything else (lists of fields, nested dicts)
   * parses as a marker that the caller reports as unsupported.
   */
  private static final class HeaderParser {
    private final String text;
    private int position;

    HeaderParser(String text) {
      this.text = text;
    }

    Map<String, Object> dictionary() throws TensorFormatException {
      Map<String, Object> entries = new LinkedHashMap<>();
      skipSpaces();
      expect('{');
      while (true) {
        skipSpaces();
        if (peek() == '}') {
          position++;
          break;
        }
        String key = string();
        skipSpaces();
        expect(':');
        skipSpaces();
        entries.put(key, value());
        skipSpaces();
        if (peek() == ',') {
          position++;
        } else if (peek() != '}') {
          throw error("expected ',' or '}'");
        }
      }
      skipSpaces();
      if (position != text.length()) {
        throw error("unexpected text after the dictionary");
      }
      return entries;
    }

    private Object value() throws TensorFormatException {
      char c = peek();
      if (c == '\'' || c == '"') {
        return string();
      }
      if (text.startsWith("True", position)) {
        position += 4;
        return Boolean.TRUE;
      }
      if (text.startsWith("False", position)) {
        position += 5;
        return Boolean.FALSE;
      }
      if (c == '(') {
        return tuple();
      }
      // A list (structured dtype) or another literal: keep its text for the error message.
      int start = position;
      int depth = 0;
      while (position < text.length()) {
        char d = text.charAt(position);
        if (d == '[' || d == '(' || d == '{') {
          depth++;
        } else if (d == ']' || d == ')' || d == '}') {
          if (depth == 0) {
            break;
          }
          depth--;
        } else if (d == ',' && depth == 0) {
          break;
        }
        position++;
      }
      return new StringBuilder(text.substring(start, position).strip());
    }

    private long[] tuple() throws TensorFormatException {
      expect('(');
      List<Long> dimensions = new ArrayList<>();
      while (true) {
        skipSpaces();
        if (peek() == ')') {
          position++;
          break;
        }
        int start = position;
        while (position < text.length() && Character.isDigit(text.charAt(position))) {
          position++;
        }
        if (start == position) {
          throw error("expected a non-negative integer in the shape");
        }
        String digits = text.substring(start, position);
        if (peek() == 'L') {
          position++; // Python 2 long literal, written by old numpy
        }
        if (digits.length() > 18) {
          throw new TensorFormatException("npy header shape has an absurd dimension " + digits);
        }
        dimensions.add(Long.parseLong(digits));
        skipSpaces();
        if (peek() == ',') {
          position++;
        } else if (peek() != ')') {
          throw error("expected ',' or ')' in the shape");
        }
      }
      long[] shape = new long[dimensions.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = dimensions.get(i);
      }
      return shape;
    }

    private String string() throws TensorFormatException {
      char quote = peek();
      if (quote != '\'' && quote != '"') {
        throw error("expected a quoted string");
      }
      int end = text.indexOf(quote, position + 1);
      if (end < 0) {
        throw error("unterminated string");
      }
      String value = text.substring(position + 1, end);
      position = end + 1;
      return value;
    }

    private void expect(char c) throws TensorFormatException {
      if (peek() != c) {
        throw error("expected '" + c + "'");
      }
      position++;
    }

    private char peek() {
      return position < text.length() ? text.charAt(position) : '\0';
    }

    private void skipSpaces() {
      while (position < text.length() && Character.isWhitespace(text.charAt(position))) {
        position++;
      }
    }

    private TensorFormatException error(String problem) {
      return new TensorFormatException(
          "malformed npy header: "
              + problem
              + " at character "
              + position
              + " of "
              + abbreviate(text));
    }
  }
}
