package io.haloconv.testing;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.RenderedImage;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Image files made in the test, good and bad: encoded with the JDK's writers, or written byte by
 * byte where no writer produces them (unsupported TIFF compressions, decompression bombs).
 */
public final class TestImages {
  private TestImages() {}

  /** An image of pseudo-random colours (seeded): compresses badly, so its data dominates a file. */
  public static BufferedImage noise(int width, int height, int type, long seed) {
    BufferedImage image = new BufferedImage(width, height, type);
    Random random = new Random(seed);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(x, y, random.nextInt());
      }
    }
    return image;
  }

  /** A smooth image: every pixel differs from its neighbours, JPEG-friendly. */
  public static BufferedImage gradient(int width, int height, int type) {
    BufferedImage image = new BufferedImage(width, height, type);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        int r = (x * 7 + y) & 0xff;
        int g = (y * 5 + 3 * x) & 0xff;
        int b = (x + y * 11) & 0xff;
        int a = (x * 3 + y * 2 + 40) & 0xff;
        image.setRGB(x, y, (a << 24) | (r << 16) | (g << 8) | b);
      }
    }
    return image;
  }

  /** An RGB PNG of noise. */
  public static byte[] png(int width, int height, long seed) {
    return encode(noise(width, height, BufferedImage.TYPE_INT_RGB, seed), "png", null);
  }

  /** A baseline RGB JPEG. */
  public static byte[] jpeg(int width, int height) {
    return encode(gradient(width, height, BufferedImage.TYPE_INT_RGB), "jpeg", null);
  }

  /** A progressive RGB JPEG. */
  public static byte[] progressiveJpeg(int width, int height) {
    ImageWriteParam param = writer("jpeg").getDefaultWriteParam();
    param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    return encode(gradient(width, height, BufferedImage.TYPE_INT_RGB), "jpeg", param);
  }

  /**
   * A CMYK JPEG as Photoshop writes it: four components and an Adobe APP14 segment (transform 0),
   * inverted ink (255 = none). Left half cyan, right half white.
   */
  public static byte[] cmykJpeg(int width, int height) {
    WritableRaster cmyk =
        Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        cmyk.setPixel(x, y, new int[] {x < width / 2 ? 0 : 255, 255, 255, 255});
      }
    }
    ImageWriter writer = writer("jpeg");
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, new IIOImage(cmyk, null, null), null);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    byte[] jpeg = bytes.toByteArray();
    byte[] app14 = {
      (byte) 0xff, (byte) 0xee, 0, 14, 'A', 'd', 'o', 'b', 'e', 0, 100, 0, 0, 0, 0, 0
    };
    byte[] out = new byte[jpeg.length + app14.length];
    System.arraycopy(jpeg, 0, out, 0, 2);
    System.arraycopy(app14, 0, out, 2, app14.length);
    System.arraycopy(jpeg, 2, out, 2 + app14.length, jpeg.length - 2);
    return out;
  }

  /** Encodes with the JDK's writer for {@code format} (png, jpeg, gif, bmp, wbmp, tiff). */
  public static byte[] encode(RenderedImage image, String format, ImageWriteParam param) {
    ImageWriter writer = writer(format);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(
          null,
          new IIOImage(image, null, null),
          param == null ? writer.getDefaultWriteParam() : param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /** A new instance of the JDK's own writer for {@code format}. */
  public static ImageWriter writer(String format) {
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName(format); it.hasNext(); ) {
      ImageWriter writer = it.next();
      if (writer.getClass().getName().startsWith("com.sun.imageio.plugins.")) {
        return writer;
      }
      writer.dispose();
    }
    throw new IllegalStateException("no JDK writer for " + format);
  }

  /** The first {@code fraction} of {@code bytes}. */
  public static byte[] truncate(byte[] bytes, double fraction) {
    return Arrays.copyOf(bytes, (int) (bytes.length * fraction));
  }

  /**
   * A valid PNG of {@code width}×{@code height} 1-bit gray pixels, all zero, written without ever
   * holding the raw rows: the zero rows deflate ~1000:1 and the compressed stream is a block
   * repeated (each ends in a full flush, so it stands alone), with the Adler-32 computed in closed
   * form. 200000×200000 is 5 GB of raw rows in about 5 MB.
   */
  public static byte[] pngBomb(int width, int height) {
    long rowBytes = 1 + (width + 7L) / 8; // the filter byte, then 8 pixels per byte
    int rowsPerBlock = (int) Math.max(1, Math.min(height, 4_000_000 / rowBytes));
    byte[] zeros = new byte[(int) (rowBytes * rowsPerBlock)];
    Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
    byte[] block = deflateFully(deflater, zeros);
    byte[] tail = null;
    int tailRows = height % rowsPerBlock;
    if (tailRows > 0) {
      tail = deflateFully(deflater, new byte[(int) (rowBytes * tailRows)]);
    }
    deflater.end();
    int blocks = height / rowsPerBlock;
    ByteArrayOutputStream zlib = new ByteArrayOutputStream();
    zlib.write(0x78);
    zlib.write(0xda);
    for (int i = 0; i < blocks; i++) {
      zlib.writeBytes(block);
    }
    if (tail != null) {
      zlib.writeBytes(tail);
    }
    zlib.writeBytes(new byte[] {1, 0, 0, (byte) 0xff, (byte) 0xff}); // final empty stored block
    // Adler-32 of n zero bytes: A stays 1, B adds A once per byte.
    long rawBytes = rowBytes * height;
    long adler = ((rawBytes % 65521) << 16) | 1;
    zlib.writeBytes(ByteBuffer.allocate(4).putInt((int) adler).array());

    ByteArrayOutputStream png = new ByteArrayOutputStream();
    png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
    ByteBuffer ihdr = ByteBuffer.allocate(13);
    ihdr.putInt(width)
        .putInt(height)
        .put((byte) 1)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    chunk(png, "IHDR", ihdr.array());
    chunk(png, "IDAT", zlib.toByteArray());
    chunk(png, "IEND", new byte[0]);
    return png.toByteArray();
  }

  private static byte[] deflateFully(Deflater deflater, byte[] input) {
    deflater.setInput(input);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[64 * 1024];
    while (true) {
      int n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
      out.write(buffer, 0, n);
      if (n < buffer.length && deflater.needsInput()) {
        return out.toByteArray();
      }
    }
  }

  private static void chunk(ByteArrayOutputStream png, String type, byte[] data) {
    byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
    png.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
    png.writeBytes(typeBytes);
    png.writeBytes(data);
    CRC32 crc = new CRC32();
    crc.update(typeBytes);
    crc.update(data);
    png.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
  }

  /**
   * A little-endian, chunky, 8-bit TIFF in strips of {@code rowsPerStrip} rows, its IFD before the
   * pixel data (so truncating the file loses strips, not the header). {@code compression} is only
   * declared: the data is stored as given, uncompressed.
   */
  public static byte[] tiffStrips(
      int width, int height, int samples, int rowsPerStrip, int compression, byte[] pixels) {
    if (pixels.length != width * height * samples) {
      throw new IllegalArgumentException("pixels must hold width*height*samples bytes");
    }
    int strips = (height + rowsPerStrip - 1) / rowsPerStrip;
    byte[][] data = new byte[strips][];
    int stripBytes = rowsPerStrip * width * samples;
    for (int s = 0; s < strips; s++) {
      data[s] =
          Arrays.copyOfRange(pixels, s * stripBytes, Math.min(pixels.length, (s + 1) * stripBytes));
    }
    return tiffStrips(width, height, samples, rowsPerStrip, compression, data);
  }

  /** Deflates {@code bytes} as a zlib stream, as TIFF compression 8 (Deflate) stores strips. */
  public static byte[] zlib(byte[] bytes) {
    Deflater deflater = new Deflater();
    byte[] out = deflateFully(deflater, bytes);
    deflater.finish();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(out);
    byte[] buffer = new byte[4096];
    while (!deflater.finished()) {
      all.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return all.toByteArray();
  }

  /**
   * A TIFF as {@link #tiffStrips(int, int, int, int, int, byte[])}, from the bytes of each strip as
   * stored (compressed as {@code compression} says, or not).
   */
  public static byte[] tiffStrips(
      int width, int height, int samples, int rowsPerStrip, int compression, byte[][] stripData) {
    int strips = stripData.length;
    if (strips != (height + rowsPerStrip - 1) / rowsPerStrip) {
      throw new IllegalArgumentException("need one data array per strip");
    }
    int[] offsets = new int[strips];
    int[] counts = new int[strips];
    List<int[]> entries = new ArrayList<>(); // tag, type, count, value-or-index
    int photometric = samples == 3 || samples == 4 ? 2 : 1; // RGB, else gray + extra samples
    int[] bits = new int[samples];
    Arrays.fill(bits, 8);
    entries.add(new int[] {256, 4, 1, width});
    entries.add(new int[] {257, 4, 1, height});
    entries.add(new int[] {258, 3, samples, -1});
    entries.add(new int[] {259, 3, 1, compression});
    entries.add(new int[] {262, 3, 1, photometric});
    entries.add(new int[] {273, 4, strips, -2});
    entries.add(new int[] {277, 3, 1, samples});
    entries.add(new int[] {278, 4, 1, rowsPerStrip});
    entries.add(new int[] {279, 4, strips, -3});
    entries.add(new int[] {284, 3, 1, 1});
    int extraSamples = samples - (photometric == 2 ? 3 : 1);
    if (extraSamples > 0) {
      entries.add(new int[] {338, 3, extraSamples, -4});
    }
    int ifdSize = 2 + 12 * entries.size() + 4;
    int extra = 8 + ifdSize;
    // Out-of-line values: bits per sample, strip offsets, strip byte counts, extra samples.
    int bitsAt = extra;
    extra += samples > 2 ? 2 * samples : 0;
    int offsetsAt = extra;
    extra += strips > 1 ? 4 * strips : 0;
    int countsAt = extra;
    extra += strips > 1 ? 4 * strips : 0;
    int extraSamplesAt = extra;
    extra += extraSamples > 2 ? 2 * extraSamples : 0;
    int dataAt = extra;
    int dataBytes = 0;
    for (int s = 0; s < strips; s++) {
      counts[s] = stripData[s].length;
      offsets[s] = dataAt + dataBytes;
      dataBytes += stripData[s].length;
    }
    ByteBuffer file = ByteBuffer.allocate(dataAt + dataBytes).order(ByteOrder.LITTLE_ENDIAN);
    file.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    file.putShort((short) entries.size());
    for (int[] e : entries) {
      file.putShort((short) e[0]).putShort((short) e[1]).putInt(e[2]);
      int start = file.position();
      int[] values =
          switch (e[3]) {
            case -1 -> bits;
            case -2 -> offsets;
            case -3 -> counts;
            case -4 -> new int[extraSamples];
            default -> new int[] {e[3]};
          };
      int size = (e[1] == 3 ? 2 : 4) * values.length;
      if (size > 4) {
        file.putInt(
            switch (e[3]) {
              case -1 -> bitsAt;
              case -2 -> offsetsAt;
              case -3 -> countsAt;
              default -> extraSamplesAt;
            });
        int back = file.position();
        file.position(
            switch (e[3]) {
              case -1 -> bitsAt;
              case -2 -> offsetsAt;
              case -3 -> countsAt;
              default -> extraSamplesAt;
            });
        for (int v : values) {
          if (e[1] == 3) {
            file.putShort((short) v);
          } else {
            file.putInt(v);
          }
        }
        file.position(back);
      } else {
        for (int v : values) {
          if (e[1] == 3) {
            file.putShort((short) v);
          } else {
            file.putInt(v);
          }
        }
        file.position(start + 4);
      }
    }
    file.putInt(0); // no next IFD
    file.position(dataAt);
    for (byte[] strip : stripData) {
      file.put(strip);
    }
    return file.array();
  }

  /** Pseudo-random bytes. */
  public static byte[] randomBytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /**
   * A version 1.0 .npy header for {@code descr} and {@code shape} (C order), followed by {@code
   * data} as given: the data need not match what the header declares.
   */
  public static byte[] npy(String descr, long[] shape, byte[] data) {
    StringBuilder dims = new StringBuilder("(");
    for (int i = 0; i < shape.length; i++) {
      dims.append(i == 0 ? "" : ", ").append(shape[i]);
    }
    dims.append(shape.length == 1 ? ",)" : ")"); // Python's tuple syntax: (5,) (2, 3)
    String dictionary =
        "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + dims + ", }";
    int unpadded = 6 + 2 + 2 + dictionary.length() + 1;
    String header = dictionary + " ".repeat((64 - unpadded % 64) % 64) + "\n";
    ByteBuffer out =
        ByteBuffer.allocate(10 + header.length() + data.length).order(ByteOrder.LITTLE_ENDIAN);
    out.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    out.putShort((short) header.length());
    out.put(header.getBytes(StandardCharsets.ISO_8859_1));
    out.put(data);
    return out.array();
  }

  /** A float32 .npy of {@code values} with {@code shape}. */
  public static byte[] npyFloats(long[] shape, float[] values) {
    ByteBuffer data = ByteBuffer.allocate(4 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float v : values) {
      data.putFloat(v);
    }
    return npy("<f4", shape, data.array());
  }
}
