package io.haloconv.spark;

import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkExecutorInfo;

/**
 * Waits for tasks to end. When a job fails (a failfast bad record, a task out of retries), Spark
 * reports the failure at once and kills the job's other tasks afterwards; until they stop they may
 * still write into the job's staging directory, and a file they create brings the directory back
 * after it was deleted.
 */
final class RunningTasks {
  /** How long a failed job waits for its killed tasks before deleting its staging directory. */
  static final Duration ABORT_WAIT = Duration.ofSeconds(30);

  private RunningTasks() {}

  /**
   * Returns once no executor of {@code sc} runs a task, or after {@code limit}. Counts every job's
   * tasks: with other jobs running in the same context, it may wait the whole limit.
   */
  static void awaitNone(SparkContext sc, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    // The running-task counts come from Spark's listener bus, which may not yet have delivered
    // the start of a task that is already writing: read them only once it has caught up with
    // everything posted so far (seen as a leftover staging directory in a failfast case, twice).
    try {
      sc.listenerBus().waitUntilEmpty(Math.max(1, limit.toMillis()));
    } catch (TimeoutException e) {
      // counted below all the same, for what is left of the limit
    }
    while (running(sc) > 0 && System.nanoTime() < deadline) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  private static int running(SparkContext sc) {
    int n = 0;
    for (SparkExecutorInfo executor : sc.statusTracker().getExecutorInfos()) {
      n += executor.numRunningTasks();
    }
    return n;
  }
}
