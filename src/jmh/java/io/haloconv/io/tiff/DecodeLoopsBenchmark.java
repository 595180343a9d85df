package io.haloconv.io.tiff;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The TIFF decoder's per-chunk loops, each beside the loop it replaced (kept here verbatim, as in
 * the tests): {@code yCbCr*} converts one 256² JPEG tile's YCbCr bytes to RGB in place; {@code
 * floatPredictor*} undoes the floating-point predictor of one 512² float32 tile (a COG block) and
 * gathers its floats, row by row, as {@code TiffDecoder.floats} does. Both work in place on the
 * same array every call: the loops have no data-dependent branches, so the changing values cost the
 * same. In package io.tiff for the package-private loops.
 *
 * <p>{@code mvn -Pjmh -q compile exec:exec -Djmh.args="DecodeLoops -f 1 -wi 3 -i 5"}
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Fork(
    value = 1,
    jvmArgsAppend = {"-Xmx1g"})
public class DecodeLoopsBenchmark {
  @Param({"1"})
  public int spp;

  private final byte[] ycbcr = new byte[256 * 256 * 3];
  private byte[] planes;
  private float[] floats;
  private long[] row;
  private static final int SIDE = 512;

  @Setup
  public void setUp() {
    Random random = new Random(14);
    random.nextBytes(ycbcr);
    planes = new byte[SIDE * SIDE * spp * 4];
    random.nextBytes(planes);
    floats = new float[SIDE * SIDE * spp];
    row = new long[SIDE * spp];
  }

  @Benchmark
  public byte[] yCbCrOld() {
    byte[] pixels = ycbcr;
    for (int i = 0; i + 2 < pixels.length; i += 3) {
      int y = pixels[i] & 0xff;
      int cb = (pixels[i + 1] & 0xff) - 128;
      int cr = (pixels[i + 2] & 0xff) - 128;
      pixels[i] = clamp(y + Math.round(1.40200f * cr));
      pixels[i + 1] = clamp(y + Math.round(-0.34414f * cb - 0.71414f * cr));
      pixels[i + 2] = clamp(y + Math.round(1.77200f * cb));
    }
    return pixels;
  }

  private static byte clamp(int value) {
    return (byte) Math.max(0, Math.min(255, value));
  }

  @Benchmark
  public byte[] yCbCrNew() {
    TiffImageCodecs.yCbCrToRgb(ycbcr);
    return ycbcr;
  }

  /** TiffDecoder.floats' predictor branch before: the serial byte loop, then a long per sample. */
  @Benchmark
  public float[] floatPredictorOld() {
    byte[] bytes = planes;
    int rowSamples = SIDE * spp;
    int size = 4;
    for (int r = 0; r < SIDE; r++) {
      int base = r * rowSamples * size;
      int rowBytes = rowSamples * size;
      for (int i = base + spp; i < base + rowBytes; i++) {
        bytes[i] += bytes[i - spp];
      }
      for (int i = 0; i < rowSamples; i++) {
        long value = 0;
        for (int b = 0; b < size; b++) {
          value = value << 8 | (bytes[base + b * rowSamples + i] & 0xffL);
        }
        row[i] = value;
      }
      int at = r * rowSamples;
      for (int i = 0; i < rowSamples; i++) {
        floats[at + i] = Float.intBitsToFloat((int) row[i]);
      }
    }
    return floats;
  }

  @Benchmark
  public float[] floatPredictorNew() {
    int rowSamples = SIDE * spp;
    for (int r = 0; r < SIDE; r++) {
      int base = r * rowSamples * 4;
      Predictors.undoByteDifferences(planes, base, rowSamples * 4, spp);
      Predictors.floats32(planes, base, rowSamples, floats, r * rowSamples);
    }
    return floats;
  }
}
