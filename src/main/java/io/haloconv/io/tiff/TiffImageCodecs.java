package io.haloconv.io.tiff;

import io.haloconv.io.Failures;
import io.haloconv.io.Readers;
import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.IIOException;
import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * The TIFF compressions whose chunks are whole images of another format: JPEG (7), through the
 * JDK's JPEG reader, and WebP (50001), through TwelveMonkeys'. Each chunk decodes to 8-bit chunky
 * samples, {@code chunkWidth · samples} per row.
 */
final class TiffImageCodecs {
  private TiffImageCodecs() {}

  /** A chunk whose compressed data is malformed: a corrupt stream, missing tables. */
  static final class CorruptChunk extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptChunk(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * Decodes one JPEG chunk. A TIFF's JPEG chunks are abbreviated streams: the tables they share sit
   * in JPEGTables (a stream of SOI, tables, EOI), so the decoder reads the tables, then the chunk
   * without its SOI. The raster is read as stored, without the decoder's colour conversion: the
   * Photometric tag says whether the components are YCbCr (converted here, as libjpeg and JFIF do)
   * or RGB, which a decoder seeing a JPEG without a JFIF or Adobe marker would take for YCbCr.
   * Warnings (libjpeg's "corrupt JPEG data") are failures: a damaged tile must not pass as pixels.
   */
  static byte[] jpeg(TiffDirectory dir, String chunk, byte[] compressed, int rows)
      throws IOException {
    byte[] stream = compressed;
    byte[] tables = dir.jpegTables;
    if (tables != null && tables.length >= 4 && compressed.length >= 2) {
      // tables without their EOI, then the chunk without its SOI
      stream = new byte[tables.length - 2 + compressed.length - 2];
      System.arraycopy(tables, 0, stream, 0, tables.length - 2);
      System.arraycopy(compressed, 2, stream, tables.length - 2, compressed.length - 2);
    }
    if (compressed.length < 4 || (compressed[0] & 0xff) != 0xff || (compressed[1] & 0xff) != 0xd8) {
      throw new CorruptChunk("corrupt JPEG data in " + chunk + ": no start-of-image marker", null);
    }
    if (!hasQuantisationTables(stream)) {
      throw new CorruptChunk(
          "JPEG "
              + chunk
              + " has no quantisation tables"
              + (tables == null ? " and the TIFF has no JPEGTables" : ", nor has JPEGTables"),
          null);
    }
    Raster raster = read(Readers.jdkJpegReader(), stream, chunk, true);
    int spp = dir.samplesPerPixel;
    if (raster.getNumBands() != spp) {
      throw new CorruptChunk(
          "JPEG " + chunk + " has " + raster.getNumBands() + " components, the TIFF says " + spp,
          null);
    }
    byte[] out = samples(raster, dir.chunkWidth, dir.width, chunk, rows, spp);
    if (dir.photometric == TiffDirectory.PHOTOMETRIC_YCBCR) {
      yCbCrToRgb(out);
    }
    return out;
  }

  /** Decodes one WebP chunk (lossless ones exactly). */
  static byte[] webp(TiffDirectory dir, String chunk, byte[] compressed, int rows)
      throws IOException {
    Raster raster = read(Readers.webpReader(), compressed, chunk, false);
    int spp = dir.samplesPerPixel;
    if (raster.getNumBands() < spp) {
      throw new CorruptChunk(
          "WebP " + chunk + " has " + raster.getNumBands() + " channels, the TIFF says " + spp,
          null);
    }
    return samples(raster, dir.chunkWidth, dir.width, chunk, rows, spp);
  }

  private static Raster read(ImageReader reader, byte[] bytes, String chunk, boolean raster)
      throws IOException {
    List<String> warnings = new ArrayList<>();
    try (MemoryCacheImageInputStream in =
        new MemoryCacheImageInputStream(new ByteArrayInputStream(bytes))) {
      reader.setInput(in, true, true);
      reader.addIIOReadWarningListener(
          new IIOReadWarningListener() {
            @Override
            public void warningOccurred(ImageReader source, String warning) {
              warnings.add(warning);
            }
          });
      Raster out;
      if (raster) {
        out = reader.readRaster(0, null);
      } else {
        BufferedImage image = reader.read(0);
        out = image.getRaster();
      }
      if (!warnings.isEmpty()) {
        throw new CorruptChunk("corrupt data in " + chunk + ": " + warnings.get(0), null);
      }
      return out;
    } catch (IIOException | RuntimeException e) {
      throw new CorruptChunk(
          "corrupt "
              + (raster ? "JPEG" : "WebP")
              + " data in "
              + chunk
              + ": "
              + Failures.chainMessages(e),
          e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * The raster's first {@code spp} bands as chunky bytes of a chunk's rows, {@code width} (the
   * chunk's width) pixels each, of which the raster must cover those inside the image's {@code
   * imageWidth}.
   */
  static byte[] samples(Raster raster, int width, int imageWidth, String chunk, int rows, int spp)
      throws CorruptChunk {
    if (raster.getWidth() < Math.min(width, imageWidth) || raster.getHeight() < rows) {
      throw new CorruptChunk(
          chunk
              + " decodes to "
              + raster.getWidth()
              + "x"
              + raster.getHeight()
              + " pixels, the TIFF needs "
              + Math.min(width, imageWidth)
              + "x"
              + rows,
          null);
    }
    int columns = Math.min(width, raster.getWidth());
    byte[] out = new byte[rows * width * spp];
    if (copyInterleaved(raster, out, rows, width, columns, spp)) {
      return out;
    }
    int[] band = new int[columns];
    int x0 = raster.getMinX();
    int y0 = raster.getMinY();
    for (int r = 0; r < rows; r++) {
      for (int s = 0; s < spp; s++) {
        raster.getSamples(x0, y0 + r, columns, 1, s, band);
        for (int c = 0, at = r * width * spp + s; c < columns; c++, at += spp) {
          out[at] = (byte) band[c];
        }
      }
    }
    return out;
  }

  /**
   * Copies the raster's rows straight from its byte array when it holds bytes pixel-interleaved in
   * band order, {@code spp} per pixel (the JDK's JPEG reader's rasters): a row copy each instead of
   * a {@code getSamples} call per row and band and a byte per sample.
   *
   * @return false (nothing copied) for any other layout
   */
  private static boolean copyInterleaved(
      Raster raster, byte[] out, int rows, int width, int columns, int spp) {
    if (!(raster.getSampleModel() instanceof PixelInterleavedSampleModel model)
        || !(raster.getDataBuffer() instanceof DataBufferByte buffer)
        || buffer.getNumBanks() != 1
        || model.getPixelStride() != spp) {
      return false;
    }
    int[] offsets = model.getBandOffsets();
    for (int s = 0; s < spp; s++) {
      if (offsets[s] != s) {
        return false;
      }
    }
    byte[] data = buffer.getData();
    int stride = model.getScanlineStride();
    int start =
        buffer.getOffset()
            + (raster.getMinY() - raster.getSampleModelTranslateY()) * stride
            + (raster.getMinX() - raster.getSampleModelTranslateX()) * spp;
    for (int r = 0; r < rows; r++) {
      System.arraycopy(data, start + r * stride, out, r * width * spp, columns * spp);
    }
    return true;
  }

  /**
   * JFIF's YCbCr → RGB (ITU-R BT.601 full range), rounded and clamped as libjpeg's integer tables
   * round: R = Y + 1.402 (Cr − 128), G = Y − 0.344136 (Cb − 128) − 0.714136 (Cr − 128), B = Y +
   * 1.772 (Cb − 128), each offset being {@code Math.round} of the float expression {@code 1.40200f
   * * cr}, {@code -0.34414f * cb - 0.71414f * cr} and {@code 1.77200f * cb}.
   *
   * <p>Those offsets depend on Cr, on (Cb, Cr) and on Cb alone, so they are computed once into
   * tables ({@link #RED}, {@link #GREEN}, {@link #BLUE}) by exactly those expressions: the tables
   * give the same integers as computing them per pixel did (three float products, two sums and
   * three {@code Math.round} per pixel were a third of the slide benchmark's Java samples), and the
   * clamp to 0..255 is one more table. YCbCrTest checks all 2^24 inputs against the per-pixel
   * formula.
   */
  static void yCbCrToRgb(byte[] pixels) {
    short[] red = RED;
    short[] green = GREEN;
    short[] blue = BLUE;
    byte[] clamp = CLAMP;
    for (int i = 0; i + 2 < pixels.length; i += 3) {
      int y = (pixels[i] & 0xff) + CLAMP_OFFSET;
      int cb = pixels[i + 1] & 0xff;
      int cr = pixels[i + 2] & 0xff;
      pixels[i] = clamp[y + red[cr]];
      pixels[i + 1] = clamp[y + green[cb << 8 | cr]];
      pixels[i + 2] = clamp[y + blue[cb]];
    }
  }

  /** Red's offset by stored Cr (0..255): {@code Math.round(1.40200f * (cr - 128))}. */
  private static final short[] RED = new short[256];

  /** Blue's offset by stored Cb: {@code Math.round(1.77200f * (cb - 128))}. */
  private static final short[] BLUE = new short[256];

  /**
   * Green's offset by stored {@code cb << 8 | cr}: {@code Math.round(-0.34414f * (cb - 128) -
   * 0.71414f * (cr - 128))}, one float expression of both (its rounding does not split into a Cb
   * and a Cr part), so a 64 K-entry table (128 KB, in L2).
   */
  private static final short[] GREEN = new short[1 << 16];

  /**
   * Offsets range over −227..226 (1.772 · ±128); Y + offset + this index {@link #CLAMP}, whose
   * entries are the sums clamped to 0..255.
   */
  private static final int CLAMP_OFFSET = 256;

  private static final byte[] CLAMP = new byte[256 + 2 * CLAMP_OFFSET];

  static {
    for (int v = 0; v < 256; v++) {
      int c = v - 128;
      RED[v] = (short) Math.round(1.40200f * c);
      BLUE[v] = (short) Math.round(1.77200f * c);
    }
    for (int cb = -128; cb < 128; cb++) {
      for (int cr = -128; cr < 128; cr++) {
        GREEN[(cb + 128) << 8 | (cr + 128)] = (short) Math.round(-0.34414f * cb - 0.71414f * cr);
      }
    }
    for (int i = 0; i < CLAMP.length; i++) {
      CLAMP[i] = (byte) Math.max(0, Math.min(255, i - CLAMP_OFFSET));
    }
  }

  /** True when the stream defines a quantisation table (DQT) before its first scan. */
  private static boolean hasQuantisationTables(byte[] s) {
    int i = 2;
    while (i + 3 < s.length) {
      if ((s[i] & 0xff) != 0xff) {
        i++;
        continue;
      }
      int marker = s[i + 1] & 0xff;
      if (marker == 0xff) {
        i++;
        continue;
      }
      if (marker == 0xdb) {
        return true;
      }
      if (marker == 0xda || marker == 0xd9) {
        return false;
      }
      if (marker == 0xd8 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        i += 2;
        continue;
      }
      int length = ((s[i + 2] & 0xff) << 8) | (s[i + 3] & 0xff);
      i += 2 + length;
    }
    return false;
  }
}
