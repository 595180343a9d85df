package io.haloconv.io;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.tensor.Tensor3;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.time.Duration;
import java.util.concurrent.Callable;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Decodes through ImageIO. Images that support region reads (tiled or multi-strip TIFF) are read
 * window by window with {@link ImageReadParam#setSourceRegion}, so only the tiles a window touches
 * are read from the file. Others are decoded once, on the first read, and their raster kept for the
 * following windows; the file is closed after that decode.
 */
public final class ImageIoDecoder implements RegionDecoder {
  /** The most pixels a whole-image decode can return: one Java array's worth. */
  static final long MAX_WHOLE_PIXELS = Integer.MAX_VALUE - 8;

  private final FileSystem fs;
  private final ImageInfo info;
  private final Duration timeout;
  private final Failures.Warnings warnings = new Failures.Warnings();
  private FSDataInputStream in;
  private HadoopImageInputStream stream;
  private FileHead head;
  private ImageReader reader;

  /** The whole decoded image, for formats decoded once. */
  private Raster cached;

  private PixelConverter converter;
  private ColorModel converterModel;

  /** Set once a decode failed or timed out: the reader's state is unknown, refuse to go on. */
  private ImageReadException failure;

  public ImageIoDecoder(FileSystem fs, ImageInfo info, Duration timeout) {
    this.fs = fs;
    this.info = info;
    this.timeout = timeout;
  }

  @Override
  public Tensor3 read(int y0, int x0, int height, int width) throws ImageReadException {
    if (failure != null) {
      throw failure;
    }
    if (!info.supportsRegionReads()) {
      if (cached == null) {
        if ((long) info.width() * info.height() > MAX_WHOLE_PIXELS) {
          // A Java raster holds at most 2^31 samples: say so rather than let the reader fail.
          throw fail(
              new ImageReadException(
                  Stage.DECODE,
                  ErrorKind.TOO_LARGE,
                  "a "
                      + info.width()
                      + "x"
                      + info.height()
                      + " "
                      + info.format().displayName()
                      + " is too large to decode whole (at most "
                      + MAX_WHOLE_PIXELS
                      + " pixels); only"
                      + " tiled or striped TIFFs and .npy arrays are read by region"));
        }
        BufferedImage image = decode(null);
        converterFor(image);
        cached = image.getRaster();
        closeReader(); // the pixels are all here now
      }
      return converter.extract(cached, cached.getMinX() + x0, cached.getMinY() + y0, width, height);
    }
    BufferedImage image = decode(new Rectangle(x0, y0, width, height));
    if (image.getWidth() != width || image.getHeight() != height) {
      throw fail(
          new ImageReadException(
              Stage.DECODE,
              ErrorKind.CORRUPT,
              "the "
                  + info.format().displayName()
                  + " reader returned "
                  + image.getWidth()
                  + "x"
                  + image.getHeight()
                  + " pixels for a "
                  + width
                  + "x"
                  + height
                  + " region"));
    }
    Raster raster = image.getRaster();
    return converterFor(image).extract(raster, raster.getMinX(), raster.getMinY(), width, height);
  }

  /** Decodes the whole image (region null) or a region, within the time bound. */
  private BufferedImage decode(Rectangle region) throws ImageReadException {
    if (reader == null) {
      openReader();
    }
    ImageReader current = reader;
    Callable<BufferedImage> work =
        () -> {
          ImageReadParam param = current.getDefaultReadParam();
          if (region != null) {
            param.setSourceRegion(region);
          }
          return current.read(0, param);
        };
    BufferedImage image;
    try {
      image = Deadline.call(timeout, work, current::abort);
    } catch (Exception | OutOfMemoryError e) {
      throw fail(Failures.translate(Stage.DECODE, info.format(), e, warnings.messages()));
    }
    String fatal = warnings.fatal();
    if (fatal != null) {
      throw fail(
          new ImageReadException(
              Stage.DECODE,
              ErrorKind.TRUNCATED,
              "truncated " + info.format().displayName() + ": " + fatal));
    }
    if (image == null) {
      throw fail(
          new ImageReadException(
              Stage.DECODE,
              ErrorKind.CORRUPT,
              "the " + info.format().displayName() + " reader returned no image"));
    }
    return image;
  }

  private void openReader() throws ImageReadException {
    Path path = new Path(info.path());
    in = ImageProbe.open(fs, path, Stage.DECODE);
    try {
      head =
          FileHead.identify(ImageProbe.readHead(in, info.fileSize(), Stage.DECODE), path.getName());
      stream = new HadoopImageInputStream(in, info.fileSize(), !info.supportsRegionReads());
      reader = Readers.open(head, stream);
      reader.addIIOReadWarningListener(warnings);
    } catch (ImageReadException e) {
      close();
      throw fail(e.at(Stage.DECODE));
    } catch (Exception e) {
      close();
      throw fail(Failures.translate(Stage.DECODE, info.format(), e, warnings.messages()));
    }
  }

  /**
   * The converter for a decoded image, checked against what the probe promised: the planner sized
   * everything by the probe, so a decode that disagrees is a bad record, not a silent change.
   */
  private PixelConverter converterFor(BufferedImage image) throws ImageReadException {
    if (converter != null && image.getColorModel() == converterModel) {
      return converter;
    }
    PixelConverter candidate;
    try {
      candidate =
          PixelConverter.of(image.getColorModel(), image.getSampleModel(), head.declaresPalette());
    } catch (IllegalArgumentException e) {
      throw fail(
          new ImageReadException(
              Stage.DECODE,
              ErrorKind.UNSUPPORTED,
              "unsupported " + info.format().displayName() + " pixel layout: " + e.getMessage(),
              e));
    }
    if (candidate.channels() != info.channels()
        || candidate.bitDepth() != info.bitDepth()
        || candidate.sampleFormat() != info.sampleFormat()) {
      throw fail(
          new ImageReadException(
              Stage.DECODE,
              ErrorKind.CORRUPT,
              "decoded "
                  + info.format().displayName()
                  + " has "
                  + candidate.channels()
                  + " channel(s) of "
                  + candidate.bitDepth()
                  + " bits, its header promised "
                  + info.channels()
                  + " of "
                  + info.bitDepth()));
    }
    converter = candidate;
    converterModel = image.getColorModel();
    return candidate;
  }

  private ImageReadException fail(ImageReadException e) {
    failure = e;
    return e;
  }

  private void closeReader() {
    if (reader != null) {
      reader.dispose();
      reader = null;
    }
    if (stream != null) {
      ImageProbe.closeQuietly(stream); // closes the Hadoop stream too
      stream = null;
      in = null;
    } else if (in != null) {
      ImageProbe.closeQuietly(in);
      in = null;
    }
  }

  @Override
  public void close() {
    closeReader();
    cached = null;
  }
}
