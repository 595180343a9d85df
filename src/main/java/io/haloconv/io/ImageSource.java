package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.io.tiff.ScratchRasters;
import io.haloconv.io.tiff.TiffDecoder;
import io.haloconv.tensor.Tensor3;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads windows of one probed image as C×h×w float32 tensors, converted by {@link ChannelMode} and
 * scaled by {@link Normalization} (design.md §2). One per task and image: not thread-safe, and
 * ImageIO readers are not either.
 *
 * <p>Tiled or striped TIFFs (classic and BigTIFF, through {@link TiffDecoder}) and .npy arrays read
 * only the bytes a window needs. Other formats are decoded whole on the first read and the decoded
 * raster kept, so further windows of the same image cost no decoding (memory: the decoded image).
 * Images too large for that are first streamed, once, into a scratch raster ({@link
 * ScratchRasters}) and opened with {@link #openScratch}. Each decode is bounded in time; after a
 * failure the source refuses further reads with the same error.
 */
public final class ImageSource implements Closeable {
  /** Generous: a 2^31-pixel PNG takes about a minute to decode; ten means a decoder is stuck. */
  public static final Duration DEFAULT_DECODE_TIMEOUT = Duration.ofMinutes(10);

  private final ImageInfo info;
  private final ChannelMode channelMode;
  private final Normalization normalization;
  private final ChannelPipeline pipeline;
  private final RegionDecoder decoder;

  private ImageSource(
      ImageInfo info,
      ChannelMode channelMode,
      Normalization normalization,
      ChannelPipeline pipeline,
      RegionDecoder decoder) {
    this.info = info;
    this.channelMode = channelMode;
    this.normalization = normalization;
    this.pipeline = pipeline;
    this.decoder = decoder;
  }

  /**
   * {@link #open(FileSystem, ImageInfo, ChannelMode, Normalization, Duration)} with {@link
   * #DEFAULT_DECODE_TIMEOUT}.
   */
  public static ImageSource open(
      FileSystem fs, ImageInfo info, ChannelMode channelMode, Normalization normalization)
      throws ImageReadException {
    return open(fs, info, channelMode, normalization, DEFAULT_DECODE_TIMEOUT);
  }

  /**
   * Opens a probed image for reading.
   *
   * @param decodeTimeout how long one decode (the whole image, or one region) may take
   * @throws ImageReadException (stage DECODE) when the channel mode or normalisation does not fit
   *     the image, or the file cannot be opened
   */
  public static ImageSource open(
      FileSystem fs,
      ImageInfo info,
      ChannelMode channelMode,
      Normalization normalization,
      Duration decodeTimeout)
      throws ImageReadException {
    requireNonNull(fs, "fs is null");
    requireNonNull(info, "info is null");
    requireNonNull(channelMode, "channelMode is null");
    requireNonNull(normalization, "normalization is null");
    requireNonNull(decodeTimeout, "decodeTimeout is null");
    if (info.format() == ImageFormat.PIXELS) {
      throw new IllegalArgumentException(
          "decoded pixels have no file to open; use ImageBytes.ofInterleaved: " + info.path());
    }
    Readers.initialise();
    ChannelPipeline pipeline;
    try {
      pipeline = new ChannelPipeline(info, channelMode, normalization);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(Stage.DECODE, ErrorKind.CHANNEL_MISMATCH, e.getMessage(), e);
    }
    RegionDecoder decoder = null;
    if (info.format() == ImageFormat.NPY) {
      decoder = new NpyDecoder(fs, info);
    } else if (info.format() == ImageFormat.TIFF) {
      decoder = TiffDecoder.open(fs, info);
    } else if (info.format() == ImageFormat.PNG && PngDecoder.ENABLED) {
      decoder = new PngDecoder(fs, info, decodeTimeout);
    }
    if (decoder == null) {
      decoder = new ImageIoDecoder(fs, info, decodeTimeout);
    }
    return new ImageSource(info, channelMode, normalization, pipeline, decoder);
  }

  /**
   * Opens a probed image whose pixels were first streamed into a scratch raster by {@link
   * ScratchRasters#write}: windows are read from the scratch file, converted and normalised as
   * {@code info}'s own pixels would be.
   *
   * @param scratch the scratch raster of {@code info}'s image
   */
  public static ImageSource openScratch(
      FileSystem fs,
      ImageInfo info,
      ChannelMode channelMode,
      Normalization normalization,
      Path scratch)
      throws ImageReadException {
    requireNonNull(fs, "fs is null");
    requireNonNull(info, "info is null");
    requireNonNull(scratch, "scratch is null");
    ChannelPipeline pipeline;
    try {
      pipeline = new ChannelPipeline(info, channelMode, normalization);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(Stage.DECODE, e.getMessage(), e);
    }
    long length;
    try {
      length = fs.getFileStatus(scratch).getLen();
    } catch (IOException e) {
      throw new ImageReadException(
          Stage.DECODE,
          "the scratch raster of this image is missing: " + Failures.chainMessages(e),
          e);
    }
    return new ImageSource(
        info, channelMode, normalization, pipeline, TiffDecoder.openScratch(fs, scratch, length));
  }

  /** A source over raw values already in memory (the {@link ImageBytes} entries). */
  static ImageSource ofRaw(
      ImageInfo info, Tensor3 raw, ChannelMode channelMode, Normalization normalization)
      throws ImageReadException {
    ChannelPipeline pipeline;
    try {
      pipeline = new ChannelPipeline(info, channelMode, normalization);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(Stage.DECODE, e.getMessage(), e);
    }
    return new ImageSource(info, channelMode, normalization, pipeline, new TensorDecoder(raw));
  }

  public ImageInfo info() {
    return info;
  }

  public ChannelMode channelMode() {
    return channelMode;
  }

  public Normalization normalization() {
    return normalization;
  }

  /** The channel count of every tensor {@link #read} returns. */
  public int channels() {
    return pipeline.outputChannels();
  }

  /**
   * Rows [y0, y0+height) and columns [x0, x0+width) of the image, converted and normalised.
   *
   * @throws IllegalArgumentException when the window is empty or leaves the image
   * @throws ImageReadException (stage DECODE) when decoding fails, times out or disagrees with the
   *     probe
   */
  public Tensor3 read(int y0, int x0, int height, int width) throws ImageReadException {
    checkWindow(y0, x0, height, width);
    Tensor3 raw = decoder.read(y0, x0, height, width);
    return pipeline.apply(raw);
  }

  private void checkWindow(int y0, int x0, int height, int width) {
    if (height < 1
        || width < 1
        || y0 < 0
        || x0 < 0
        || (long) y0 + height > info.height()
        || (long) x0 + width > info.width()) {
      throw new IllegalArgumentException(
          "window rows ["
              + y0
              + ", "
              + ((long) y0 + height)
              + ") x columns ["
              + x0
              + ", "
              + ((long) x0 + width)
              + ") is empty or outside the "
              + info.width()
              + "x"
              + info.height()
              + " image "
              + info.path());
    }
  }

  /**
   * A window read with its nodata mask: the values of {@link #read}, with every channel of the
   * masked pixels set to 0, and the mask (1 where masked, else 0, height × width).
   *
   * @param values the window, converted and normalised, masked pixels 0
   * @param mask 1 × height × width: 1 where the pixel is masked
   * @param masked the number of masked pixels
   */
  public record Masked(Tensor3 values, Tensor3 mask, int masked) {}

  /**
   * {@link #read}, then the pixels {@code nodata} masks (compared on the decoded samples, before
   * normalisation and channel conversion) set to 0 in every channel.
   *
   * @param nodata what to mask, or null for nothing
   */
  public Masked read(int y0, int x0, int height, int width, NodataMask nodata)
      throws ImageReadException {
    if (nodata == null) {
      return new Masked(read(y0, x0, height, width), null, 0);
    }
    checkWindow(y0, x0, height, width);
    Tensor3 raw = decoder.read(y0, x0, height, width);
    Tensor3 mask = Tensor3.zeros(1, height, width);
    int masked = nodata.mark(raw, mask.data());
    Tensor3 values = pipeline.apply(raw);
    if (masked > 0) {
      NodataMask.zero(values, mask.data());
    }
    return new Masked(values, mask, masked);
  }

  /** The whole image; {@code read(0, 0, height, width)}. */
  public Tensor3 readAll() throws ImageReadException {
    return read(0, 0, info.height(), info.width());
  }

  @Override
  public void close() {
    decoder.close();
  }
}
