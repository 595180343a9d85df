package io.haloconv.io.tiff;

import static java.util.Objects.requireNonNull;

import io.haloconv.io.DecodeMemory;
import io.haloconv.io.Failures;
import io.haloconv.io.ImageFormat;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageIoDecoder;
import io.haloconv.io.ImageIoRows;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.io.ImageSource;
import io.haloconv.io.PngDecoder;
import io.haloconv.io.Readers;
import io.haloconv.io.RowSource;
import io.haloconv.io.SampleFormat;
import io.haloconv.tensor.Tensor3;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Scratch rasters: the linear-cost way to read windows of a huge image that cannot be read by
 * window (a PNG, a JPEG, a TIFF of one compressed strip). Such an image is decoded once, top to
 * bottom, a band of rows at a time, into an uncompressed tiled BigTIFF ({@link ScratchTiff}); its
 * tiles then read their windows from that file in parallel ({@link ImageSource#openScratch}). No
 * band re-decodes the image from the top, and no process holds more than a band of it.
 *
 * <p>Streaming uses haloconv's own decoder for plain PNGs ({@link PngDecoder#stream}), the JDK's
 * PNG and JPEG decoders for the rest ({@link ImageIoRows}) and haloconv's TIFF strip reader ({@link
 * TiffDecoder#rows()}). An image they cannot stream (an interlaced PNG, a CMYK JPEG, an exotic
 * TIFF) is decoded whole instead, which needs memory for the whole image.
 */
public final class ScratchRasters {
  /** Scratch bands are sized to about this many bytes of float values. */
  private static final long BAND_BYTES = 8L << 20;

  private ScratchRasters() {}

  /**
   * True when {@code info}'s image is cheaper to stream into a scratch raster than to decode whole
   * in every task that needs it: it cannot be read by window, its decoded raster would take at
   * least {@code minBytes}, and its values fit a scratch raster (unsigned, at most 16 bits).
   */
  public static boolean worthStaging(ImageInfo info, long minBytes) {
    requireNonNull(info, "info is null");
    return !info.supportsRegionReads()
        && info.format() != ImageFormat.NPY
        && info.sampleFormat() == SampleFormat.UNSIGNED_INTEGER
        && info.bitDepth() <= 16
        && decodedBytes(info) >= minBytes;
  }

  /** Bytes of the decoded raster: width · height · channels · bytes per sample. */
  public static long decodedBytes(ImageInfo info) {
    return DecodeMemory.decodedBytes(info);
  }

  /** Rows of the bands {@link #write} converts at a time: about 8 MB of float values. */
  public static int bandRows(ImageInfo info) {
    return (int) Math.max(1, Math.min(256, BAND_BYTES / (4L * info.width() * info.channels())));
  }

  /**
   * Decodes {@code info}'s image once into a scratch raster at {@code scratch}, replacing any file
   * there.
   *
   * @return the scratch raster's size in bytes
   * @throws ImageReadException (DECODE) when the image cannot be decoded; no scratch file is left
   */
  public static long write(FileSystem fs, ImageInfo info, Path scratch, Duration timeout)
      throws ImageReadException {
    requireNonNull(fs, "fs is null");
    requireNonNull(info, "info is null");
    requireNonNull(scratch, "scratch is null");
    requireNonNull(timeout, "timeout is null");
    if (info.sampleFormat() != SampleFormat.UNSIGNED_INTEGER || info.bitDepth() > 16) {
      throw new IllegalArgumentException(
          "scratch rasters hold unsigned samples of up to 16"
              + " bits, "
              + info.path()
              + " has "
              + info.bitDepth()
              + "-bit "
              + info.sampleFormat());
    }
    Readers.initialise();
    int bandRows = bandRows(info);
    boolean done = false;
    try {
      try {
        if (stream(fs, info, scratch, timeout, bandRows)) {
          done = true;
          return fs.getFileStatus(scratch).getLen();
        }
      } catch (ImageReadException e) {
        if (!(e.getCause() instanceof ImageIoRows.NotSequentialException)) {
          throw e;
        }
      }
      // Not streamable: one whole decode, then the same file, converted a band at a time (the
      // decoded raster is all the memory this needs beyond a band: DecodeMemory budgets it).
      try (ImageIoDecoder whole = new ImageIoDecoder(fs, info, timeout);
          OutputStream out = create(fs, scratch)) {
        ScratchTiff tiff = scratchTiff(out, info);
        for (int y = 0; y < info.height(); y += bandRows) {
          tiff.accept(whole.read(y, 0, Math.min(bandRows, info.height() - y), info.width()));
        }
        tiff.finish();
      }
      done = true;
      return fs.getFileStatus(scratch).getLen();
    } catch (IOException e) {
      throw e instanceof ImageReadException r
          ? r
          : new ImageReadException(
              Stage.DECODE,
              "cannot write the scratch raster " + scratch + ": " + Failures.chainMessages(e),
              e);
    } finally {
      if (!done) {
        delete(fs, scratch);
      }
    }
  }

  /** Streams into {@code scratch}; false when no streaming decoder handles the image. */
  private static boolean stream(
      FileSystem fs, ImageInfo info, Path scratch, Duration timeout, int bandRows)
      throws IOException {
    if (info.format() == ImageFormat.TIFF) {
      try (TiffDecoder tiff = TiffDecoder.open(fs, info)) {
        if (tiff == null || tiff.tiled()) {
          return false;
        }
        try (OutputStream out = create(fs, scratch);
            RowSource rows = tiff.rows()) {
          ScratchTiff sink = scratchTiff(out, info);
          for (Tensor3 band = rows.next(bandRows); band != null; band = rows.next(bandRows)) {
            sink.accept(band);
          }
          sink.finish();
        }
        return true;
      }
    }
    if (!ImageIoRows.streams(info.format())) {
      return false;
    }
    if (PngDecoder.mayStream(info)) {
      try (OutputStream out = create(fs, scratch)) {
        ScratchTiff sink = scratchTiff(out, info);
        if (PngDecoder.stream(fs, info, timeout, bandRows, sink)) {
          sink.finish();
          return true;
        }
      }
      // Not a plain PNG: the JDK's reader writes the scratch raster again from the start.
    }
    try (OutputStream out = create(fs, scratch)) {
      ScratchTiff sink = scratchTiff(out, info);
      ImageIoRows.stream(fs, info, timeout, bandRows, sink);
      sink.finish();
    }
    return true;
  }

  private static ScratchTiff scratchTiff(OutputStream out, ImageInfo info) throws IOException {
    return new ScratchTiff(out, info.width(), info.height(), info.channels(), info.bitDepth());
  }

  private static OutputStream create(FileSystem fs, Path scratch) throws IOException {
    return new BufferedOutputStream(fs.create(scratch, true), 1 << 20);
  }

  private static void delete(FileSystem fs, Path scratch) {
    try {
      fs.delete(scratch, false);
    } catch (IOException ignored) {
      // the scratch directory is removed with the job's staging directory anyway
    }
  }
}
