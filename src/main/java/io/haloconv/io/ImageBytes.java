package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.tensor.Tensor3;
import java.time.Duration;

/**
 * Images that are already in memory rather than in a file: the encoded bytes of a Parquet cell (any
 * format {@link ImageProbe} knows, .npy included), or pixels another library has decoded, such as a
 * row of Spark's image data source. They go through the same probe, decoders, channel conversion
 * and normalisation as files (design.md §2), so a PNG gives the same floats whether it was read
 * from disk or from a byte array.
 *
 * <p>Probed bytes get the {@link ImageInfo#path()} {@code bytes:/image}: callers keep their own
 * identifier for the image.
 */
public final class ImageBytes {
  /** The path every {@link ImageInfo} of in-memory bytes carries. */
  public static final String PATH = BytesFileSystem.PATH.toString();

  private ImageBytes() {}

  /** Reads the header of an encoded image held in {@code bytes}, as {@link ImageProbe} does. */
  public static ImageInfo probe(byte[] bytes, long maxPixels) throws ImageReadException {
    requireNonNull(bytes, "bytes is null");
    return ImageProbe.probe(new BytesFileSystem(bytes), BytesFileSystem.PATH, maxPixels);
  }

  /**
   * Opens encoded bytes probed by {@link #probe} for reading windows.
   *
   * @throws ImageReadException (stage DECODE) as {@link ImageSource#open} does
   */
  public static ImageSource open(
      byte[] bytes,
      ImageInfo info,
      ChannelMode channelMode,
      Normalization normalization,
      Duration decodeTimeout)
      throws ImageReadException {
    requireNonNull(bytes, "bytes is null");
    if (!PATH.equals(info.path())) {
      throw new IllegalArgumentException(
          "info must come from ImageBytes.probe, got " + info.path());
    }
    return ImageSource.open(
        new BytesFileSystem(bytes), info, channelMode, normalization, decodeTimeout);
  }

  /** The order of colour samples in an interleaved pixel. */
  public enum ChannelOrder {
    /** Red, green, blue (then alpha): design.md §2's order. */
    RGB,
    /**
     * Blue, green, red (then alpha): OpenCV's order, which Spark's image data source uses for 3-
     * and 4-channel images.
     */
    BGR
  }

  /**
   * An image of 8-bit samples already decoded into row-major interleaved bytes, {@code channels}
   * per pixel: 1 gray, 2 gray+alpha, 3 colour, 4 colour+alpha, in {@code order}. The samples become
   * design.md §2's channels (R, G, B order) as an 8-bit image of that layout, then convert and
   * normalise as a file would.
   *
   * @param name what {@link ImageInfo#path()} says, e.g. the image's origin
   * @throws ImageReadException (stage DECODE) when the sizes do not match the data, or the
   *     conversion does not fit the image
   */
  public static ImageSource ofInterleaved(
      String name,
      byte[] data,
      int height,
      int width,
      int channels,
      ChannelOrder order,
      ChannelMode channelMode,
      Normalization normalization)
      throws ImageReadException {
    requireNonNull(data, "data is null");
    requireNonNull(order, "order is null");
    if (height < 1 || width < 1 || channels < 1 || channels > 4) {
      throw new ImageReadException(
          Stage.DECODE,
          "decoded image must have height and width >= 1"
              + " and 1 to 4 channels, got "
              + width
              + "x"
              + height
              + "x"
              + channels);
    }
    long expected = (long) height * width * channels;
    if (data.length != expected) {
      throw new ImageReadException(
          Stage.DECODE,
          "decoded image of "
              + width
              + "x"
              + height
              + "x"
              + channels
              + " needs "
              + expected
              + " bytes, got "
              + data.length);
    }
    PixelLayout layout =
        switch (channels) {
          case 1 -> PixelLayout.GRAY;
          case 2 -> PixelLayout.GRAY_ALPHA;
          case 3 -> PixelLayout.RGB;
          default -> PixelLayout.RGBA;
        };
    Tensor3 raw;
    try {
      raw = Tensor3.zeros(channels, height, width);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(Stage.DECODE, e.getMessage(), e);
    }
    float[] planes = raw.data();
    int plane = height * width;
    boolean swap = order == ChannelOrder.BGR && channels >= 3;
    for (int c = 0; c < channels; c++) {
      // In BGR(A) data, R is sample 2 and B sample 0; alpha stays last.
      int source = swap && c < 3 ? 2 - c : c;
      int offset = c * plane;
      for (int i = 0, s = source; i < plane; i++, s += channels) {
        planes[offset + i] = data[s] & 0xff;
      }
    }
    ImageInfo info =
        new ImageInfo(
            name,
            ImageFormat.PIXELS,
            width,
            height,
            channels,
            8,
            layout,
            SampleFormat.UNSIGNED_INTEGER,
            width,
            height,
            data.length);
    return ImageSource.ofRaw(info, raw, channelMode, normalization);
  }
}
