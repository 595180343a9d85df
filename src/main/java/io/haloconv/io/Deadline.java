package io.haloconv.io;

import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the time of one decoder call. A corrupt file can make a decoder loop for ever; the call
 * runs on a daemon worker thread, and when time runs out the caller's abort action (ImageReader's
 * {@code abort()}, which readers poll between rows or tiles) is invoked, the worker interrupted,
 * and the caller gets an exception at once. A decoder that polls neither may keep its daemon thread
 * busy, but no longer holds up the task.
 */
final class Deadline {
  private static final AtomicInteger THREADS = new AtomicInteger();
  private static final ExecutorService WORKERS =
      Executors.newCachedThreadPool(
          runnable -> {
            Thread thread = new Thread(runnable, "haloconv-decode-" + THREADS.incrementAndGet());
            thread.setDaemon(true);
            return thread;
          });

  /** Thrown when the time ran out; the work was aborted. */
  static final class Expired extends Exception {
    private static final long serialVersionUID = 1L;

    Expired(Duration timeout) {
      super("took longer than " + describe(timeout));
    }
  }

  private Deadline() {}

  /**
   * Runs {@code work} within {@code timeout}. Its own exceptions come out unchanged.
   *
   * @throws Expired after calling {@code abort} when the time ran out
   */
  static <T> T call(Duration timeout, Callable<T> work, Runnable abort) throws Exception {
    Future<T> future = WORKERS.submit(work);
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      abort.run();
      future.cancel(true);
      throw new Expired(timeout);
    } catch (InterruptedException e) {
      // The task was killed (Spark interrupts task threads): stop the decoder too.
      abort.run();
      future.cancel(true);
      Thread.currentThread().interrupt();
      InterruptedIOException interrupted = new InterruptedIOException("interrupted while decoding");
      interrupted.initCause(e);
      throw interrupted;
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof Exception exception) {
        throw exception;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw e;
    }
  }

  static String describe(Duration timeout) {
    long millis = timeout.toMillis();
    return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
  }
}
