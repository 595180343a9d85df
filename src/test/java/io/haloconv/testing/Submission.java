package io.haloconv.testing;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One {@code jobs/haloconv-submit} run in the background. The script ends by exec'ing the driver
 * JVM, so once the driver runs {@link #pid} is the driver's pid. {@link #close} kills the process
 * and its descendants if it is still running.
 */
public final class Submission implements AutoCloseable {
  private final Process process;
  private final Path out;
  private final Path err;

  private Submission(Process process, Path out, Path err) {
    this.process = process;
    this.out = out;
    this.err = err;
  }

  /** Starts {@code jobs/haloconv-submit ARGS}, output in {@code logs/NAME.out} and {@code .err}. */
  public static Submission start(Path logs, String name, List<String> args) throws IOException {
    Files.createDirectories(logs);
    Path out = logs.resolve(name + ".out");
    Path err = logs.resolve(name + ".err");
    Process p =
        Scripts.builder(Scripts.command("jobs/haloconv-submit", args), out, err, Map.of()).start();
    Processes.register(p.pid());
    return new Submission(p, out, err);
  }

  public long pid() {
    return process.pid();
  }

  /** Waits for the end; returns the exit code. Kills the driver and fails after {@code limit}. */
  public int await(Duration limit) throws InterruptedException {
    if (!process.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      Processes.stopTree(process.pid());
      throw new IllegalStateException(
          "the submission did not finish within " + limit + ":\n" + output());
    }
    return process.exitValue();
  }

  /** Stdout then stderr, for failure messages. */
  public String output() {
    return Scripts.read(out) + "\n--- stderr ---\n" + Scripts.read(err);
  }

  public String stdout() {
    return Scripts.read(out);
  }

  public boolean alive() {
    return process.isAlive();
  }

  @Override
  public void close() {
    if (process.isAlive()) {
      Processes.stopTree(process.pid());
    }
  }

  /** The attempt log the test-only hook writes: one properties file per task attempt. */
  public static List<Properties> attempts(Path dir) throws IOException {
    List<Properties> all = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return all;
    }
    try (Stream<Path> files = Files.list(dir)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".properties")).sorted().toList()) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
          p.load(in);
        }
        all.add(p);
      }
    }
    return all;
  }
}
