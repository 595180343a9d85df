package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.Processes;
import io.haloconv.testing.StandaloneCluster;
import io.haloconv.testing.Submission;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * Speculative execution on a cluster whose two workers are distinct hosts (127.0.0.2 and
 * 127.0.0.3): Spark never runs a speculative copy on a host that already ran the task. Then the
 * cluster script's status and stop, on this cluster.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES) // a guard against a hang, not a timing assertion
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SpeculationIT {
  private static Path work;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    work = ClusterJobs.workDir("SpeculationIT");
    cluster = StandaloneCluster.start(work.resolve("cluster"), 2, true);
    ClusterJobs.reference();
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  @Order(1)
  void speculativeCopiesLeaveNoDuplicateRows() throws Exception {
    // Partition 0's first attempt has written its rows, then holds for 20 s before it may finish:
    // a straggler. Its speculative copy on the other host finishes first and commits; the
    // straggler's own file must not reach the output.
    List<String> args =
        new ArrayList<>(
            ClusterJobs.submitOptions(
                cluster, work.resolve("speculation-attempts"), "hold:0:20000"));
    args.addAll(
        List.of(
            "--conf", "spark.speculation=true",
            "--conf", "spark.speculation.interval=100ms",
            "--conf", "spark.speculation.multiplier=2",
            "--conf", "spark.speculation.quantile=0.5",
            // judge by run time alone, not by the rate of records processed
            "--conf", "spark.speculation.efficiency.enabled=false"));
    Path output = work.resolve("speculation");
    args.addAll(ClusterJobs.featurize(output));
    try (Submission job = Submission.start(work.resolve("logs"), "speculation", args)) {
      assertThat(job.await(Duration.ofMinutes(4))).as(job.output()).isZero();
    }
    ClusterJobs.assertExactOutput(output);

    List<Properties> partition0 =
        ClusterJobs.attempts(work.resolve("speculation-attempts")).stream()
            .filter(p -> p.getProperty("partition").equals("0"))
            .toList();
    Properties first =
        partition0.stream()
            .filter(p -> p.getProperty("attempt").equals("0"))
            .findFirst()
            .orElseThrow();
    assertThat(partition0)
        .as("a speculative copy of partition 0 ran")
        .filteredOn(p -> !p.getProperty("attempt").equals("0"))
        .isNotEmpty()
        .allSatisfy(p -> assertThat(p.getProperty("host")).isNotEqualTo(first.getProperty("host")));
    assertThat(first.getProperty("host")).isIn("127.0.0.2", "127.0.0.3");
  }

  @Test
  @Order(2)
  void statusReportsTheClusterAndStopEndsEveryProcessByPid() throws Exception {
    assertThat(cluster.status()).isZero();
    List<Long> processes = new ArrayList<>(cluster.daemonPids());
    for (long pid : cluster.daemonPids()) {
      ProcessHandle.of(pid).ifPresent(p -> p.descendants().forEach(d -> processes.add(d.pid())));
    }
    assertThat(cluster.stop()).isZero();
    for (long pid : processes) {
      assertThat(Processes.alive(pid)).as("process %d stopped", pid).isFalse();
    }
    assertThat(cluster.status()).isEqualTo(3); // LSB: not running
  }
}
