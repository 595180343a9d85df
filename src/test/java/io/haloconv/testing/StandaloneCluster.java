package io.haloconv.testing;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * A real Spark standalone cluster started by {@code jobs/cluster start} in a directory of its own
 * under target/, stopped by {@code jobs/cluster stop} and then, whatever that did, by the pids
 * start recorded (with their executors).
 */
public final class StandaloneCluster implements AutoCloseable {
  private static final Pattern MASTER_URL = Pattern.compile("spark://127\\.0\\.0\\.1:[0-9]+");

  private final Path dir;
  private final String masterUrl;
  private final List<Long> daemonPids;

  private StandaloneCluster(Path dir, String masterUrl, List<Long> daemonPids) {
    this.dir = dir;
    this.masterUrl = masterUrl;
    this.daemonPids = daemonPids;
  }

  /**
   * Starts a master and {@code workers} workers.
   *
   * @param distinctHosts whether worker i binds to 127.0.0.(i+1), so Spark sees distinct hosts
   */
  public static StandaloneCluster start(Path dir, int workers, boolean distinctHosts)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    List<String> args = new ArrayList<>(List.of("start", "--workers", Integer.toString(workers)));
    if (distinctHosts) {
      args.add("--distinct-hosts");
    }
    Path out = dir.resolve("start.out");
    Path err = dir.resolve("start.err");
    int code;
    try {
      code =
          Scripts.run(
              Scripts.command("jobs/cluster", args), out, err, env(dir), Duration.ofMinutes(3));
    } finally {
      for (long pid : pids(dir)) {
        Processes.register(pid);
      }
    }
    String[] lines = Scripts.read(out).strip().split("\n");
    String last = lines[lines.length - 1].strip();
    StandaloneCluster cluster = new StandaloneCluster(dir, last, pids(dir));
    if (code != 0 || !MASTER_URL.matcher(last).matches()) {
      cluster.close();
      throw new IllegalStateException(
          "jobs/cluster start failed (exit code "
              + code
              + "):\n"
              + Scripts.read(out)
              + Scripts.read(err));
    }
    return cluster;
  }

  private static Map<String, String> env(Path dir) {
    return Map.of("HALOCONV_CLUSTER_DIR", dir.toString());
  }

  /** The pids in the pid files start wrote: the master's and each worker's. */
  private static List<Long> pids(Path dir) throws IOException {
    List<Long> pids = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pid")) {
      for (Path file : files) {
        pids.add(Long.parseLong(Files.readString(file).strip()));
      }
    }
    return pids;
  }

  /** Stops a cluster an earlier, crashed run may have left in {@code dir}. */
  public static void stopLeftover(Path dir) throws IOException, InterruptedException {
    if (Files.isDirectory(dir)) {
      Path out = Files.createTempFile("cluster-stop", ".out");
      try {
        Scripts.run(
            Scripts.command("jobs/cluster", List.of("stop")),
            out,
            out,
            env(dir),
            Duration.ofMinutes(2));
      } finally {
        Files.deleteIfExists(out);
      }
    }
  }

  /** {@code spark://127.0.0.1:PORT}, the last line {@code start} printed. */
  public String masterUrl() {
    return masterUrl;
  }

  public Path dir() {
    return dir;
  }

  /** The master's and the workers' pids. */
  public List<Long> daemonPids() {
    return daemonPids;
  }

  /** Runs {@code jobs/cluster status}; returns its exit code. */
  public int status() throws IOException, InterruptedException {
    return Scripts.run(
        Scripts.command("jobs/cluster", List.of("status")),
        dir.resolve("status.out"),
        dir.resolve("status.err"),
        env(dir),
        Duration.ofMinutes(1));
  }

  /** Runs {@code jobs/cluster stop}; returns its exit code. */
  public int stop() throws IOException, InterruptedException {
    return Scripts.run(
        Scripts.command("jobs/cluster", List.of("stop")),
        dir.resolve("stop.out"),
        dir.resolve("stop.err"),
        env(dir),
        Duration.ofMinutes(2));
  }

  /** Stops the cluster with its script, then kills by pid whatever is left. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      stop();
    } finally {
      for (long pid : daemonPids) {
        Processes.stopTree(pid);
      }
    }
  }
}
