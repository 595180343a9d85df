package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * What {@link ImageProbe} learns from an image's header, without decoding pixels: enough for the
 * driver to plan tiles, check channel counts against a filter bank and weigh work.
 *
 * @param path the file's URI as listed
 * @param format the format chosen from the file's first bytes
 * @param width columns, at least 1
 * @param height rows, at least 1
 * @param channels the channel count after design.md §2 conversion with {@code --channels keep}
 * @param bitDepth bits per channel value as decoded: 1 (binary), 2, 4, 8 or 16 for integer images
 *     (8 for expanded palettes), 16/32/64 for floating point
 * @param layout what the channels mean
 * @param sampleFormat how values are stored, which decides the {@code unit} scale
 * @param tileWidth columns of the smallest block the decoder can read alone; {@code width} when
 *     only whole rows (or the whole image) can be read
 * @param tileHeight rows of that block; {@code height} when only the whole image can be decoded
 * @param fileSize the file's length in bytes
 * @param streamable true when the whole image can be decoded top to bottom in one pass holding only
 *     a band of rows, as {@code ScratchRasters} streams it: a non-interlaced PNG or a baseline JPEG
 *     through the JDK's decoders, a strip TIFF through haloconv's reader. False for images every
 *     decode of which holds them whole: interlaced PNG, progressive (or CMYK, or lossless) JPEG,
 *     BMP, GIF, WebP, TIFFs only ImageIO reads
 * @param level the pyramid level these facts describe (0 = full resolution; {@code --level})
 * @param directory for TIFFs, the file offset of the directory (page or SubIFD) holding that level,
 *     or 0 for the first one; 0 for other formats
 * @param georeference where the pixels lie (GeoTIFF) and how large they are (slides), or null when
 *     the file says neither
 */
public record ImageInfo(
    String path,
    ImageFormat format,
    int width,
    int height,
    int channels,
    int bitDepth,
    PixelLayout layout,
    SampleFormat sampleFormat,
    int tileWidth,
    int tileHeight,
    long fileSize,
    boolean streamable,
    int level,
    long directory,
    Georeference georeference)
    implements Serializable {
  /** An image's first (or only) level, without georeference. */
  public ImageInfo(
      String path,
      ImageFormat format,
      int width,
      int height,
      int channels,
      int bitDepth,
      PixelLayout layout,
      SampleFormat sampleFormat,
      int tileWidth,
      int tileHeight,
      long fileSize) {
    this(
        path,
        format,
        width,
        height,
        channels,
        bitDepth,
        layout,
        sampleFormat,
        tileWidth,
        tileHeight,
        fileSize,
        false,
        0,
        0,
        null);
  }

  /** An image's first (or only) level, without georeference, streamable or not. */
  public ImageInfo(
      String path,
      ImageFormat format,
      int width,
      int height,
      int channels,
      int bitDepth,
      PixelLayout layout,
      SampleFormat sampleFormat,
      int tileWidth,
      int tileHeight,
      long fileSize,
      boolean streamable) {
    this(
        path,
        format,
        width,
        height,
        channels,
        bitDepth,
        layout,
        sampleFormat,
        tileWidth,
        tileHeight,
        fileSize,
        streamable,
        0,
        0,
        null);
  }

  public ImageInfo {
    requireNonNull(path, "path is null");
    requireNonNull(format, "format is null");
    requireNonNull(layout, "layout is null");
    requireNonNull(sampleFormat, "sampleFormat is null");
    if (path.isEmpty()) {
      throw new IllegalArgumentException("path must not be empty");
    }
    if (width < 1 || height < 1) {
      throw new IllegalArgumentException(
          "width and height must be >= 1, got " + width + "x" + height + ": " + path);
    }
    if (channels < 1) {
      throw new IllegalArgumentException("channels must be >= 1, got " + channels + ": " + path);
    }
    if (layout.impliedChannels() != 0 && channels != layout.impliedChannels()) {
      throw new IllegalArgumentException(
          "layout "
              + layout
              + " has "
              + layout.impliedChannels()
              + " channel(s), got "
              + channels
              + ": "
              + path);
    }
    if (bitDepth < 1 || bitDepth > 64) {
      throw new IllegalArgumentException("bitDepth must be 1 to 64, got " + bitDepth + ": " + path);
    }
    if ((layout == PixelLayout.BINARY) != (bitDepth == 1 && channels == 1)) {
      throw new IllegalArgumentException(
          "a 1-bit single-channel image must have layout BINARY and no other, got "
              + layout
              + " with "
              + channels
              + " channel(s) of "
              + bitDepth
              + " bits: "
              + path);
    }
    if (sampleFormat == SampleFormat.FLOAT && bitDepth != 16 && bitDepth != 32 && bitDepth != 64) {
      throw new IllegalArgumentException(
          "floating-point samples must have 16, 32 or 64 bits, got " + bitDepth + ": " + path);
    }
    if (tileWidth < 1 || tileWidth > width || tileHeight < 1 || tileHeight > height) {
      throw new IllegalArgumentException(
          "tile size must be 1x1 to "
              + width
              + "x"
              + height
              + ", got "
              + tileWidth
              + "x"
              + tileHeight
              + ": "
              + path);
    }
    if (fileSize < 0) {
      throw new IllegalArgumentException("fileSize must be >= 0, got " + fileSize + ": " + path);
    }
    if (level < 0 || directory < 0 || (level > 0 && directory == 0)) {
      throw new IllegalArgumentException(
          "level must be >= 0 and a level above 0 needs its TIFF directory, got level "
              + level
              + " at "
              + directory
              + ": "
              + path);
    }
  }

  /** The same image with {@code georeference}. */
  public ImageInfo withGeoreference(Georeference georeference) {
    return new ImageInfo(
        path,
        format,
        width,
        height,
        channels,
        bitDepth,
        layout,
        sampleFormat,
        tileWidth,
        tileHeight,
        fileSize,
        streamable,
        level,
        directory,
        georeference);
  }

  /** width · height. */
  public long pixels() {
    return (long) width * height;
  }

  /**
   * True when a window can be read without decoding the whole image: tiled or multi-strip TIFFs,
   * .npy arrays. Other formats are decoded whole, once per {@link ImageSource}.
   */
  public boolean supportsRegionReads() {
    return tileWidth < width || tileHeight < height;
  }

  /**
   * The largest raw sample value, which {@code --normalize unit} divides by: 2^bits − 1 for
   * unsigned integers (1 for binary), 2^(bits−1) − 1 for signed ones, 1 for floating point.
   */
  public double unitScale() {
    return switch (sampleFormat) {
      case UNSIGNED_INTEGER -> Math.pow(2, bitDepth) - 1;
      case SIGNED_INTEGER -> Math.pow(2, bitDepth - 1) - 1;
      case FLOAT -> 1;
    };
  }
}
