package io.haloconv.bench;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvKernel;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * One convolution of a {@link BenchShape}, split over threads that each own a kernel instance and
 * disjoint outputs, as tasks own tiles in a job.
 *
 * <p>The split: when the batch divides evenly among the threads, each thread takes whole images;
 * otherwise every image's output rows are cut into one band per thread, and each thread convolves
 * its band of every image. The padded input windows (whole images, or bands with their halo rows)
 * are built once here, outside the timed region: {@link #runOnce} times the kernel alone, including
 * whatever it does inside {@code convolve} (the vector kernel's stride phase split, for example).
 */
final class ParallelConv implements AutoCloseable {
  /**
   * One call of a kernel: a padded window and the outputs it fills, from output row {@code outY0}.
   */
  private record Part(
      int image,
      int outY0,
      float[] input,
      int inHeight,
      int inWidth,
      float[] output,
      int outHeight,
      int outWidth) {}

  private final List<List<Part>> partsPerThread = new ArrayList<>();
  private final List<ConvKernel> kernels = new ArrayList<>();
  private final List<Part> parts = new ArrayList<>();

  /** Threads 1 … N−1 of a run; thread 0 is the caller of {@link #runOnce}. */
  private final List<Thread> workers = new ArrayList<>();

  /** Runs started; a worker starts its part when this moves. */
  private final AtomicLong started = new AtomicLong();

  /** Workers done with the current run. */
  private final AtomicInteger finished = new AtomicInteger();

  private volatile Throwable failure;
  private volatile boolean closed;
  private final String split;
  private final int filters;
  private final int outHeight;
  private final int outWidth;

  ParallelConv(
      BenchShape shape,
      int threads,
      long seed,
      BiFunction<FilterBank, ConvSpec, ConvKernel> kernelFactory) {
    FilterBank bank = bank(shape, seed);
    ConvSpec spec =
        ConvSpec.builder(shape.f(), shape.f())
            .stride(shape.stride())
            .padding(shape.padding())
            .activation(Activation.RELU)
            .build();
    int outH = shape.outHeight();
    int outW = shape.outWidth();
    filters = shape.k();
    outHeight = outH;
    outWidth = outW;
    int paddedH = shape.h() + 2 * shape.padding();
    int paddedW = shape.w() + 2 * shape.padding();
    boolean byImage = shape.n() % threads == 0;
    int bands = byImage ? 1 : Math.min(threads, outH);
    split = byImage ? "batch" : "rows";
    for (int t = 0; t < threads; t++) {
      partsPerThread.add(new ArrayList<>());
      kernels.add(kernelFactory.apply(bank, spec));
    }
    Random random = new Random(seed);
    for (int image = 0; image < shape.n(); image++) {
      float[] padded = paddedImage(shape, paddedH, paddedW, random);
      for (int b = 0; b < bands; b++) {
        // Output rows [oy0, oy1) read padded rows [oy0·S, (oy1−1)·S + F).
        int oy0 = (int) ((long) outH * b / bands);
        int oy1 = (int) ((long) outH * (b + 1) / bands);
        int y0 = oy0 * shape.stride();
        int rows = (oy1 - 1 - oy0) * shape.stride() + shape.f();
        float[] window = new float[shape.c() * rows * paddedW];
        for (int c = 0; c < shape.c(); c++) {
          System.arraycopy(
              padded, (c * paddedH + y0) * paddedW, window, c * rows * paddedW, rows * paddedW);
        }
        float[] out = new float[shape.k() * (oy1 - oy0) * outW];
        int thread = byImage ? image / (shape.n() / threads) : b;
        Part part = new Part(image, oy0, window, rows, paddedW, out, oy1 - oy0, outW);
        partsPerThread.get(thread).add(part);
        parts.add(part);
      }
    }
    for (int t = 1; t < threads; t++) {
      int thread = t;
      Thread worker = new Thread(() -> work(thread), "haloconv-bench-" + t);
      worker.setDaemon(true);
      workers.add(worker);
      worker.start();
    }
  }

  /** How the work was split: {@code batch} or {@code rows}. */
  String split() {
    return split;
  }

  /** The K×outH×outW feature map of one image of the batch, assembled from the threads' parts. */
  float[] featureMap(int image) {
    float[] map = new float[filters * outHeight * outWidth];
    for (Part p : parts) {
      if (p.image != image) {
        continue;
      }
      for (int k = 0; k < filters; k++) {
        System.arraycopy(
            p.output,
            k * p.outHeight * outWidth,
            map,
            (k * outHeight + p.outY0) * outWidth,
            p.outHeight * outWidth);
      }
    }
    return map;
  }

  private static FilterBank bank(BenchShape shape, long seed) {
    FilterBank random = FilterBanks.random(shape.k(), shape.c(), shape.f(), seed);
    float[] bias = new float[shape.k()];
    Random r = new Random(seed + 1);
    for (int i = 0; i < bias.length; i++) {
      bias[i] = (float) (r.nextGaussian() * 0.1);
    }
    return new FilterBank(shape.k(), shape.c(), shape.f(), shape.f(), random.weight(), bias);
  }

  private static float[] paddedImage(BenchShape shape, int paddedH, int paddedW, Random random) {
    float[] padded = new float[shape.c() * paddedH * paddedW];
    for (int c = 0; c < shape.c(); c++) {
      for (int y = 0; y < shape.h(); y++) {
        int row = (c * paddedH + y + shape.padding()) * paddedW + shape.padding();
        for (int x = 0; x < shape.w(); x++) {
          padded[row + x] = random.nextFloat() * 2 - 1;
        }
      }
    }
    return padded;
  }

  /**
   * Runs the whole convolution once: thread 0 is the caller, the others are the workers. Workers
   * wait for a run by spinning, as OpenMP's threads do in oneDNN, the peer: woken from a blocking
   * queue instead, a worker started its part 0.1–0.3 ms late on this project's 2-core VM, 2–4 % of
   * an 8-ms run that the kernel did not spend (2026-12-06).
   */
  void runOnce() {
    failure = null;
    finished.set(0);
    started.incrementAndGet();
    Throwable own = null;
    try {
      runThread(0);
    } catch (RuntimeException | Error e) {
      own = e;
    }
    while (finished.get() < workers.size()) {
      Thread.onSpinWait();
    }
    Throwable failed = own != null ? own : failure;
    if (failed != null) {
      throw new IllegalStateException("a bench thread failed", failed);
    }
  }

  /** A worker's loop: one part per run, until {@link #close}. */
  private void work(int thread) {
    long seen = 0;
    while (true) {
      long run;
      while ((run = started.get()) == seen) {
        if (closed) {
          return;
        }
        Thread.onSpinWait();
      }
      seen = run;
      try {
        runThread(thread);
      } catch (RuntimeException | Error e) {
        failure = e;
      }
      finished.incrementAndGet();
    }
  }

  private void runThread(int thread) {
    ConvKernel kernel = kernels.get(thread);
    for (Part p : partsPerThread.get(thread)) {
      kernel.convolve(p.input, p.inHeight, p.inWidth, p.output, p.outHeight, p.outWidth);
    }
  }

  @Override
  public void close() {
    closed = true;
    for (Thread worker : workers) {
      try {
        worker.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
