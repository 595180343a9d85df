package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorConvertOp;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferUShort;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.util.Arrays;

/**
 * Turns a decoded raster into planar channels by the design.md §2 rules, keeping raw sample values
 * (no scaling). Built once per decoded image type from its ColorModel and SampleModel, then applied
 * to any region.
 *
 * <p>Band meaning comes from the ColorModel, never from buffer order: a TYPE_3BYTE_BGR raster
 * stores blue first, but its band 0 (through the SampleModel's band offsets) is red, as the sRGB
 * colour space's component 0 is; likewise a packed TYPE_INT_ARGB raster's bands are R, G, B, A by
 * mask. Rules:
 *
 * <ul>
 *   <li>IndexColorModel: a 1-bit black/white palette is BINARY (1 = white); an opaque gray ramp of
 *       2^bits entries in a file that does not declare a palette (1/2/4-bit gray PNG, TIFF) is GRAY
 *       of that bit depth (descending ramps, i.e. WhiteIsZero, inverted); any other palette expands
 *       to 8-bit RGB, or RGBA when it has transparency.
 *   <li>Gray or RGB colour spaces: their bands, alpha last (GRAY, GRAY_ALPHA, RGB, RGBA; 1-bit gray
 *       is BINARY). Packed models with unequal component sizes (RGB 565) are scaled to 8 bits.
 *   <li>Other colour spaces (CMYK, YCbCr, Lab TIFF): converted to 8-bit sRGB by the JDK's colour
 *       management.
 *   <li>No colour model, or bands that do not match it: MULTIBAND, bands as they are.
 * </ul>
 */
public final class PixelConverter {
  private enum Kind {
    INDEXED,
    BANDS,
    COLOR_CONVERT
  }

  private final Kind kind;
  private final PixelLayout layout;
  private final int channels;
  private final int bitDepth;
  private final SampleFormat sampleFormat;

  /** INDEXED: value of each channel by palette index. BANDS: per band rescale table, or null. */
  private final float[][] tables;

  /** COLOR_CONVERT: the source model to wrap rasters in for ColorConvertOp. */
  private final ColorModel colorModel;

  private PixelConverter(
      Kind kind,
      PixelLayout layout,
      int channels,
      int bitDepth,
      SampleFormat sampleFormat,
      float[][] tables,
      ColorModel colorModel) {
    this.kind = kind;
    this.layout = layout;
    this.channels = channels;
    this.bitDepth = bitDepth;
    this.sampleFormat = sampleFormat;
    this.tables = tables;
    this.colorModel = colorModel;
  }

  PixelLayout layout() {
    return layout;
  }

  int channels() {
    return channels;
  }

  int bitDepth() {
    return bitDepth;
  }

  SampleFormat sampleFormat() {
    return sampleFormat;
  }

  /**
   * For an indexed colour model, each channel's value by sample value (covering every value the
   * sample size can hold), for decoders that read the samples themselves ({@link PngSamples}).
   *
   * @throws IllegalStateException for other colour models
   */
  float[][] lookupTables() {
    if (kind != Kind.INDEXED) {
      throw new IllegalStateException("not an indexed colour model: " + kind);
    }
    return tables;
  }

  /**
   * Classifies a decoded image type.
   *
   * @param declaredPalette whether the file calls its pixels palette indices (see {@link
   *     FileHead#declaresPalette()})
   * @throws IllegalArgumentException for sample types no rule covers
   */
  static PixelConverter of(ColorModel cm, SampleModel sm, boolean declaredPalette) {
    int bands = sm.getNumBands();
    if (cm instanceof IndexColorModel icm) {
      return indexed(icm, sm, declaredPalette);
    }
    int dataType = sm.getDataType();
    SampleFormat format =
        switch (dataType) {
          case DataBuffer.TYPE_BYTE, DataBuffer.TYPE_USHORT, DataBuffer.TYPE_INT ->
              SampleFormat.UNSIGNED_INTEGER;
          case DataBuffer.TYPE_SHORT -> SampleFormat.SIGNED_INTEGER;
          case DataBuffer.TYPE_FLOAT, DataBuffer.TYPE_DOUBLE -> SampleFormat.FLOAT;
          default -> throw new IllegalArgumentException("unsupported raster data type " + dataType);
        };
    int[] bits = new int[bands];
    boolean even = true;
    for (int b = 0; b < bands; b++) {
      bits[b] =
          cm != null && cm.getNumComponents() == bands
              ? cm.getComponentSize(b)
              : sm.getSampleSize(b);
      even &= bits[b] == bits[0];
    }
    if (format == SampleFormat.FLOAT) {
      Arrays.fill(bits, DataBuffer.getDataTypeSize(dataType));
    }
    if (cm == null || cm.getNumComponents() != bands) {
      int depth = maximum(bits);
      PixelLayout layout =
          bands == 1 ? (depth == 1 ? PixelLayout.BINARY : PixelLayout.GRAY) : PixelLayout.MULTIBAND;
      return new PixelConverter(Kind.BANDS, layout, bands, depth, format, null, null);
    }
    ColorSpace space = cm.getColorSpace();
    boolean alpha = cm.hasAlpha();
    int colours = space.getNumComponents();
    boolean gray = space.getType() == ColorSpace.TYPE_GRAY && colours == 1;
    boolean rgb = space.getType() == ColorSpace.TYPE_RGB && colours == 3;
    if (gray || rgb) {
      float[][] tables = null;
      int depth = bits[0];
      if (!even && format == SampleFormat.UNSIGNED_INTEGER) {
        // Packed RGB 565 and the like: bring every component to 8 bits.
        tables = new float[bands][];
        for (int b = 0; b < bands; b++) {
          tables[b] = rescaleTable(bits[b], 8);
        }
        depth = 8;
      }
      PixelLayout layout =
          gray
              ? (alpha
                  ? PixelLayout.GRAY_ALPHA
                  : depth == 1 ? PixelLayout.BINARY : PixelLayout.GRAY)
              : (alpha ? PixelLayout.RGBA : PixelLayout.RGB);
      return new PixelConverter(Kind.BANDS, layout, bands, depth, format, tables, null);
    }
    if (convertible(space.getType())) {
      return new PixelConverter(
          Kind.COLOR_CONVERT,
          alpha ? PixelLayout.RGBA : PixelLayout.RGB,
          alpha ? 4 : 3,
          8,
          SampleFormat.UNSIGNED_INTEGER,
          null,
          cm);
    }
    return new PixelConverter(
        Kind.BANDS, PixelLayout.MULTIBAND, bands, maximum(bits), format, null, null);
  }

  private static PixelConverter indexed(
      IndexColorModel icm, SampleModel sm, boolean declaredPalette) {
    int bits = sm.getSampleSize(0);
    int size = icm.getMapSize();
    // Indices may exceed the palette (a 4-bit image with a 10-colour palette): table them as 0.
    int entries = Math.max(size, bits <= 16 ? 1 << bits : size);
    int[] red = new int[size];
    int[] green = new int[size];
    int[] blue = new int[size];
    int[] alphas = new int[size];
    for (int i = 0; i < size; i++) {
      red[i] = icm.getRed(i);
      green[i] = icm.getGreen(i);
      blue[i] = icm.getBlue(i);
      alphas[i] = icm.getAlpha(i);
    }
    boolean opaque = icm.getTransparency() == Transparency.OPAQUE;
    int ramp = opaque && bits < 16 && size == 1 << bits ? grayRamp(red, green, blue, bits) : 0;
    if (bits == 1 && ramp != 0) {
      float[] table = new float[entries];
      table[0] = ramp > 0 ? 0 : 1;
      table[1] = ramp > 0 ? 1 : 0;
      return new PixelConverter(
          Kind.INDEXED,
          PixelLayout.BINARY,
          1,
          1,
          SampleFormat.UNSIGNED_INTEGER,
          new float[][] {table},
          null);
    }
    if (ramp != 0 && !declaredPalette) {
      float[] table = new float[entries];
      int top = (1 << bits) - 1;
      for (int i = 0; i < size; i++) {
        table[i] = ramp > 0 ? i : top - i;
      }
      return new PixelConverter(
          Kind.INDEXED,
          PixelLayout.GRAY,
          1,
          bits,
          SampleFormat.UNSIGNED_INTEGER,
          new float[][] {table},
          null);
    }
    int channels = opaque ? 3 : 4;
    float[][] tables = new float[channels][entries];
    for (int i = 0; i < size; i++) {
      tables[0][i] = red[i];
      tables[1][i] = green[i];
      tables[2][i] = blue[i];
      if (channels == 4) {
        tables[3][i] = alphas[i];
      }
    }
    return new PixelConverter(
        Kind.INDEXED,
        opaque ? PixelLayout.RGB : PixelLayout.RGBA,
        channels,
        8,
        SampleFormat.UNSIGNED_INTEGER,
        tables,
        null);
  }

  /**
   * +1 when the palette is the gray ramp of its bit depth (entry i = i·255/(2^bits−1), rounded as
   * decoders build it), −1 when it is that ramp reversed, 0 otherwise.
   */
  private static int grayRamp(int[] red, int[] green, int[] blue, int bits) {
    int top = (1 << bits) - 1;
    boolean up = true;
    boolean down = true;
    for (int i = 0; i <= top; i++) {
      if (red[i] != green[i] || red[i] != blue[i]) {
        return 0;
      }
      int level = (int) Math.round(i * 255.0 / top);
      up &= Math.abs(red[i] - level) <= 1;
      down &= Math.abs(red[top - i] - level) <= 1;
    }
    return up ? 1 : down ? -1 : 0;
  }

  private static float[] rescaleTable(int fromBits, int toBits) {
    int from = (1 << fromBits) - 1;
    int to = (1 << toBits) - 1;
    float[] table = new float[from + 1];
    for (int v = 0; v <= from; v++) {
      table[v] = Math.round((double) v * to / from);
    }
    return table;
  }

  private static boolean convertible(int spaceType) {
    return switch (spaceType) {
      case ColorSpace.TYPE_CMYK,
          ColorSpace.TYPE_CMY,
          ColorSpace.TYPE_YCbCr,
          ColorSpace.TYPE_Lab,
          ColorSpace.TYPE_XYZ,
          ColorSpace.TYPE_Luv,
          ColorSpace.TYPE_Yxy,
          ColorSpace.TYPE_HSV,
          ColorSpace.TYPE_HLS ->
          true;
      default -> false;
    };
  }

  private static int maximum(int[] values) {
    int max = 1;
    for (int value : values) {
      max = Math.max(max, value);
    }
    return max;
  }

  /**
   * The raw channel values of the raster's pixels [x, x+width) × [y, y+height) (raster
   * coordinates), planar C×height×width.
   */
  Tensor3 extract(Raster raster, int x, int y, int width, int height) {
    Tensor3 out = Tensor3.zeros(channels, height, width);
    float[] dst = out.data();
    int plane = width * height;
    switch (kind) {
      case INDEXED -> {
        int[] row = new int[width];
        for (int r = 0; r < height; r++) {
          readRow(raster, 0, x, y + r, width, row);
          for (int c = 0; c < channels; c++) {
            float[] table = tables[c];
            int base = c * plane + r * width;
            for (int i = 0; i < width; i++) {
              dst[base + i] = table[row[i]];
            }
          }
        }
      }
      case BANDS -> extractBands(raster, x, y, width, height, dst);
      case COLOR_CONVERT -> {
        // Rare (CMYK/Lab TIFF): copy the region, let the colour management convert it to sRGB.
        WritableRaster region = colorModel.createCompatibleWritableRaster(width, height);
        region.setRect(-x, -y, raster);
        BufferedImage source =
            new BufferedImage(colorModel, region, colorModel.isAlphaPremultiplied(), null);
        BufferedImage rgb =
            new BufferedImage(
                width,
                height,
                channels == 4 ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        new ColorConvertOp(null).filter(source, rgb);
        PixelConverter.of(rgb.getColorModel(), rgb.getSampleModel(), false)
            .extractBands(rgb.getRaster(), 0, 0, width, height, dst);
      }
      default -> throw new AssertionError(kind);
    }
    return out;
  }

  private void extractBands(Raster raster, int x, int y, int width, int height, float[] dst) {
    int plane = width * height;
    int dataType = raster.getSampleModel().getDataType();
    if (dataType == DataBuffer.TYPE_FLOAT || dataType == DataBuffer.TYPE_DOUBLE) {
      float[] row = new float[width];
      for (int c = 0; c < channels; c++) {
        for (int r = 0; r < height; r++) {
          raster.getSamples(x, y + r, width, 1, c, row);
          System.arraycopy(row, 0, dst, c * plane + r * width, width);
        }
      }
      return;
    }
    int[] row = new int[width];
    for (int c = 0; c < channels; c++) {
      float[] table = tables == null ? null : tables[c];
      for (int r = 0; r < height; r++) {
        readRow(raster, c, x, y + r, width, row);
        int base = c * plane + r * width;
        if (table != null) {
          for (int i = 0; i < width; i++) {
            dst[base + i] = table[row[i]];
          }
        } else if (dataType == DataBuffer.TYPE_INT) {
          for (int i = 0; i < width; i++) {
            dst[base + i] = row[i] & 0xffffffffL; // 32-bit samples are unsigned
          }
        } else {
          for (int i = 0; i < width; i++) {
            dst[base + i] = row[i];
          }
        }
      }
    }
  }

  /**
   * One row of one band's samples. Byte and ushort component rasters (nearly every decoded image)
   * are read straight from the data array; others go through the SampleModel.
   */
  private static void readRow(Raster raster, int band, int x, int y, int width, int[] row) {
    SampleModel model = raster.getSampleModel();
    DataBuffer buffer = raster.getDataBuffer();
    if (model instanceof ComponentSampleModel csm
        && (buffer instanceof DataBufferByte || buffer instanceof DataBufferUShort)) {
      int bank = csm.getBankIndices()[band];
      int stride = csm.getPixelStride();
      // Raster coordinates → sample model coordinates, then the element offset of (x, y, band).
      int offset =
          buffer.getOffsets()[bank]
              + csm.getOffset(
                  x - raster.getSampleModelTranslateX(),
                  y - raster.getSampleModelTranslateY(),
                  band);
      if (buffer instanceof DataBufferByte bytes) {
        byte[] data = bytes.getData(bank);
        for (int i = 0; i < width; i++, offset += stride) {
          row[i] = data[offset] & 0xff;
        }
      } else {
        short[] data = ((DataBufferUShort) buffer).getData(bank);
        for (int i = 0; i < width; i++, offset += stride) {
          row[i] = data[offset] & 0xffff;
        }
      }
      return;
    }
    raster.getSamples(x, y, width, 1, band, row);
  }
}
