package io.haloconv.io.tiff;

import com.github.luben.zstd.Zstd;
import com.github.luben.zstd.ZstdException;
import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;

/**
 * The TIFF compressions {@link TiffDecoder} reads, as streams: a chunk's compressed bytes in, its
 * decoded bytes out, in order. Streams let a huge single strip be decoded a row band at a time; a
 * tile is just read to its end.
 */
final class TiffCodecs {
  private TiffCodecs() {}

  /** Decoded bytes of {@code compressed} under TIFF compression {@code compression}. */
  static InputStream decoding(int compression, InputStream compressed) {
    return switch (compression) {
      case TiffDirectory.COMPRESSION_NONE -> compressed;
      case TiffDirectory.COMPRESSION_LZW -> new LzwInputStream(compressed);
      case TiffDirectory.COMPRESSION_DEFLATE, TiffDirectory.COMPRESSION_ADOBE_DEFLATE ->
          new InflaterInputStream(compressed, new Inflater(), 1 << 16) {
            @Override
            public void close() throws IOException {
              super.close();
              inf.end(); // a caller-supplied Inflater is not ended by close()
            }
          };
      case TiffDirectory.COMPRESSION_PACKBITS -> new PackBitsInputStream(compressed);
      case TiffDirectory.COMPRESSION_ZSTD -> zstdStream(compressed);
      default -> throw new IllegalArgumentException("unsupported TIFF compression " + compression);
    };
  }

  private static InputStream zstdStream(InputStream compressed) {
    try {
      return new ZstdInputStream(compressed);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Decodes a whole chunk into {@code out[0, length)}. Data that ends early leaves the rest zero,
   * as libtiff and the JDK's reader do for short strips.
   */
  static void decode(
      int compression, byte[] compressed, int compressedLength, byte[] out, int length)
      throws IOException {
    if (compression == TiffDirectory.COMPRESSION_DEFLATE
        || compression == TiffDirectory.COMPRESSION_ADOBE_DEFLATE) {
      Inflater inflater = new Inflater();
      try {
        inflater.setInput(compressed, 0, compressedLength);
        int done = 0;
        while (done < length && !inflater.finished()) {
          int got = inflater.inflate(out, done, length - done);
          if (got == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
            break;
          }
          done += got;
        }
      } catch (DataFormatException e) {
        throw new IOException("corrupt Deflate data: " + e.getMessage(), e);
      } finally {
        inflater.end();
      }
      return;
    }
    if (compression == TiffDirectory.COMPRESSION_ZSTD) {
      // zstd-jni (which Spark ships for its own shuffle files): one frame per chunk, as libtiff
      // writes it. A chunk that decodes to less leaves the rest zero, as for Deflate.
      try {
        Zstd.decompressByteArray(out, 0, length, compressed, 0, compressedLength);
      } catch (ZstdException e) {
        throw new IOException("corrupt ZSTD data: " + e.getMessage(), e);
      }
      return;
    }
    if (compression == TiffDirectory.COMPRESSION_NONE) {
      System.arraycopy(compressed, 0, out, 0, Math.min(length, compressedLength));
      return;
    }
    try (InputStream in =
        decoding(compression, new ByteArrayInputStream(compressed, 0, compressedLength))) {
      in.readNBytes(out, 0, length);
    }
  }

  /**
   * TIFF's LZW (TIFF 6.0 section 13): codes of 9 to 12 bits packed most significant bit first, 256
   * clears the table, 257 ends the data, and the code width grows one code early (when the next
   * free code is 2^width − 1), as every TIFF writer since libtiff does.
   */
  static final class LzwInputStream extends InputStream {
    private static final int CLEAR = 256;
    private static final int END = 257;
    private static final int FIRST_FREE = 258;
    private static final int TABLE = 4096;

    private final InputStream in;
    private final byte[] input = new byte[1 << 16];
    private int inputLength;
    private int inputPosition;
    private int bitBuffer;
    private int bitCount;

    private final int[] prefix = new int[TABLE];
    private final byte[] suffix = new byte[TABLE];
    private final byte[] first = new byte[TABLE];
    private final int[] lengths = new int[TABLE];
    private int nextFree = FIRST_FREE;
    private int width = 9;
    private int previous = -1;
    private boolean ended;

    /** Bytes of the last decoded string not yet handed out: string[pendingStart, pendingEnd). */
    private final byte[] pending = new byte[TABLE];

    private int pendingStart;
    private int pendingEnd;

    LzwInputStream(InputStream in) {
      this.in = in;
      for (int i = 0; i < 256; i++) {
        suffix[i] = (byte) i;
        first[i] = (byte) i;
        lengths[i] = 1;
        prefix[i] = -1;
      }
    }

    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] out, int offset, int length) throws IOException {
      int done = 0;
      while (done < length) {
        if (pendingStart < pendingEnd) {
          int n = Math.min(length - done, pendingEnd - pendingStart);
          System.arraycopy(pending, pendingStart, out, offset + done, n);
          pendingStart += n;
          done += n;
          continue;
        }
        if (ended) {
          break;
        }
        int code = nextCode();
        if (code < 0 || code == END) {
          ended = true;
          break;
        }
        if (code == CLEAR) {
          nextFree = FIRST_FREE;
          width = 9;
          previous = -1;
          continue;
        }
        int stringCode;
        if (previous < 0) {
          if (code >= 256) {
            throw new IOException("corrupt LZW data: code " + code + " after a clear code");
          }
          stringCode = code;
        } else if (code < nextFree) {
          add(previous, first[code]);
          stringCode = code;
        } else if (code == nextFree) {
          add(previous, first[previous]);
          stringCode = code;
        } else {
          throw new IOException("corrupt LZW data: code " + code + ", next free is " + nextFree);
        }
        previous = stringCode;
        int n = lengths[stringCode];
        if (n <= length - done) {
          write(stringCode, out, offset + done);
          done += n;
        } else {
          write(stringCode, pending, 0);
          pendingStart = 0;
          pendingEnd = n;
        }
      }
      return done == 0 && length > 0 ? -1 : done;
    }

    private void add(int prefixCode, byte last) throws IOException {
      if (nextFree >= TABLE) {
        // A table full without a clear code: writers clear at 4094, so the data is corrupt.
        throw new IOException("corrupt LZW data: string table overflow");
      }
      prefix[nextFree] = prefixCode;
      suffix[nextFree] = last;
      first[nextFree] = first[prefixCode];
      lengths[nextFree] = lengths[prefixCode] + 1;
      nextFree++;
      if (nextFree >= (1 << width) - 1 && width < 12) {
        width++;
      }
    }

    /** Writes the string of {@code code} into {@code out} at {@code at}, last byte first. */
    private void write(int code, byte[] out, int at) {
      for (int c = code, i = at + lengths[code] - 1; c >= 0; c = prefix[c], i--) {
        out[i] = suffix[c];
      }
    }

    private int nextCode() throws IOException {
      while (bitCount < width) {
        if (inputPosition == inputLength) {
          inputLength = in.read(input, 0, input.length);
          inputPosition = 0;
          if (inputLength <= 0) {
            inputLength = 0;
            return -1; // data without an end code: what was decoded stands
          }
        }
        bitBuffer = (bitBuffer << 8) | (input[inputPosition++] & 0xff);
        bitCount += 8;
      }
      int code = (bitBuffer >>> (bitCount - width)) & ((1 << width) - 1);
      bitCount -= width;
      return code;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }

  /**
   * Apple's PackBits run-length code: n ≥ 0 copies n+1 bytes, −127 ≤ n ≤ −1 repeats one 1−n times.
   */
  static final class PackBitsInputStream extends InputStream {
    private final InputStream in;
    private int literal;
    private int repeat;
    private int repeated;

    PackBitsInputStream(InputStream in) {
      this.in = in;
    }

    @Override
    public int read() throws IOException {
      while (literal == 0 && repeat == 0) {
        int header = in.read();
        if (header < 0) {
          return -1;
        }
        byte n = (byte) header;
        if (n >= 0) {
          literal = n + 1;
        } else if (n != -128) {
          repeated = in.read();
          if (repeated < 0) {
            throw new EOFException("PackBits run without its byte");
          }
          repeat = 1 - n;
        }
      }
      if (literal > 0) {
        int b = in.read();
        if (b < 0) {
          throw new EOFException("PackBits literal run cut short");
        }
        literal--;
        return b;
      }
      repeat--;
      return repeated;
    }

    @Override
    public int read(byte[] out, int offset, int length) throws IOException {
      int done = 0;
      while (done < length) {
        if (repeat > 0) {
          int n = Math.min(repeat, length - done);
          Arrays.fill(out, offset + done, offset + done + n, (byte) repeated);
          repeat -= n;
          done += n;
        } else if (literal > 0) {
          int got = in.read(out, offset + done, Math.min(literal, length - done));
          if (got < 0) {
            throw new EOFException("PackBits literal run cut short");
          }
          literal -= got;
          done += got;
        } else {
          int b = read();
          if (b < 0) {
            break;
          }
          out[offset + done++] = (byte) b;
        }
      }
      return done == 0 && length > 0 ? -1 : done;
    }

    @Override
    public void close() throws IOException {
      in.close();
    }
  }
}
