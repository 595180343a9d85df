package io.haloconv.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;

/**
 * The machine's float32 FMA peak as a Java program sees it: 16 independent chains of vector FMAs on
 * registers (no memory traffic), on N threads at once. A kernel's GFLOP/s divided by this is the
 * share of the hardware it uses, so a slow machine can be told from a slow kernel.
 *
 * <p>16 chains cover the FMA latency (4 cycles) on two FMA pipes with room to spare. The flops are
 * counted as the bench counts a convolution's: 2 per lane per FMA. Only {@link Bench} calls this,
 * when the Vector API is available.
 */
final class FmaPeak {
  private static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;

  /** FMAs per inner iteration: 16 chains. */
  private static final int CHAINS = 16;

  private FmaPeak() {}

  /** Median GFLOP/s over {@code samples} samples of about 0.2 s, on {@code threads} threads. */
  static double measure(int threads, int samples) {
    ExecutorService pool = Executors.newFixedThreadPool(threads, daemon());
    try {
      // Compile the loop first: interpreted Vector API code is 100x slower and would make the
      // sizing below choose far too few iterations.
      float sink = 0;
      for (int i = 0; i < 3000; i++) {
        sink += chains(1 << 10, 1e-7f);
      }
      if (sink == 42.4242f) {
        System.out.print(""); // keeps the result alive
      }
      long iterations = 1 << 16;
      // Warm-up, and size a sample to about 0.2 s.
      for (long t0 = System.nanoTime(); System.nanoTime() - t0 < 1e9; ) {
        long start = System.nanoTime();
        run(pool, threads, iterations);
        double seconds = (System.nanoTime() - start) / 1e9;
        if (seconds < 0.2) {
          iterations = (long) Math.ceil(iterations * Math.min(4, 0.2 / seconds));
        }
      }
      double[] gflops = new double[samples];
      for (int s = 0; s < samples; s++) {
        long start = System.nanoTime();
        run(pool, threads, iterations);
        double seconds = (System.nanoTime() - start) / 1e9;
        gflops[s] = 2.0 * S.length() * CHAINS * iterations * threads / seconds / 1e9;
      }
      Arrays.sort(gflops);
      return gflops[samples / 2];
    } finally {
      pool.shutdownNow();
    }
  }

  /** Vector lanes of one FMA. */
  static int lanes() {
    return S.length();
  }

  private static void run(ExecutorService pool, int threads, long iterations) {
    List<Future<Float>> done = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      done.add(pool.submit(() -> chains(iterations, 1e-7f)));
    }
    float sink = 0;
    try {
      for (Future<Float> f : done) {
        sink += f.get();
      }
    } catch (Exception e) {
      throw new IllegalStateException("FMA peak thread failed", e);
    }
    if (sink == 42.4242f) {
      System.out.print(""); // keeps the result alive
    }
  }

  /**
   * 16 chains of acc = acc·m + c, which stay finite: m is below 1, so no denormals or infinities.
   */
  static float chains(long iterations, float step) {
    final FloatVector m = FloatVector.broadcast(S, 1f - step);
    final FloatVector c = FloatVector.broadcast(S, step);
    FloatVector a0 = FloatVector.broadcast(S, 0.5f);
    FloatVector a1 = a0.add(c), a2 = a1.add(c), a3 = a2.add(c), a4 = a3.add(c), a5 = a4.add(c);
    FloatVector a6 = a5.add(c), a7 = a6.add(c), a8 = a7.add(c), a9 = a8.add(c), a10 = a9.add(c);
    FloatVector a11 = a10.add(c), a12 = a11.add(c), a13 = a12.add(c), a14 = a13.add(c);
    FloatVector a15 = a14.add(c);
    for (long i = 0; i < iterations; i++) {
      a0 = a0.fma(m, c);
      a1 = a1.fma(m, c);
      a2 = a2.fma(m, c);
      a3 = a3.fma(m, c);
      a4 = a4.fma(m, c);
      a5 = a5.fma(m, c);
      a6 = a6.fma(m, c);
      a7 = a7.fma(m, c);
      a8 = a8.fma(m, c);
      a9 = a9.fma(m, c);
      a10 = a10.fma(m, c);
      a11 = a11.fma(m, c);
      a12 = a12.fma(m, c);
      a13 = a13.fma(m, c);
      a14 = a14.fma(m, c);
      a15 = a15.fma(m, c);
    }
    FloatVector sum =
        a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10);
    sum = sum.add(a11).add(a12).add(a13).add(a14).add(a15);
    return sum.reduceLanes(jdk.incubator.vector.VectorOperators.ADD);
  }

  private static ThreadFactory daemon() {
    return r -> {
      Thread t = new Thread(r, "haloconv-fma-peak");
      t.setDaemon(true);
      return t;
    };
  }
}
