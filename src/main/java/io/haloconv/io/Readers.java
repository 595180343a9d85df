package io.haloconv.io;

import com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.tiff.BigTIFFImageReaderSpi;
import com.twelvemonkeys.imageio.plugins.webp.WebPImageReaderSpi;
import java.io.EOFException;
import java.io.IOException;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.stream.ImageInputStream;

/**
 * Chooses the ImageIO reader for each format explicitly, by provider class, instead of trusting the
 * registry's order (which depends on which jars a class loader saw first, and differs between a
 * test JVM and a Spark executor that received TwelveMonkeys through {@code --jars}).
 *
 * <ul>
 *   <li>PNG, GIF, BMP, WBMP: the JDK's readers.
 *   <li>JPEG: the JDK's reader for ordinary gray/YCbCr JPEGs, which reference decodes match
 *       exactly; TwelveMonkeys' for 4-component (CMYK/YCCK) and lossless JPEGs, which it converts
 *       to RGB where the JDK's returns raw CMYK or fails.
 *   <li>TIFF: the JDK's reader, whose source-region reads touch only the tiles or strips needed
 *       (TwelveMonkeys 3.14's region reads of tiled TIFFs fail: its issue #746); TwelveMonkeys' for
 *       BigTIFF, which the JDK cannot read.
 *   <li>WebP: TwelveMonkeys'.
 * </ul>
 */
public final class Readers {
  private static final String JDK = "com.sun.imageio.plugins.";
  private static final String TWELVE_MONKEYS = "com.twelvemonkeys.imageio.plugins.";

  static {
    // Decoders must not spill to temp files: we hand them seekable streams.
    ImageIO.setUseCache(false);
    IIORegistry registry = IIORegistry.getDefaultInstance();
    registerIfAbsent(registry, new JPEGImageReaderSpi());
    registerIfAbsent(registry, new BigTIFFImageReaderSpi());
    registerIfAbsent(registry, new WebPImageReaderSpi());
  }

  private Readers() {}

  /** Makes sure the static set-up ran (ImageIO cache off, TwelveMonkeys registered). */
  public static void initialise() {}

  /**
   * A new reader for the file whose first bytes are {@code head}; the stream is positioned back at
   * 0 and set as the reader's input (metadata ignored: we need none, and skipping it is faster).
   */
  static ImageReader open(FileHead head, ImageInputStream stream) throws IOException {
    String provider =
        switch (head.format()) {
          case PNG -> JDK + "png.PNGImageReaderSpi";
          case GIF -> JDK + "gif.GIFImageReaderSpi";
          case BMP -> JDK + "bmp.BMPImageReaderSpi";
          case WBMP -> JDK + "wbmp.WBMPImageReaderSpi";
          case TIFF ->
              head.isBigTiff()
                  ? TWELVE_MONKEYS + "tiff.BigTIFFImageReaderSpi"
                  : JDK + "tiff.TIFFImageReaderSpi";
          case JPEG ->
              needsTwelveMonkeys(stream)
                  ? TWELVE_MONKEYS + "jpeg.JPEGImageReaderSpi"
                  : JDK + "jpeg.JPEGImageReaderSpi";
          case WEBP -> TWELVE_MONKEYS + "webp.WebPImageReaderSpi";
          case NPY, PIXELS ->
              throw new IllegalArgumentException(
                  head.format().displayName() + " are not read through ImageIO");
        };
    stream.seek(0);
    ImageReader reader = provider(provider).createReaderInstance();
    reader.setInput(stream, false, true);
    return reader;
  }

  /**
   * A new JDK JPEG reader, for the JPEG chunks of TIFFs: its {@code readRaster} returns the
   * components as stored (no colour conversion), so the TIFF's Photometric tag decides the colour.
   */
  public static ImageReader jdkJpegReader() throws IOException {
    return provider(JDK + "jpeg.JPEGImageReaderSpi").createReaderInstance();
  }

  /** A new TwelveMonkeys WebP reader, for the WebP tiles of TIFFs. */
  public static ImageReader webpReader() throws IOException {
    return provider(TWELVE_MONKEYS + "webp.WebPImageReaderSpi").createReaderInstance();
  }

  /**
   * Providers found so far, by class name: the registry's ordered iterator sorts every provider on
   * each call, and a job asks twice per file (probe and decode).
   */
  private static final ConcurrentHashMap<String, ImageReaderSpi> PROVIDERS =
      new ConcurrentHashMap<>();

  private static ImageReaderSpi provider(String className) throws IOException {
    ImageReaderSpi known = PROVIDERS.get(className);
    if (known != null) {
      return known;
    }
    ImageReaderSpi found = lookUp(className);
    PROVIDERS.putIfAbsent(className, found);
    return found;
  }

  private static ImageReaderSpi lookUp(String className) throws IOException {
    Iterator<ImageReaderSpi> providers =
        IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, true);
    while (providers.hasNext()) {
      ImageReaderSpi provider = providers.next();
      if (provider.getClass().getName().equals(className)) {
        return provider;
      }
    }
    throw new IOException("image reader " + className + " is not available in this JVM");
  }

  private static void registerIfAbsent(IIORegistry registry, ImageReaderSpi provider) {
    if (registry.getServiceProviderByClass(provider.getClass()) == null) {
      registry.registerServiceProvider(provider, ImageReaderSpi.class);
    }
  }

  /**
   * Reads JPEG marker segments up to the frame header: 4 components (CMYK or YCCK) or a lossless
   * process need TwelveMonkeys. Unparseable headers go to the JDK's reader, whose error we report.
   */
  private static boolean needsTwelveMonkeys(ImageInputStream stream) throws IOException {
    int[] frame = frameHeader(stream);
    return frame != null && (frame[1] == 4 || isLossless(frame[0]));
  }

  /**
   * True for a JPEG the JDK's decoder delivers row by row, once: a sequential (baseline or
   * extended) frame of 1 or 3 components. Progressive frames are refined scan after scan over the
   * whole image, and CMYK or lossless ones go to TwelveMonkeys, which decodes whole. Leaves the
   * stream at 0.
   */
  static boolean isSequentialJpeg(ImageInputStream stream) throws IOException {
    int[] frame = frameHeader(stream);
    stream.seek(0);
    return frame != null && (frame[0] == 0xc0 || frame[0] == 0xc1) && frame[1] != 4;
  }

  private static boolean isLossless(int marker) {
    return marker == 0xc3 || marker == 0xc7 || marker == 0xcb || marker == 0xcf;
  }

  /** {SOF marker, components} of the first frame header, or null when none is found. */
  private static int[] frameHeader(ImageInputStream stream) throws IOException {
    try {
      return scanFrameHeader(stream);
    } catch (EOFException e) {
      return null;
    }
  }

  private static int[] scanFrameHeader(ImageInputStream stream) throws IOException {
    stream.seek(2);
    for (int segments = 0; segments < 10_000; segments++) {
      int b = stream.read();
      while (b != -1 && b != 0xff) {
        b = stream.read();
      }
      int marker = stream.read();
      while (marker == 0xff) {
        marker = stream.read();
      }
      if (marker == -1 || marker == 0xd9 || marker == 0xda) {
        return null; // end of image or start of scan before any frame header
      }
      if (marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
        continue; // markers without a length
      }
      int length = stream.readUnsignedShort();
      boolean frame =
          marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
      if (frame) {
        stream.skipBytes(5); // precision, height, width
        return new int[] {marker, stream.read()};
      }
      if (length < 2) {
        return null;
      }
      stream.seek(stream.getStreamPosition() + length - 2);
    }
    return null;
  }
}
