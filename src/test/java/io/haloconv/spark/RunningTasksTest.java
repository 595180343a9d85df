package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.SparkTests;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;

/**
 * A failed job deletes its staging directory only after {@link RunningTasks#awaitNone}: it must not
 * return while a task of the job still runs (and may still write there).
 */
class RunningTasksTest {
  // Local mode runs tasks in this JVM, so a task and the test can share these. A task's closure
  // can carry an int but not a latch, so each test's held task has a slot of its own.
  private static final CountDownLatch[] running = latches(3);
  private static final CountDownLatch[] release = latches(3);

  @Test
  void waitsForATaskThatStartedRightAfterAnotherEnded() throws Exception {
    SparkContext sc = SparkTests.session().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    AtomicBoolean released = new AtomicBoolean();
    try (RunningTasks tasks = RunningTasks.attach(sc)) {
      // A quick job first: its tasks' ends write the executor's entry in Spark's status store,
      // and a task starting within the next 100 ms is then missing from that store's counts
      // (what the previous, status-tracker-based wait read as "no task running").
      jsc.parallelize(List.of(1, 2), 2).count();
      Thread job = heldJob(jsc, 0, new CountDownLatch(0));
      assertThat(running[0].await(30, TimeUnit.SECONDS)).isTrue();
      Thread releaser = releaseLater(0, 500, released);

      tasks.awaitNone(Duration.ofSeconds(30));

      assertThat(released).as("awaitNone returned while the task still ran").isTrue();
      job.join(30_000);
      releaser.join();
    }
  }

  @Test
  void givesUpAfterItsLimit() throws Exception {
    SparkContext sc = SparkTests.session().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    try (RunningTasks tasks = RunningTasks.attach(sc)) {
      Thread job = heldJob(jsc, 1, new CountDownLatch(0));
      assertThat(running[1].await(30, TimeUnit.SECONDS)).isTrue();
      tasks.awaitNone(Duration.ofMillis(300));
      assertThat(job.isAlive()).as("the task is still held, yet the wait returned").isTrue();
      release[1].countDown();
      job.join(30_000);
      assertThat(job.isAlive()).isFalse();
      tasks.awaitNone(Duration.ofSeconds(30));
    }
  }

  @Test
  void doesNotWaitForTasksOfOtherWorkInTheSameContext() throws Exception {
    SparkContext sc = SparkTests.session().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    // Another user of the context: a thread made before this job (so without its mark) that
    // submits a job while this one runs.
    CountDownLatch go = new CountDownLatch(1);
    Thread other = heldJob(jsc, 2, go);
    AtomicBoolean otherReleased = new AtomicBoolean();
    Thread releaser = null;
    try (RunningTasks tasks = RunningTasks.attach(sc)) {
      go.countDown();
      assertThat(running[2].await(30, TimeUnit.SECONDS)).isTrue();
      releaser = releaseLater(2, 10_000, otherReleased);
      jsc.parallelize(List.of(1, 2, 3), 3).count(); // this job's own tasks, all ended
      tasks.awaitNone(Duration.ofSeconds(30));
      assertThat(otherReleased).as("awaitNone waited for a task that is not this job's").isFalse();
    } finally {
      if (releaser != null) {
        releaser.interrupt();
        releaser.join();
      }
      release[2].countDown();
      other.join(30_000);
    }
    assertThat(sc.getLocalProperty(RunningTasks.PROPERTY)).isNull();
  }

  /**
   * Starts a thread that, once {@code go} opens, runs a one-task job whose task counts down {@code
   * running[slot]} and then waits for {@code release[slot]}.
   */
  private static Thread heldJob(JavaSparkContext jsc, int slot, CountDownLatch go) {
    Thread thread =
        new Thread(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                return;
              }
              jsc.parallelize(List.of(1), 1)
                  .foreach(
                      x -> {
                        running[slot].countDown();
                        release[slot].await();
                      });
            });
    thread.start();
    return thread;
  }

  /**
   * Opens {@code release[slot]} after {@code millis} (at once if interrupted), marking it first.
   */
  private static Thread releaseLater(int slot, long millis, AtomicBoolean released) {
    Thread thread =
        new Thread(
            () -> {
              try {
                Thread.sleep(millis);
              } catch (InterruptedException e) {
                // released at once
              }
              released.set(true);
              release[slot].countDown();
            });
    thread.start();
    return thread;
  }

  private static CountDownLatch[] latches(int n) {
    CountDownLatch[] latches = new CountDownLatch[n];
    for (int i = 0; i < n; i++) {
      latches[i] = new CountDownLatch(1);
    }
    return latches;
  }
}
