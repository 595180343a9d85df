package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.spark.task.TaskFaults;
import io.haloconv.testing.Processes;
import io.haloconv.testing.StandaloneCluster;
import io.haloconv.testing.Submission;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * featurize submitted with jobs/haloconv-submit (spark-submit, client mode) to a real standalone
 * cluster that jobs/cluster started: a master and two workers on 127.0.0.1, executors in JVMs of
 * their own. The cluster is shared by the tests of this class; each test submits one application.
 * Faults come from the test-only hook ({@link TaskFaults}) and from kill -9.
 */
@Timeout(value = 6, unit = TimeUnit.MINUTES) // a guard against a hang, not a timing assertion
class StandaloneClusterIT {
  private static final Duration JOB_LIMIT = Duration.ofMinutes(4);

  private static Path work;
  private static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    work = ClusterJobs.workDir("StandaloneClusterIT");
    cluster = StandaloneCluster.start(work.resolve("cluster"), 2, false);
    ClusterJobs.reference(); // local mode, before the cluster jobs
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (cluster != null) {
      cluster.close();
    }
  }

  private static Submission submit(String name, String faults, String... featurizeMore)
      throws IOException {
    List<String> args =
        new ArrayList<>(
            ClusterJobs.submitOptions(cluster, work.resolve(name + "-attempts"), faults));
    args.addAll(ClusterJobs.featurize(work.resolve(name), featurizeMore));
    return Submission.start(work.resolve("logs"), name, args);
  }

  private static List<Properties> attempts(String name) throws IOException {
    return ClusterJobs.attempts(work.resolve(name + "-attempts"));
  }

  /** Waits until the hook has logged {@code count} attempts, or the submission ended. */
  private static List<Properties> awaitAttempts(String name, int count, Submission job)
      throws IOException, InterruptedException {
    while (true) {
      List<Properties> seen = attempts(name);
      if (seen.size() >= count || !job.alive()) {
        return seen;
      }
      Thread.sleep(50);
    }
  }

  private static Set<Long> pids(List<Properties> attempts) {
    return attempts.stream()
        .map(p -> Long.parseLong(p.getProperty("pid")))
        .collect(Collectors.toCollection(TreeSet::new));
  }

  @Test
  void featurizeOnTheClusterEqualsLocalModeBitwiseAndRunsInExecutorJvms() throws Exception {
    try (Submission job = submit("plain", null)) {
      assertThat(job.await(JOB_LIMIT)).as(job.output()).isZero();
      assertThat(job.stdout()).contains("haloconv: wrote", "5 files: 5 written, 0 failed");
      // The driver's logging is conf/log4j2.properties, haloconv's filter included: no log4j
      // errors.
      assertThat(job.output()).doesNotContain("Unable to locate plugin", "main ERROR");
      ClusterJobs.assertExactOutput(work.resolve("plain"));

      // The convolve tasks ran in two executor JVMs: not the driver (the submission's pid, which
      // exec'd the driver), not this JVM, not a daemon. So the tile descriptors and the bank's
      // broadcast crossed process boundaries through Kryo with registration required.
      List<Properties> attempts = attempts("plain");
      assertThat(attempts).isNotEmpty();
      Set<Long> executors = pids(attempts);
      assertThat(executors)
          .hasSize(2)
          .doesNotContain(job.pid(), ProcessHandle.current().pid())
          .doesNotContainAnyElementsOf(cluster.daemonPids());
      assertThat(attempts)
          .allSatisfy(
              p -> {
                assertThat(p.getProperty("command"))
                    .startsWith("org.apache.spark.executor.CoarseGrainedExecutorBackend");
                assertThat(p.getProperty("host")).isEqualTo("127.0.0.1");
                // The fast kernel in every executor: jobs/haloconv-submit appends the vector module
                // to
                // spark.executor.extraJavaOptions (Spark 4.1's own module options carry it too).
                assertThat(p.getProperty("kernel")).isEqualTo("vector");
                assertThat(p.getProperty("attempt")).isEqualTo("0");
              });
      // Each worker launched an executor: its work directory holds the application jar it fetched.
      for (String worker : List.of("worker-1", "worker-2")) {
        try (Stream<Path> files = Files.walk(cluster.dir().resolve("work").resolve(worker))) {
          assertThat(files.map(f -> f.getFileName().toString()))
              .as(worker)
              .contains("haloconv.jar");
        }
      }
    }
  }

  @Test
  void clusterDeployModeRunsTheDriverOnAWorkerAndTheOutputIsExact() throws Exception {
    // The driver takes one worker's only core, so the application gets one executor core; and
    // spark-submit waits for the driver to end (by default it returns once the driver started).
    List<String> args =
        new ArrayList<>(
            ClusterJobs.submitOptions(cluster, work.resolve("cluster-mode-attempts"), null));
    args.addAll(
        List.of(
            "--deploy-mode",
            "cluster",
            "--conf",
            "spark.cores.max=1",
            "--conf",
            "spark.scheduler.minRegisteredResourcesRatio=0",
            "--conf",
            "spark.standalone.submit.waitAppCompletion=true"));
    args.addAll(ClusterJobs.featurize(work.resolve("cluster-mode")));
    try (Submission job = Submission.start(work.resolve("logs"), "cluster-mode", args)) {
      // Spark's standalone client exits 0 whatever the driver's fate: the output tells.
      assertThat(job.await(JOB_LIMIT)).as(job.output()).isZero();
      assertThat(job.output()).contains("State of driver", "is FINISHED");
    }
    ClusterJobs.assertExactOutput(work.resolve("cluster-mode"));
    List<Properties> attempts = attempts("cluster-mode");
    assertThat(attempts)
        .isNotEmpty()
        .allSatisfy(
            p ->
                assertThat(p.getProperty("command"))
                    .startsWith("org.apache.spark.executor.CoarseGrainedExecutorBackend"));
    // The driver ran under a worker: its work directory has the driver's directory and output.
    try (Stream<Path> files = Files.walk(cluster.dir().resolve("work"))) {
      List<Path> drivers =
          files.filter(f -> f.getFileName().toString().startsWith("driver-")).toList();
      assertThat(drivers).hasSize(1);
      assertThat(Files.readString(drivers.get(0).resolve("stdout"))).contains("haloconv: wrote");
    }
  }

  @Test
  void executorKilledMidJobIsReplacedAndEveryTileIsWrittenOnce() throws Exception {
    // Every first attempt waits 5 s before its first tile, so the job is still running, and the
    // attempt still in its executor, when the first attempt shows up in the log and its executor
    // is killed.
    try (Submission job = submit("killed-executor", "delay:5000")) {
      List<Properties> started = awaitAttempts("killed-executor", 1, job);
      assertThat(started).as(job.output()).isNotEmpty();
      Properties victim = started.get(0);
      long pid = Long.parseLong(victim.getProperty("pid"));
      assertThat(Processes.commandLine(pid)).contains("CoarseGrainedExecutorBackend");
      Processes.kill9(pid);

      assertThat(job.await(JOB_LIMIT)).as(job.output()).isZero();
      assertThat(Processes.alive(pid)).isFalse();
      ClusterJobs.assertExactOutput(work.resolve("killed-executor"));
      // The task that was running in the killed JVM ran again elsewhere: as a later attempt, or,
      // when the lost executor's shuffle output sent the stage back to the planning shuffle, as
      // the first attempt of a later stage attempt.
      String partition = victim.getProperty("partition");
      String run = victim.getProperty("stage") + "/" + victim.getProperty("attempt");
      assertThat(attempts("killed-executor"))
          .filteredOn(p -> p.getProperty("partition").equals(partition))
          .filteredOn(p -> !(p.getProperty("stage") + "/" + p.getProperty("attempt")).equals(run))
          .isNotEmpty()
          .allSatisfy(p -> assertThat(Long.parseLong(p.getProperty("pid"))).isNotEqualTo(pid));
    }
  }

  @Test
  void transientTaskFailuresAreRetriedAndTheOutputIsExact() throws Exception {
    // The first attempt of every convolve task fails; spark.task.maxFailures (4) allows retries.
    try (Submission job = submit("transient", "fail:*")) {
      assertThat(job.await(JOB_LIMIT)).as(job.output()).isZero();
      ClusterJobs.assertExactOutput(work.resolve("transient"));
      List<Properties> attempts = attempts("transient");
      Set<String> partitions =
          attempts.stream().map(p -> p.getProperty("partition")).collect(Collectors.toSet());
      assertThat(partitions).hasSizeGreaterThan(1);
      for (String partition : partitions) {
        assertThat(attempts)
            .filteredOn(p -> p.getProperty("partition").equals(partition))
            .extracting(p -> p.getProperty("attempt"))
            .as("attempts of partition %s", partition)
            .contains("0", "1");
      }
    }
  }

  @Test
  void driverKilledMidWriteLeavesNoCompleteOutputAndAnOverwriteRerunIsExact() throws Exception {
    Path output = work.resolve("killed-driver");
    Path lock = output.resolveSibling(".killed-driver.haloconv-lock");
    List<Properties> seen;
    long driver;
    // More tasks than slots, each first attempt slowed: the third attempt to start means the first
    // wave finished (its Parquet files committed into the staging directory) and the write goes on.
    try (Submission job = submit("killed-driver", "delay:2000")) {
      seen = awaitAttempts("killed-driver", 3, job);
      assertThat(seen).as(job.output()).hasSizeGreaterThanOrEqualTo(3);
      driver = job.pid();
      assertThat(Processes.commandLine(driver)).contains("org.apache.spark.deploy.SparkSubmit");
      Processes.kill9(driver);
      assertThat(job.await(Duration.ofMinutes(1))).isEqualTo(137); // 128 + SIGKILL
    }
    // The output is visibly incomplete: no _SUCCESS, no manifest (in fact no output directory:
    // the job writes beside it, in a hidden staging directory, and renames only when complete).
    assertThat(output.resolve("_SUCCESS")).doesNotExist();
    assertThat(output.resolve("_manifest.json")).doesNotExist();
    assertThat(output).doesNotExist();
    assertThat(siblings(output, "haloconv-staging")).isNotEmpty();
    assertThat(Files.readString(lock)).startsWith(driver + "@");

    // The master stops the dead driver's executors; wait for that, so nothing of the dead run
    // writes while the rerun starts.
    for (long pid : pids(attempts("killed-driver"))) {
      assertThat(Processes.awaitExit(pid, Duration.ofMinutes(1)))
          .as("executor %d stopped", pid)
          .isTrue();
    }

    // The rerun takes over the dead driver's lock (same host, dead pid), removes its staging
    // directory and writes the exact output.
    try (Submission rerun =
        Submission.start(
            work.resolve("logs"),
            "killed-driver-rerun",
            concat(
                ClusterJobs.submitOptions(cluster, work.resolve("rerun-attempts"), null),
                ClusterJobs.featurize(output, "--overwrite")))) {
      assertThat(rerun.await(JOB_LIMIT)).as(rerun.output()).isZero();
    }
    ClusterJobs.assertExactOutput(output);
    assertThat(lock).doesNotExist();
    assertThat(siblings(output, "haloconv-staging")).isEmpty();
  }

  private static List<String> siblings(Path output, String marker) throws IOException {
    try (Stream<Path> files = Files.list(output.getParent())) {
      return files
          .map(f -> f.getFileName().toString())
          .filter(n -> n.startsWith("." + output.getFileName() + ".") && n.contains(marker))
          .toList();
    }
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
