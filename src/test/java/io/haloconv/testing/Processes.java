package io.haloconv.testing;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Stops what the cluster tests start, by pid: each process and everything it started (a worker's
 * executors). Every pid a test learns is registered here too, and a JVM shutdown hook stops those
 * still alive, so a test that fails or hangs before its own clean-up leaves nothing behind.
 */
public final class Processes {
  private static final Set<Long> REGISTERED = new LinkedHashSet<>();

  static {
    Runtime.getRuntime()
        .addShutdownHook(new Thread(Processes::stopRegistered, "stop-test-processes"));
  }

  private Processes() {}

  /** Remembers {@code pid} for the shutdown hook. */
  public static synchronized void register(long pid) {
    REGISTERED.add(pid);
  }

  private static synchronized void stopRegistered() {
    for (long pid : REGISTERED) {
      stopTree(pid);
    }
  }

  /** Kills {@code pid} and its descendants at once (SIGKILL), children first; waits briefly. */
  public static void stopTree(long pid) {
    Optional<ProcessHandle> handle = ProcessHandle.of(pid);
    if (handle.isEmpty()) {
      return;
    }
    List<ProcessHandle> all = new ArrayList<>(handle.get().descendants().toList());
    all.add(handle.get());
    for (ProcessHandle p : all) {
      p.destroyForcibly();
    }
    for (ProcessHandle p : all) {
      awaitExit(p.pid(), Duration.ofSeconds(10));
    }
  }

  /** Sends SIGKILL to one process, as {@code kill -9 PID} does. */
  public static void kill9(long pid) throws IOException, InterruptedException {
    Process kill = new ProcessBuilder("kill", "-9", Long.toString(pid)).inheritIO().start();
    if (kill.waitFor() != 0) {
      throw new IOException("kill -9 " + pid + " failed with exit code " + kill.exitValue());
    }
  }

  /** Whether {@code pid} is a live process. */
  public static boolean alive(long pid) {
    return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
  }

  /** Waits up to {@code limit} for {@code pid} to exit; returns whether it did. */
  public static boolean awaitExit(long pid, Duration limit) {
    long deadline = System.nanoTime() + limit.toNanos();
    while (alive(pid)) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      sleep(50);
    }
    return true;
  }

  /** The command line of a live process, or "" when it is gone or unreadable. */
  public static String commandLine(long pid) {
    return ProcessHandle.of(pid).flatMap(p -> p.info().commandLine()).orElse("");
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
