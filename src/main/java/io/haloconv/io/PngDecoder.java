package io.haloconv.io;

import io.haloconv.io.ImageReadException.Stage;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Decodes a PNG whole, once, with {@link PngSamples} when the file is a plain one, and with the
 * JDK's reader ({@link ImageIoDecoder}) otherwise. Both give the same raw values (the tests compare
 * them sample by sample); ours is about twice as fast on the small PNGs of a typical dataset.
 *
 * <p>Any file {@link PngSamples} declines, for its features or because something in it is off, is
 * decoded by the JDK's reader from the start, so damaged or unusual files get the values and error
 * records they always had. Only a decode that ran out of time is reported from here, as the JDK
 * path reports it. {@code -Dhaloconv.png.decoder=imageio} sends every PNG to the JDK's reader, for
 * comparisons.
 *
 * <p>{@link #stream} does the same for PNGs streamed into a scratch raster.
 */
public final class PngDecoder implements RegionDecoder {
  static final boolean ENABLED =
      !"imageio".equals(System.getProperty("haloconv.png.decoder", "haloconv"));

  private final FileSystem fs;
  private final ImageInfo info;
  private final Duration timeout;
  private PngSamples samples;
  private ImageIoDecoder fallback;
  private ImageReadException failure;

  PngDecoder(FileSystem fs, ImageInfo info, Duration timeout) {
    this.fs = fs;
    this.info = info;
    this.timeout = timeout;
  }

  @Override
  public Tensor3 read(int y0, int x0, int height, int width) throws ImageReadException {
    if (failure != null) {
      throw failure;
    }
    if (samples == null && fallback == null) {
      samples = decodePlain();
      if (samples == null) {
        fallback = new ImageIoDecoder(fs, info, timeout);
      }
    }
    if (fallback != null) {
      return fallback.read(y0, x0, height, width);
    }
    Tensor3 out = Tensor3.zeros(samples.format.channels(), height, width);
    samples.extract(y0, x0, height, width, out.data());
    return out;
  }

  /** The file's samples, or null when the JDK's reader should decode it. */
  private PngSamples decodePlain() throws ImageReadException {
    if (!mayBePlain(info)) {
      return null;
    }
    try {
      PngSamples decoded =
          attempt(
              fs,
              info,
              timeout,
              (in, abort) ->
                  PngSamples.decode(in, info.fileSize(), info.width(), info.height(), abort));
      return decoded != null && matchesProbe(decoded) ? decoded : null;
    } catch (ImageReadException e) {
      failure = e;
      throw e;
    }
  }

  /**
   * Streams a plain PNG top to bottom into {@code sink} in bands of at most {@code bandRows} rows
   * ({@link PngSamples#stream}), for PNGs too large to decode whole; false, possibly after some
   * bands, when the file is not plain or reading it failed: the caller then starts again with the
   * JDK's reader ({@link ImageIoRows}), which reports such files as it always has.
   *
   * @throws ImageReadException (DECODE) when the decode ran out of time or memory
   * @throws IOException when the sink fails
   */
  public static boolean stream(
      FileSystem fs, ImageInfo info, Duration timeout, int bandRows, BandSink sink)
      throws IOException {
    if (!mayStream(info)) {
      return false;
    }
    BandSink tagged =
        band -> {
          try {
            sink.accept(band);
          } catch (IOException e) {
            throw new SinkFailure(e);
          }
        };
    try {
      return attempt(
              fs,
              info,
              timeout,
              (in, abort) -> {
                PngSamples.stream(
                    in, info.fileSize(), info.width(), info.height(), bandRows, tagged, abort);
                return Boolean.TRUE;
              })
          != null;
    } catch (SinkFailure e) {
      throw e.getCause();
    }
  }

  /**
   * False when the probe already tells that {@link #stream} would decline the file (not a PNG,
   * interlaced, or this decoder switched off), so the caller need not prepare for it. Other files
   * it declines (an unusual chunk, a damaged one) are found out while reading.
   */
  public static boolean mayStream(ImageInfo info) {
    return ENABLED && mayBePlain(info);
  }

  /** One decode of the file by {@link PngSamples}, given its input and its abort flag. */
  private interface PlainWork<T> {
    T run(PngSamples.Input in, BooleanSupplier aborted) throws Exception;
  }

  /**
   * Runs {@code work} on the opened file under the deadline: its result, or null when the file is
   * not plain or could not be opened or read (the JDK path then opens and reads it again, and
   * reports any failure as it always has).
   *
   * @throws ImageReadException (DECODE) when the work ran out of time or memory, or was interrupted
   * @throws SinkFailure when the work's band sink failed
   */
  private static <T> T attempt(FileSystem fs, ImageInfo info, Duration timeout, PlainWork<T> work)
      throws ImageReadException {
    FSDataInputStream in;
    try {
      in = ImageProbe.open(fs, new Path(info.path()), Stage.DECODE);
    } catch (ImageReadException e) {
      return null;
    }
    AtomicBoolean abort = new AtomicBoolean();
    try {
      return Deadline.call(timeout, () -> work.run(in::read, abort::get), () -> abort.set(true));
    } catch (SinkFailure e) {
      throw e;
    } catch (PngSamples.NotPlain e) {
      return null;
    } catch (Deadline.Expired | InterruptedIOException | OutOfMemoryError e) {
      throw Failures.translate(Stage.DECODE, info.format(), e, List.of());
    } catch (Exception e) {
      return null;
    } finally {
      ImageProbe.closeQuietly(in);
    }
  }

  /** An IOException of the sink, told apart from the file's own on its way out of the decode. */
  private static final class SinkFailure extends UncheckedIOException {
    private static final long serialVersionUID = 1L;

    SinkFailure(IOException cause) {
      super(cause);
    }
  }

  /** What the probe already tells: an interlaced PNG is not worth a read of its header. */
  private static boolean mayBePlain(ImageInfo info) {
    return info.format() == ImageFormat.PNG
        && info.streamable()
        && info.sampleFormat() == SampleFormat.UNSIGNED_INTEGER
        && switch (info.layout()) {
          case BINARY, GRAY, GRAY_ALPHA, RGB, RGBA -> true;
          default -> false;
        };
  }

  /** The planner sized everything by the probe: anything else is the JDK path's to judge. */
  private boolean matchesProbe(PngSamples s) {
    return s.format.channels() == info.channels()
        && s.format.bitDepth() == info.bitDepth()
        && s.format.layout() == info.layout();
  }

  @Override
  public void close() {
    samples = null;
    if (fallback != null) {
      fallback.close();
    }
  }
}
