package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.io.tiff.TiffDecoder;
import io.haloconv.io.tiff.TiffDirectory;
import io.haloconv.io.tiff.TiffLevels;
import io.haloconv.io.tiff.TiffProbe;
import io.haloconv.tensor.DType;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyHeader;
import io.haloconv.tensor.Shapes;
import io.haloconv.tensor.TensorFormatException;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.File;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import org.apache.hadoop.fs.ChecksumFileSystem;
import org.apache.hadoop.fs.CommonConfigurationKeysPublic;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;

/**
 * Reads an image's header, not its pixels: format (from the magic bytes), size, the channel layout
 * design.md §2 gives it, bit depth and tile structure. Images larger than {@code maxPixels} are
 * refused here, from the header, before anything is decoded (design.md §4 {@code --max-pixels}).
 *
 * <p>Files are opened through Hadoop's {@link FileSystem}, so any Hadoop URI works. Thread-safe:
 * every call uses its own reader and stream.
 */
public final class ImageProbe {
  /** design.md §4's default {@code --max-pixels}: 2^31. */
  public static final long DEFAULT_MAX_PIXELS = 1L << 31;

  /** Headers take milliseconds; a minute means a decoder is stuck on a corrupt file. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(1);

  private ImageProbe() {}

  /** {@link #probe(FileSystem, Path, long, Duration)} with {@link #DEFAULT_TIMEOUT}. */
  public static ImageInfo probe(FileSystem fs, Path path, long maxPixels)
      throws ImageReadException {
    return probe(fs, path, maxPixels, DEFAULT_TIMEOUT);
  }

  /**
   * Probes one file.
   *
   * @param maxPixels the largest width·height accepted
   * @param timeout how long the header may take to read before the reader is aborted
   * @throws ImageReadException (stage PROBE) for missing, empty, unrecognised, malformed,
   *     truncated-header or too-large files
   */
  public static ImageInfo probe(FileSystem fs, Path path, long maxPixels, Duration timeout)
      throws ImageReadException {
    return probe(fs, path, maxPixels, timeout, 0);
  }

  /**
   * Probes pyramid level {@code level} of one file ({@code --level}; 0 = full resolution): a page
   * or SubIFD of a TIFF ({@link TiffLevels}). Other formats have level 0 only.
   *
   * @throws ImageReadException as {@link #probe(FileSystem, Path, long, Duration)}, and {@code
   *     no-such-level} naming the levels the file has
   */
  public static ImageInfo probe(
      FileSystem fs, Path path, long maxPixels, Duration timeout, int level)
      throws ImageReadException {
    if (level < 0) {
      throw new IllegalArgumentException("level must be >= 0, got " + level);
    }
    requireNonNull(fs, "fs is null");
    requireNonNull(path, "path is null");
    requireNonNull(timeout, "timeout is null");
    if (maxPixels < 1) {
      throw new IllegalArgumentException("maxPixels must be >= 1, got " + maxPixels);
    }
    Readers.initialise();
    long length = length(fs, path);
    if (length == 0) {
      throw new ImageReadException(Stage.PROBE, ErrorKind.EMPTY_FILE, "empty file (0 bytes)");
    }
    FSDataInputStream in = open(fs, path, Stage.PROBE);
    try {
      FileHead head = FileHead.identify(readHead(in, length, Stage.PROBE), path.getName());
      if (level > 0 && head.format() != ImageFormat.TIFF) {
        throw new ImageReadException(
            Stage.PROBE,
            ErrorKind.NO_SUCH_LEVEL,
            "no level "
                + level
                + ": the file is a "
                + head.format().displayName()
                + ", which has level 0 only");
      }
      if (head.format() == ImageFormat.NPY) {
        return probeNpy(path, in, length, maxPixels);
      }
      if (head.format() == ImageFormat.TIFF) {
        TiffProbe.Result tiff = TiffProbe.probe(in, length, path.toString(), level);
        if (tiff.info() != null) {
          requirePixelsAtMost(tiff.info().width(), tiff.info().height(), maxPixels);
          return tiff.info();
        }
        ImageInfo info = probeImage(path, head, in, length, maxPixels, timeout);
        return tiff.georeference() == null ? info : info.withGeoreference(tiff.georeference());
      }
      return probeImage(path, head, in, length, maxPixels, timeout);
    } finally {
      closeQuietly(in);
    }
  }

  /**
   * The file's length in bytes.
   *
   * @throws ImageReadException (PROBE) for a missing or unreadable file, or a directory
   */
  private static long length(FileSystem fs, Path path) throws ImageReadException {
    java.nio.file.Path local = localFile(fs, path);
    if (local != null) {
      // One stat: Hadoop's local file status makes four (exists, length, isDirectory,
      // lastModified) and builds a status object, a fifth of probing a small image. What it
      // would say about a missing file or a directory is said here alike; any other failure goes
      // the way below, so its message stays Hadoop's.
      try {
        BasicFileAttributes attributes = Files.readAttributes(local, BasicFileAttributes.class);
        if (attributes.isDirectory()) {
          throw new ImageReadException(
              Stage.PROBE, ErrorKind.NOT_AN_IMAGE, "is a directory, not an image file");
        }
        if (attributes.isRegularFile()) {
          return attributes.size();
        }
      } catch (NoSuchFileException e) {
        throw new ImageReadException(Stage.PROBE, ErrorKind.FILE_NOT_FOUND, "file not found", e);
      } catch (IOException | SecurityException e) {
        // below
      }
    }
    FileStatus status;
    try {
      status = fs.getFileStatus(path);
    } catch (FileNotFoundException e) {
      throw new ImageReadException(Stage.PROBE, ErrorKind.FILE_NOT_FOUND, "file not found", e);
    } catch (IOException e) {
      throw new ImageReadException(
          Stage.PROBE, ErrorKind.UNREADABLE, "cannot open file: " + Failures.chainMessages(e), e);
    }
    if (status.isDirectory()) {
      throw new ImageReadException(
          Stage.PROBE, ErrorKind.NOT_AN_IMAGE, "is a directory, not an image file");
    }
    return status.getLen();
  }

  /** The local file behind {@code path} on Hadoop's local file system, or null elsewhere. */
  private static java.nio.file.Path localFile(FileSystem fs, Path path) {
    FileSystem raw =
        fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    if (!(raw instanceof RawLocalFileSystem local)) {
      return null;
    }
    File file = localFileOrNull(local, path);
    try {
      return file == null ? null : file.toPath();
    } catch (RuntimeException e) { // not a valid local path
      return null;
    }
  }

  /** {@code path} as a local file, or null when it is of another scheme or not a valid path. */
  private static File localFileOrNull(RawLocalFileSystem local, Path path) {
    try {
      return local.pathToFile(path);
    } catch (RuntimeException e) { // a path of another scheme, or not a valid local path
      return null;
    }
  }

  private static ImageInfo probeImage(
      Path path, FileHead head, FSDataInputStream in, long length, long maxPixels, Duration timeout)
      throws ImageReadException {
    HadoopImageInputStream stream = new HadoopImageInputStream(in, length);
    Failures.Warnings warnings = new Failures.Warnings();
    AtomicReference<ImageReader> opened = new AtomicReference<>();
    try {
      return Deadline.call(
          timeout,
          () -> {
            // Whether a task could stream it, should it be large: see ImageInfo.streamable.
            boolean sequential =
                head.format() == ImageFormat.PNG
                    ? !head.interlacedPng()
                    : head.format() == ImageFormat.JPEG && Readers.isSequentialJpeg(stream);
            ImageReader reader = Readers.open(head, stream);
            opened.set(reader);
            reader.addIIOReadWarningListener(warnings);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            requirePixelsAtMost(width, height, maxPixels);
            Iterator<ImageTypeSpecifier> types = reader.getImageTypes(0);
            if (types == null || !types.hasNext()) {
              throw new ImageReadException(
                  Stage.PROBE,
                  ErrorKind.UNSUPPORTED,
                  "the " + head.format().displayName() + " reader offers no pixel layout for it");
            }
            ImageTypeSpecifier type = types.next();
            PixelConverter pixels;
            try {
              pixels =
                  PixelConverter.of(
                      type.getColorModel(), type.getSampleModel(), head.declaresPalette());
            } catch (IllegalArgumentException e) {
              throw new ImageReadException(
                  Stage.PROBE,
                  ErrorKind.UNSUPPORTED,
                  "unsupported " + head.format().displayName() + " pixel layout: " + e.getMessage(),
                  e);
            }
            ImageInfo whole =
                new ImageInfo(
                    path.toString(),
                    head.format(),
                    width,
                    height,
                    pixels.channels(),
                    pixels.bitDepth(),
                    pixels.layout(),
                    pixels.sampleFormat(),
                    width,
                    height,
                    length,
                    sequential);
            if (head.format() != ImageFormat.TIFF) {
              return whole;
            }
            int tileWidth = width;
            int tileHeight = height;
            TiffDirectory dir = tiffDirectory(in, length);
            boolean ownReader = dir != null && TiffDecoder.handles(dir, whole);
            if (ownReader) {
              // haloconv's own TIFF reader: tiles, strips, or single rows of uncompressed strips.
              int[] block = TiffDecoder.readableBlock(dir);
              tileWidth = block[0];
              tileHeight = block[1];
            } else if (!head.isBigTiff()) {
              // Tiles, or whole-width strips: the JDK's TIFF reader decodes only those a region
              // needs.
              tileWidth = clamp(reader.getTileWidth(0), width);
              tileHeight = clamp(reader.getTileHeight(0), height);
            }
            return new ImageInfo(
                path.toString(),
                head.format(),
                width,
                height,
                pixels.channels(),
                pixels.bitDepth(),
                pixels.layout(),
                pixels.sampleFormat(),
                tileWidth,
                tileHeight,
                length,
                ownReader && TiffDecoder.streams(dir, 0));
          },
          () -> {
            ImageReader reader = opened.get();
            if (reader != null) {
              reader.abort();
            }
          });
    } catch (Exception | OutOfMemoryError e) {
      throw Failures.translate(Stage.PROBE, head.format(), e, warnings.messages());
    } finally {
      ImageReader reader = opened.get();
      if (reader != null) {
        reader.dispose();
      }
      closeQuietly(stream); // closes the Hadoop stream too
    }
  }

  /**
   * The pyramid levels of a file: a TIFF's ({@link TiffLevels}), or the one level of any other
   * image.
   */
  public static List<TiffLevels.Level> levels(FileSystem fs, Path path, long maxPixels)
      throws ImageReadException {
    ImageInfo base = probe(fs, path, maxPixels);
    if (base.format() != ImageFormat.TIFF) {
      return List.of(new TiffLevels.Level(0, base.width(), base.height(), 0));
    }
    FSDataInputStream in = open(fs, path, Stage.PROBE);
    try {
      return TiffProbe.levels(in, base.fileSize());
    } finally {
      closeQuietly(in);
    }
  }

  /** The TIFF's first directory, or null when haloconv's parser rejects what ImageIO accepted. */
  private static TiffDirectory tiffDirectory(FSDataInputStream in, long length) {
    try {
      return TiffDirectory.read(in, length);
    } catch (ImageReadException e) {
      return null;
    }
  }

  private static ImageInfo probeNpy(Path path, FSDataInputStream in, long length, long maxPixels)
      throws ImageReadException {
    NpyHeader header;
    try {
      in.seek(0);
      header = Npy.readHeader(new BufferedInputStream(in, 4096));
    } catch (TensorFormatException e) {
      throw new ImageReadException(Stage.PROBE, Failures.npyKind(e), e.getMessage(), e);
    } catch (IOException e) {
      throw new ImageReadException(
          Stage.PROBE,
          Failures.ioKind(e),
          "cannot read .npy header: " + Failures.chainMessages(e),
          e);
    }
    long[] shape = header.shape();
    if (shape.length != 2 && shape.length != 3) {
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.UNSUPPORTED,
          ".npy image must be (C, H, W) or (H, W), got shape " + Shapes.format(shape));
    }
    DType dtype = header.dtype();
    if (dtype != DType.FLOAT32
        && dtype != DType.FLOAT64
        && dtype != DType.UINT8
        && dtype != DType.UINT16) {
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.UNSUPPORTED,
          ".npy image dtype "
              + dtype.displayName()
              + " is not supported: use float32, float64, uint8 or uint16");
    }
    long channels = shape.length == 3 ? shape[0] : 1;
    long height = shape[shape.length - 2];
    long width = shape[shape.length - 1];
    if (channels < 1 || height < 1 || width < 1) {
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.TOO_SMALL,
          ".npy image has an empty axis: shape " + Shapes.format(shape));
    }
    if (height > Integer.MAX_VALUE || width > Integer.MAX_VALUE || channels > Integer.MAX_VALUE) {
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.TOO_LARGE,
          ".npy image axis too long: shape "
              + Shapes.format(shape)
              + ", at most "
              + Integer.MAX_VALUE
              + " per axis");
    }
    requirePixelsAtMost(width, height, maxPixels);
    long available = length - header.dataOffset();
    if (header.dataBytes() > available) {
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.TRUNCATED,
          "truncated .npy tensor: shape "
              + Shapes.format(shape)
              + " of "
              + dtype.displayName()
              + " needs "
              + header.dataBytes()
              + " data bytes, the file has "
              + Math.max(0, available));
    }
    boolean floating = !dtype.isInteger();
    // C-order arrays can be read a row at a time (by seeking); fortran-order ones are read whole.
    int tileHeight = header.fortranOrder() ? (int) height : 1;
    return new ImageInfo(
        path.toString(),
        ImageFormat.NPY,
        (int) width,
        (int) height,
        (int) channels,
        dtype.bits(),
        PixelLayout.TENSOR,
        floating ? SampleFormat.FLOAT : SampleFormat.UNSIGNED_INTEGER,
        (int) width,
        tileHeight,
        length);
  }

  /** Refuses, from the header, an image larger than {@code --max-pixels}. */
  static void requirePixelsAtMost(long width, long height, long maxPixels)
      throws ImageReadException {
    if (width <= 0 || height <= 0) {
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.CORRUPT,
          "the header declares an image of " + width + "x" + height + " pixels");
    }
    if (width > maxPixels / height) { // width * height > maxPixels, without overflow
      throw new ImageReadException(
          Stage.PROBE,
          ErrorKind.TOO_LARGE,
          "image is "
              + width
              + "x"
              + height
              + " = "
              + Shapes.approximate((double) width * height)
              + " pixels, --max-pixels is "
              + maxPixels);
    }
  }

  /**
   * Opens a file for reading. On a checksummed file system (Hadoop's {@code file:}) the raw one
   * underneath reads it: input images have no {@code .crc} files to verify, and looking for one
   * fails on names Hadoop cannot turn into a sibling path, such as {@code 10:30.png}.
   */
  public static FSDataInputStream open(FileSystem fs, Path path, Stage stage)
      throws ImageReadException {
    FileSystem reader =
        fs instanceof ChecksumFileSystem checksummed ? checksummed.getRawFileSystem() : fs;
    try {
      // Hadoop's own local file system only: a subclass may open files its own way.
      if (reader.getClass() == RawLocalFileSystem.class) {
        RawLocalFileSystem local = (RawLocalFileSystem) reader;
        File file = localFileOrNull(local, path);
        if (file != null) {
          // As RawLocalFileSystem.open, without the file status it takes first (LocalFileInput).
          return LocalFileInput.open(
              file,
              local
                  .getConf()
                  .getInt(
                      CommonConfigurationKeysPublic.IO_FILE_BUFFER_SIZE_KEY,
                      CommonConfigurationKeysPublic.IO_FILE_BUFFER_SIZE_DEFAULT));
        }
      }
      return reader.open(path);
    } catch (FileNotFoundException e) {
      throw new ImageReadException(stage, ErrorKind.FILE_NOT_FOUND, "file not found", e);
    } catch (IOException e) {
      throw new ImageReadException(
          stage, ErrorKind.UNREADABLE, "cannot open file: " + Failures.chainMessages(e), e);
    }
  }

  static byte[] readHead(FSDataInputStream in, long length, Stage stage) throws ImageReadException {
    byte[] head = new byte[(int) Math.min(FileHead.LENGTH, length)];
    try {
      in.readFully(0, head, 0, head.length);
    } catch (IOException e) {
      throw new ImageReadException(
          stage, Failures.ioKind(e), "cannot read file: " + Failures.chainMessages(e), e);
    }
    return head;
  }

  private static int clamp(int tile, int size) {
    return tile < 1 || tile > size ? size : tile;
  }

  public static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // Nothing was written; a failed close of a read stream loses nothing.
    }
  }
}
