package io.haloconv.io;

import io.haloconv.io.ImageReadException.Stage;
import java.awt.Point;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.DataBufferUShort;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Streams a PNG or JPEG top to bottom through the JDK's own decoders, in one pass, holding only a
 * band of rows: the decoders write each decoded row into the destination image's raster, so the
 * destination given to them is a {@link CaptureRaster} that keeps no pixels and hands every
 * completed band to a {@link BandSink}. The JPEG reader copies whole rows ({@code setRect}); the
 * PNG reader, for a raster it does not know, sets pixels one by one (slower, still linear).
 *
 * <p>Only decoders that deliver each row once, in order, can be streamed: baseline JPEG and
 * non-interlaced PNG. A progressive JPEG (rows again after every scan) or an interlaced PNG (seven
 * passes) fails with {@link NotSequentialException}.
 */
public final class ImageIoRows {
  private ImageIoRows() {}

  /** The decoder delivered a row above rows it had already completed. */
  public static final class NotSequentialException extends IOException {
    private static final long serialVersionUID = 1L;

    NotSequentialException(String message) {
      super(message);
    }
  }

  /** True for formats whose JDK decoders this class can stream. */
  public static boolean streams(ImageFormat format) {
    return format == ImageFormat.PNG || format == ImageFormat.JPEG;
  }

  /**
   * Decodes {@code info}'s image once, handing {@code sink} consecutive bands of at most {@code
   * bandRows} rows.
   *
   * @throws ImageReadException (DECODE) when decoding fails, times out, disagrees with the probe,
   *     or the decoder does not deliver rows in order
   */
  public static void stream(
      FileSystem fs, ImageInfo info, Duration timeout, int bandRows, BandSink sink)
      throws ImageReadException {
    if (!streams(info.format())) {
      throw new IllegalArgumentException(info.format().displayName() + " is not streamed");
    }
    Failures.Warnings warnings = new Failures.Warnings();
    Path path = new Path(info.path());
    FSDataInputStream in = ImageProbe.open(fs, path, Stage.DECODE);
    HadoopImageInputStream stream = new HadoopImageInputStream(in, info.fileSize());
    ImageReader reader = null;
    try {
      FileHead head =
          FileHead.identify(ImageProbe.readHead(in, info.fileSize(), Stage.DECODE), path.getName());
      reader = Readers.open(head, stream);
      if (!reader.getClass().getName().startsWith("com.sun.imageio.plugins.")) {
        throw new ImageReadException(
            Stage.DECODE,
            "this "
                + info.format().displayName()
                + " needs a decoder that cannot stream rows ("
                + reader.getClass().getSimpleName()
                + ")");
      }
      reader.addIIOReadWarningListener(warnings);
      Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
      ImageTypeSpecifier type = types.next();
      ColorModel model = type.getColorModel();
      PixelConverter converter =
          PixelConverter.of(model, type.getSampleModel(1, 1), head.declaresPalette());
      if (converter.channels() != info.channels() || converter.bitDepth() != info.bitDepth()) {
        throw new ImageReadException(
            Stage.DECODE,
            "decoded "
                + info.format().displayName()
                + " has "
                + converter.channels()
                + " channel(s) of "
                + converter.bitDepth()
                + " bits, its header promised "
                + info.channels()
                + " of "
                + info.bitDepth());
      }
      CaptureRaster raster =
          new CaptureRaster(
              type.getSampleModel(info.width(), info.height()),
              type.getSampleModel(info.width(), bandRows),
              converter,
              sink);
      BufferedImage destination =
          new BufferedImage(model, raster, model.isAlphaPremultiplied(), null);
      ImageReader current = reader;
      Deadline.call(
          timeout,
          () -> {
            ImageReadParam param = current.getDefaultReadParam();
            param.setDestination(destination);
            current.read(0, param);
            return null;
          },
          current::abort);
      String fatal = warnings.fatal();
      if (fatal != null) {
        throw new ImageReadException(
            Stage.DECODE, "truncated " + info.format().displayName() + ": " + fatal);
      }
      raster.finish();
    } catch (ImageReadException e) {
      throw e;
    } catch (NotSequentialException e) {
      throw new ImageReadException(Stage.DECODE, e.getMessage(), e);
    } catch (UncheckedIOException e) {
      throw e.getCause() instanceof NotSequentialException ns
          ? new ImageReadException(Stage.DECODE, ns.getMessage(), ns)
          : Failures.translate(Stage.DECODE, info.format(), e.getCause(), warnings.messages());
    } catch (Exception | OutOfMemoryError e) {
      throw Failures.translate(Stage.DECODE, info.format(), e, warnings.messages());
    } finally {
      if (reader != null) {
        reader.dispose();
      }
      ImageProbe.closeQuietly(stream); // closes the Hadoop stream too
    }
  }

  /**
   * A raster of the image's full size that stores nothing: writes land in a band raster of {@code
   * bandRows} rows, and each completed band is converted and passed on.
   */
  private static final class CaptureRaster extends WritableRaster {
    private final WritableRaster band;
    private final int bandRows;
    private final PixelConverter converter;
    private final BandSink sink;
    private int bandStart;

    /** Highest row written so far, -1 before any. */
    private int lastRow = -1;

    CaptureRaster(
        SampleModel full, SampleModel bandModel, PixelConverter converter, BandSink sink) {
      super(full, tinyBuffer(full.getDataType()), new Point(0, 0));
      this.band = Raster.createWritableRaster(bandModel, null);
      this.bandRows = bandModel.getHeight();
      this.converter = converter;
      this.sink = sink;
    }

    private static DataBuffer tinyBuffer(int dataType) {
      return switch (dataType) {
        case DataBuffer.TYPE_BYTE -> new DataBufferByte(1);
        case DataBuffer.TYPE_USHORT -> new DataBufferUShort(1);
        case DataBuffer.TYPE_INT -> new DataBufferInt(1);
        default -> throw new IllegalArgumentException("cannot stream rasters of type " + dataType);
      };
    }

    /** Makes row {@code y} writable in the band, emitting bands it has moved past. */
    private int rowInBand(int y) {
      if (y < bandStart) {
        throw new UncheckedIOException(
            new NotSequentialException(
                "the decoder wrote row "
                    + y
                    + " after rows up to "
                    + lastRow
                    + " (a progressive or interlaced image cannot be streamed)"));
      }
      while (y >= bandStart + bandRows) {
        emit(bandRows);
      }
      lastRow = Math.max(lastRow, y);
      return y - bandStart;
    }

    private void emit(int rows) {
      try {
        sink.accept(converter.extract(band, 0, 0, width, rows));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      bandStart += rows;
    }

    /** Emits the last band and checks that every row arrived. */
    void finish() throws IOException {
      if (lastRow != height - 1) {
        throw new IOException("the decoder delivered rows up to " + lastRow + " of " + height);
      }
      if (bandStart < height) {
        emit(height - bandStart);
      }
    }

    @Override
    public void setRect(int dx, int dy, Raster source) {
      Rectangle area =
          new Rectangle(
                  dx + source.getMinX(),
                  dy + source.getMinY(),
                  source.getWidth(),
                  source.getHeight())
              .intersection(getBounds());
      for (int y = area.y; y < area.y + area.height; y++) {
        int row = rowInBand(y);
        Raster line = source.createChild(area.x - dx, y - dy, area.width, 1, 0, 0, null);
        band.setRect(area.x, row, line);
      }
    }

    @Override
    public void setRect(Raster source) {
      setRect(0, 0, source);
    }

    @Override
    public void setPixel(int x, int y, int[] pixel) {
      band.setPixel(x, rowInBand(y), pixel);
    }

    @Override
    public void setPixel(int x, int y, float[] pixel) {
      band.setPixel(x, rowInBand(y), pixel);
    }

    @Override
    public void setPixel(int x, int y, double[] pixel) {
      band.setPixel(x, rowInBand(y), pixel);
    }

    @Override
    public void setPixels(int x, int y, int w, int h, int[] pixels) {
      int bands = getNumBands();
      for (int r = 0; r < h; r++) {
        int[] row = Arrays.copyOfRange(pixels, r * w * bands, (r + 1) * w * bands);
        band.setPixels(x, rowInBand(y + r), w, 1, row);
      }
    }

    @Override
    public void setSample(int x, int y, int b, int s) {
      band.setSample(x, rowInBand(y), b, s);
    }

    @Override
    public void setDataElements(int x, int y, Object data) {
      band.setDataElements(x, rowInBand(y), data);
    }

    @Override
    public void setDataElements(int x, int y, Raster source) {
      setRect(x, y, source);
    }

    @Override
    public void setDataElements(int x, int y, int w, int h, Object data) {
      if (h != 1) {
        throw new UnsupportedOperationException("multi-row data elements cannot be streamed");
      }
      band.setDataElements(x, rowInBand(y), w, 1, data);
    }
  }
}
