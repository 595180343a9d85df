package io.haloconv.spark;

import java.time.Duration;
import java.util.HashSet;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import scala.collection.Iterator;

/**
 * The running tasks of one haloconv job, so that the job can wait for them when it fails. When a
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
 * <p>Only the tasks of Spark jobs submitted from the thread that attached this (and from threads it
 * starts later) count: {@link #attach} marks them with a local property, so that other work in the
 * same context (another haloconv job run through the library, say) is not waited for. No task of
 * the job can start unseen: Spark posts a job's start before its tasks', and a task's start before
 * the task runs, and it stops launching the job's tasks before it reports the failure. {@link
 * #awaitNone} first lets the listener bus deliver everything posted so far.
 */
final class RunningTasks extends SparkListener implements AutoCloseable {
  /** How long a failed job waits for its killed tasks before deleting its staging directory. */
  static final Duration ABORT_WAIT = Duration.ofSeconds(30);

  /** The local property that marks this job's Spark jobs. */
  static final String PROPERTY = "haloconv.run";

  private final SparkContext sc;
  private final String run = UUID.randomUUID().toString();
  private final String previous;
  private final Set<Integer> stages = new HashSet<>();
  private final Set<Long> running = new HashSet<>();

  private RunningTasks(SparkContext sc) {
    this.sc = sc;
    this.previous = sc.getLocalProperty(PROPERTY);
  }

  /**
   * Counts the tasks of the Spark jobs this thread submits to {@code sc} from now on, until closed.
   */
  static RunningTasks attach(SparkContext sc) {
    RunningTasks tasks = new RunningTasks(sc);
    sc.addSparkListener(tasks);
    sc.setLocalProperty(PROPERTY, tasks.run);
    return tasks;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart start) {
    Properties properties = start.properties();
    if (properties != null && run.equals(properties.getProperty(PROPERTY))) {
      Iterator<Object> ids = start.stageIds().iterator();
      while (ids.hasNext()) {
        stages.add((Integer) ids.next());
      }
    }
  }

  @Override
  public synchronized void onTaskStart(SparkListenerTaskStart start) {
    if (stages.contains(start.stageId())) {
      running.add(start.taskInfo().taskId());
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd end) {
    if (running.remove(end.taskInfo().taskId())) {
      notifyAll();
    }
  }

  /** Returns once every task of this job's Spark jobs has ended, or after {@code limit}. */
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
    sc.setLocalProperty(PROPERTY, previous);
    sc.removeSparkListener(this);
  }
}
