package io.haloconv.spark.task;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.spark.FeaturizeJob;
import io.haloconv.spark.FilterBankFixtures;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.JobException;
import io.haloconv.spark.JobResult;
import io.haloconv.stack.LayerStack;
import io.haloconv.testing.SparkTests;
import io.haloconv.testing.Submission;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.apache.spark.SparkContext;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The test-only fault hook in local mode: off by default, its attempt log, and a failing first
 * attempt that {@code local[2]} does not retry (the cluster tests show the retry).
 */
class TaskFaultsTest {
  @TempDir Path temp;

  private JobConfig config(String name) {
    FilterBank bank = FilterBankFixtures.grayBank();
    ConvSpec spec = ConvSpec.builder(bank).padding(Padding.SAME).build();
    return JobConfig.builder(
            Path.of("data/images").toAbsolutePath().toString(),
            temp.resolve(name).toString(),
            LayerStack.of(bank, spec, "gray"))
        .channels(io.haloconv.io.ChannelMode.GRAY)
        .normalization(io.haloconv.io.Normalization.UNIT)
        .precision(io.haloconv.tensor.Precision.FLOAT32)
        .tile(64, 64)
        .partitions(3)
        .build();
  }

  /** Runs the job with the hook's settings as local properties of this thread's jobs. */
  private JobResult runWith(JobConfig config, String faults, Path attemptLog) {
    SparkContext sc = SparkTests.session().sparkContext();
    sc.setLocalProperty(TaskFaults.FAULTS, faults);
    sc.setLocalProperty(TaskFaults.ATTEMPT_LOG, attemptLog == null ? null : attemptLog.toString());
    try {
      return FeaturizeJob.run(SparkTests.session(), config);
    } finally {
      sc.setLocalProperty(TaskFaults.FAULTS, null);
      sc.setLocalProperty(TaskFaults.ATTEMPT_LOG, null);
    }
  }

  @Test
  void withoutSettingsTheHookReturnsTheTasksOwnRows() {
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTests.session().sparkContext());
    long untouched =
        jsc.parallelize(List.of(1, 2, 3, 4), 4)
            .mapPartitions(
                ignored -> {
                  Iterator<Row> rows = Collections.emptyIterator();
                  return List.of(TaskFaults.wrap(rows) == rows).iterator();
                })
            .filter(same -> same)
            .count();
    assertThat(untouched).isEqualTo(4);
  }

  @Test
  void attemptLogRecordsEveryConvolveTaskWithItsProcess() throws IOException {
    Path log = temp.resolve("attempts");
    runWith(config("logged"), null, log);
    List<Properties> attempts = Submission.attempts(log);
    assertThat(attempts).hasSize(3);
    assertThat(attempts)
        .extracting(p -> p.getProperty("partition"))
        .containsExactlyInAnyOrder("0", "1", "2");
    assertThat(attempts)
        .allSatisfy(
            p -> {
              assertThat(p.getProperty("attempt")).isEqualTo("0");
              assertThat(p.getProperty("executor"))
                  .isEqualTo("driver"); // local mode: tasks in this JVM
              assertThat(p.getProperty("pid"))
                  .isEqualTo(Long.toString(ProcessHandle.current().pid()));
            });
  }

  @Test
  void aFailedFirstAttemptFailsALocalJobWithoutRetriesAndLeavesNoOutput() {
    JobConfig config = config("failed");
    assertThatThrownBy(() -> runWith(config, "fail:1", null))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("haloconv test fault")
        .hasMessageContaining("first attempt of partition 1 fails");
    assertThat(temp.resolve("failed")).doesNotExist();
  }

  @Test
  void aMalformedRuleNamesTheRuleAndTheForms() {
    JobConfig config = config("malformed");
    assertThatThrownBy(() -> runWith(config, "delay:10,explode:3", null))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("rule must be delay:MS, fail:P or hold:P:MS, got 'explode:3'");
  }
}
