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
  // Local mode runs tasks in this JVM, so a task and the test can share these.
  private static final CountDownLatch started = new CountDownLatch(1);
  private static final CountDownLatch release = new CountDownLatch(1);
  private static final AtomicBoolean released = new AtomicBoolean();

  @Test
  void waitsForATaskThatStartedRightAfterAnotherEnded() throws Exception {
    SparkContext sc = SparkTests.session().sparkContext();
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(sc);
    try (RunningTasks tasks = RunningTasks.attach(sc)) {
      // A quick job first: its tasks' ends write the executor's entry in Spark's status store,
      // and a task starting within the next 100 ms is then missing from that store's counts
      // (what the previous, status-tracker-based wait read as "no task running").
      jsc.parallelize(List.of(1, 2), 2).count();
      Thread job =
          new Thread(
              () ->
                  jsc.parallelize(List.of(1), 1)
                      .foreach(
                          x -> {
                            started.countDown();
                            release.await();
                          }));
      job.start();
      assertThat(started.await(30, TimeUnit.SECONDS)).isTrue();
      Thread releaser =
          new Thread(
              () -> {
                try {
                  Thread.sleep(500);
                } catch (InterruptedException e) {
                  return;
                }
                released.set(true);
                release.countDown();
              });
      releaser.start();

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
    CountDownLatch done = new CountDownLatch(1);
    try (RunningTasks tasks = RunningTasks.attach(sc)) {
      Thread job =
          new Thread(
              () -> {
                jsc.parallelize(List.of(1), 1)
                    .foreach(
                        x -> {
                          Hold.running.countDown();
                          Hold.until.await();
                        });
                done.countDown();
              });
      job.start();
      assertThat(Hold.running.await(30, TimeUnit.SECONDS)).isTrue();
      tasks.awaitNone(Duration.ofMillis(300));
      assertThat(done.getCount()).as("the task is still held, yet the wait returned").isEqualTo(1);
      Hold.until.countDown();
      job.join(30_000);
      assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
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
    Thread other =
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
                        Other.running.countDown();
                        Other.until.await();
                      });
            });
    other.start();
    AtomicBoolean otherReleased = new AtomicBoolean();
    Thread releaser =
        new Thread(
            () -> {
              try {
                Thread.sleep(10_000);
              } catch (InterruptedException e) {
                // released at once below
              }
              otherReleased.set(true);
              Other.until.countDown();
            });
    try (RunningTasks tasks = RunningTasks.attach(sc)) {
      go.countDown();
      assertThat(Other.running.await(30, TimeUnit.SECONDS)).isTrue();
      releaser.start();
      jsc.parallelize(List.of(1, 2, 3), 3).count(); // this job's own tasks, all ended
      tasks.awaitNone(Duration.ofSeconds(30));
      assertThat(otherReleased).as("awaitNone waited for a task that is not this job's").isFalse();
    } finally {
      releaser.interrupt();
      releaser.join();
      other.join(30_000);
    }
    assertThat(sc.getLocalProperty(RunningTasks.PROPERTY)).isNull();
  }

  /** The second test's latches, apart from the first's. */
  private static final class Hold {
    static final CountDownLatch running = new CountDownLatch(1);
    static final CountDownLatch until = new CountDownLatch(1);
  }

  /** The third test's latches. */
  private static final class Other {
    static final CountDownLatch running = new CountDownLatch(1);
    static final CountDownLatch until = new CountDownLatch(1);
  }
}
