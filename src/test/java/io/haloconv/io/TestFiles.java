package io.haloconv.io;

import io.haloconv.testing.Golden;
import io.haloconv.testing.TestImages;
import java.awt.image.BufferedImage;
import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** Files for io tests: the local Hadoop file system, the golden images, image writers. */
public final class TestFiles {
  private static FileSystem local;

  private TestFiles() {}

  public static synchronized FileSystem local() {
    if (local == null) {
      try {
        local = FileSystem.getLocal(new Configuration());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return local;
  }

  /** A file of the repository's golden cases (src/test/resources/golden), read in place. */
  public static java.nio.file.Path golden(String relative) {
    return Golden.file(relative);
  }

  public static Path hadoop(java.nio.file.Path file) {
    return new Path(file.toUri());
  }

  public static java.nio.file.Path write(java.nio.file.Path file, byte[] bytes) {
    try {
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Encodes an image with the JDK's writer for {@code format}. */
  public static byte[] encode(RenderedImage image, String format) {
    return encode(image, format, null);
  }

  public static byte[] encode(RenderedImage image, String format, ImageWriteParam param) {
    return TestImages.encode(image, format, param);
  }

  public static ImageWriter jdkWriter(String format) {
    return TestImages.writer(format);
  }

  /** An independent reference decode with the JDK's own reader for {@code format}. */
  static BufferedImage jdkDecode(byte[] bytes, String format) {
    for (Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(format); it.hasNext(); ) {
      ImageReader reader = it.next();
      if (reader.getClass().getName().startsWith("com.sun.imageio.plugins.")) {
        try {
          reader.setInput(new MemoryCacheImageInputStream(new java.io.ByteArrayInputStream(bytes)));
          return reader.read(0);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        } finally {
          reader.dispose();
        }
      }
    }
    throw new IllegalStateException("no JDK reader for " + format);
  }

  static byte[] readAllBytes(java.nio.file.Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An image of smoothly varying, distinct colours: every pixel differs from its neighbours. */
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

  /** {@code data} as one zlib stream (Deflate with its header and checksum). */
  public static byte[] deflate(byte[] data) {
    Deflater deflater = new Deflater();
    deflater.setInput(data);
    deflater.finish();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    while (!deflater.finished()) {
      out.write(buffer, 0, deflater.deflate(buffer));
    }
    deflater.end();
    return out.toByteArray();
  }
}
