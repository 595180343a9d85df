package io.haloconv.spark;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * The tasks started and not yet ended since a job began, so a failed job can wait for them. When a
 * job fails (a failfast bad record, a task out of retries), Spark reports the failure at once and
 * kills the job's other tasks afterwards; until they stop they may still write into the job's
 * staging directory, and a file they create brings the directory back after it was deleted.
 *
 * <p>The tasks are counted here, from every task start and end event, rather than read from Spark's
 * status tracker: the tracker's per-executor counts are written to its store at most every {@code
 * spark.ui.liveUpdate.period} (100 ms), so a task that starts shortly after another event of its
 * executor is not counted there until some later event. A failfast job over a few quick tasks then
 * read zero running tasks while one was still writing, and left its staging directory behind.
 *
 * <p>No task of the job can start unseen: Spark posts a task's start event before the task runs,
 * and stops launching the job's tasks before it reports the failure. {@link #awaitNone} first lets
 * the listener bus deliver everything posted so far.
 */
final class RunningTasks extends SparkListener implements AutoCloseable {
  /** How long a failed job waits for its killed tasks before deleting its staging directory. */
  static final Duration ABORT_WAIT = Duration.ofSeconds(30);

  private final SparkContext sc;
  private final Set<Long> running = new HashSet<>();

  private RunningTasks(SparkContext sc) {
    this.sc = sc;
  }

  /** Counts the tasks of {@code sc} that start from now on, until closed. */
  static RunningTasks attach(SparkContext sc) {
    RunningTasks tasks = new RunningTasks(sc);
    sc.addSparkListener(tasks);
    return tasks;
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart start) {
    running.add(start.taskInfo().taskId());
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    running.remove(end.taskInfo().taskId());
    notifyAll();
  }

  /** Returns once every task started since {@link #attach} has ended, or after {@code limit}. */
  void awaitNone(Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    try {
      sc.listenerBus().waitUntilEmpty(Math.max(1, limit.toMillis()));
    } catch (TimeoutException e) {
      // waited for below all the same, for what is left of the limit
    }
    synchronized (this) {
      long left;
      while (!running.isEmpty() && (left = deadline - System.nanoTime()) > 0) {
        try {
          wait(Math.max(1, left / 1_000_000));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  @Override
  public void close() {
    sc.removeSparkListener(this);
  }
}
