package io.haloconv.io;

import io.haloconv.testing.TestImages;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;

/**
 * Measures how much heap each whole-image decoder needs, the numbers behind {@link DecodeMemory}'s
 * factors. Not a test: run by hand, from the repository root, after {@code mvn test-compile}:
 *
 * <pre>
 * java -cp target/test-classes:target/classes:$(cat target/classpath.txt) \
 *     io.haloconv.io.DecodeHeapHarness measure target/heap 3000 3000
 * </pre>
 *
 * For each format it writes one W×H image of known decoded size, then finds by bisection the
 * smallest {@code -Xmx} (in MB, default G1 collector, as executors run) at which a child JVM
 * decodes it whole through {@link ImageIoDecoder} (which keeps the decoded raster, as a task does),
 * and the same for a 16×16 image of the format (the JVM's and the reader's fixed cost). (smallest
 * heap − fixed cost) / decoded bytes is the reader's factor: the raster and every copy the decoder
 * makes on the way.
 */
public final class DecodeHeapHarness {
  private DecodeHeapHarness() {}

  public static void main(String[] args) throws Exception {
    if (args[0].equals("decode")) {
      System.exit(decode(Paths.get(args[1])));
    }
    Path dir = Paths.get(args[1]);
    int width = Integer.parseInt(args[2]);
    int height = Integer.parseInt(args[3]);
    Files.createDirectories(dir);
    Map<String, byte[]> small = images(16, 16);
    Map<String, byte[]> large = images(width, height);
    System.out.printf(
        "%-22s %12s %10s %10s %10s %7s%n",
        "reader", "decodedMB", "fixedMB", "minHeapMB", "netMB", "factor");
    for (String name : large.keySet()) {
      Path smallFile = Files.write(dir.resolve("small-" + name), small.get(name));
      Path largeFile = Files.write(dir.resolve("large-" + name), large.get(name));
      ImageInfo info =
          ImageProbe.probe(TestFiles.local(), TestFiles.hadoop(largeFile), Long.MAX_VALUE);
      double decodedMb = DecodeMemory.decodedBytes(info) / 1048576.0;
      int fixed = smallestHeap(smallFile, 8, 256);
      int needed = smallestHeap(largeFile, fixed, fixed + (int) (decodedMb * 8) + 64);
      System.out.printf(
          "%-22s %12.1f %10d %10d %10d %7.2f%n",
          name, decodedMb, fixed, needed, needed - fixed, (needed - fixed) / decodedMb);
    }
  }

  /** The images measured, by a name saying the format and the reader that decodes it. */
  private static Map<String, byte[]> images(int width, int height) throws Exception {
    Map<String, byte[]> images = new LinkedHashMap<>();
    BufferedImage rgb = TestImages.noise(width, height, BufferedImage.TYPE_3BYTE_BGR, 7);
    BufferedImage gray = TestImages.noise(width, height, BufferedImage.TYPE_BYTE_GRAY, 7);
    ImageWriteParam interlaced = TestImages.writer("png").getDefaultWriteParam();
    interlaced.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    images.put("png-rgb", TestImages.encode(rgb, "png", null));
    images.put("png-rgb-interlaced", TestImages.encode(rgb, "png", interlaced));
    images.put("png-gray-interlaced", TestImages.encode(gray, "png", interlaced));
    ImageWriteParam progressive = TestImages.writer("jpeg").getDefaultWriteParam();
    progressive.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    images.put("jpeg-rgb", TestImages.encode(rgb, "jpeg", null));
    images.put("jpeg-rgb-progressive", TestImages.encode(rgb, "jpeg", progressive));
    images.put("jpeg-cmyk-twelvemonkeys", TestImages.cmykJpeg(width, height));
    images.put("bmp-rgb", TestImages.encode(rgb, "bmp", null));
    images.put("gif-palette", TestImages.encode(gray, "gif", null));
    ImageWriter tiffWriter = TestImages.writer("tiff");
    ImageWriteParam oneTile = tiffWriter.getDefaultWriteParam();
    tiffWriter.dispose();
    oneTile.setTilingMode(ImageWriteParam.MODE_EXPLICIT);
    oneTile.setTiling(width, height, 0, 0);
    oneTile.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    oneTile.setCompressionType("JPEG");
    images.put("tiff-rgb-jpeg-one-tile", TestImages.encode(rgb, "tiff", oneTile));
    return images;
  }

  /** The smallest -Xmx in [low, high] MB at which {@code file} decodes, by bisection. */
  private static int smallestHeap(Path file, int low, int high) throws Exception {
    if (!decodes(file, high)) {
      throw new IllegalStateException(file + " does not decode in " + high + " MB");
    }
    while (low < high) {
      int mid = (low + high) / 2;
      if (decodes(file, mid)) {
        high = mid;
      } else {
        low = mid + 1;
      }
    }
    return low;
  }

  private static boolean decodes(Path file, int heapMb) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Xmx" + heapMb + "m");
    command.add("-Xms" + Math.min(heapMb, 8) + "m");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(DecodeHeapHarness.class.getName());
    command.add("decode");
    command.add(file.toString());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(5, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new IllegalStateException("decode of " + file + " hung");
    }
    int code = process.exitValue();
    if (code != 0 && code != 3 && code != 1) {
      throw new IllegalStateException(file + " failed to decode: " + out);
    }
    return code == 0;
  }

  /**
   * Child: decodes {@code file} whole through the reader a task would use ({@link ImageSource}:
   * haloconv's TIFF reader, else ImageIO) and prints {@code ok}, or the failure's {@code kind stage
   * message}; exits 0 when it fits, 3 when the heap ran out, 4 on another failure.
   */
  public static int decode(Path file) {
    try {
      ImageInfo info = ImageProbe.probe(TestFiles.local(), TestFiles.hadoop(file), Long.MAX_VALUE);
      try (ImageSource source =
          ImageSource.open(
              TestFiles.local(),
              info,
              ChannelMode.KEEP,
              Normalization.RAW,
              Duration.ofMinutes(5))) {
        source.read(0, 0, 1, 1); // decodes the whole image and keeps its raster
      }
      System.out.println("ok");
      return 0;
    } catch (ImageReadException e) {
      System.out.println(e.kind() + " " + e.stage().label() + " " + e.getMessage());
      return e.kind() == ErrorKind.OUT_OF_MEMORY ? 3 : 4;
    } catch (OutOfMemoryError e) {
      System.out.println("uncaught " + e);
      return 3;
    }
  }
}
