package io.haloconv.spark.task;

import io.haloconv.conv.ConvKernels;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Properties;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;

/**
 * A test-only hook in the convolve stage, for the cluster fault tests. Off by default: with neither
 * setting present, {@link #wrap} returns the task's rows untouched and costs two configuration
 * lookups per task. Each setting is read from the job's local properties ({@code
 * SparkContext.setLocalProperty}, for tests in one JVM), else from the application's Spark
 * configuration ({@code --conf}, which reaches every executor).
 *
 * <ul>
 *   <li>{@value #FAULTS}: comma-separated rules, each acting on the <em>first</em> attempt of a
 *       task only, so retries and speculative copies run clean:
 *       <ul>
 *         <li>{@code delay:MS} waits MS milliseconds before the first tile (a job that lasts long
 *             enough to be killed part-way);
 *         <li>{@code fail:P} fails partition P before its first tile ({@code fail:*} every
 *             partition), a transient failure the retry recovers from;
 *         <li>{@code hold:P:MS} waits MS milliseconds after partition P's last tile, before the
 *             task can finish (a straggler for speculative execution).
 *       </ul>
 *   <li>{@value #ATTEMPT_LOG}: a local directory; every attempt writes one properties file there as
 *       it starts (partition, attempt, executor, host, pid, JVM command, kernel), so a test can see
 *       which process ran what.
 * </ul>
 */
public final class TaskFaults {
  public static final String FAULTS = "spark.haloconv.test.faults";
  public static final String ATTEMPT_LOG = "spark.haloconv.test.attemptLog";

  private TaskFaults() {}

  /** The task's rows, with the configured faults around them; {@code rows} itself when off. */
  static <R> Iterator<R> wrap(Iterator<R> rows) {
    SparkEnv env = SparkEnv.get();
    TaskContext task = TaskContext.get();
    if (env == null || task == null) {
      return rows;
    }
    String rules = setting(env, task, FAULTS);
    String log = setting(env, task, ATTEMPT_LOG);
    if (rules.isEmpty() && log.isEmpty()) {
      return rows;
    }
    if (!log.isEmpty()) {
      record(Path.of(log), env, task);
    }
    if (task.attemptNumber() > 0 || rules.isEmpty()) {
      return rows;
    }
    long delay = 0;
    long hold = 0;
    for (Rule rule : Rule.parseAll(rules)) {
      if (!rule.matches(task.partitionId())) {
        continue;
      }
      switch (rule.kind) {
        case "delay" -> delay += rule.millis;
        case "hold" -> hold += rule.millis;
        case "fail" ->
            throw new IllegalStateException(
                "haloconv test fault ("
                    + FAULTS
                    + "): first attempt of partition "
                    + task.partitionId()
                    + " fails");
        default -> throw new IllegalStateException("unreachable: " + rule.kind);
      }
    }
    sleep(delay);
    return hold == 0 ? rows : new Held<>(rows, hold);
  }

  /** A job's local property (set on the driver's thread) wins over the application's setting. */
  private static String setting(SparkEnv env, TaskContext task, String key) {
    String local = task.getLocalProperty(key);
    return (local != null ? local : env.conf().get(key, "")).trim();
  }

  /** One rule of {@value #FAULTS}. */
  private record Rule(String kind, int partition, long millis) {
    private static final int ANY = -1;

    boolean matches(int p) {
      return partition == ANY || partition == p;
    }

    static List<Rule> parseAll(String text) {
      List<Rule> rules = new ArrayList<>();
      for (String item : text.split(",")) {
        String[] f = item.trim().split(":");
        try {
          switch (f[0]) {
            case "delay" -> rules.add(new Rule("delay", ANY, Long.parseLong(f[1])));
            case "fail" -> rules.add(new Rule("fail", partition(f[1]), 0));
            case "hold" -> rules.add(new Rule("hold", partition(f[1]), Long.parseLong(f[2])));
            default -> throw new IllegalArgumentException("unknown rule");
          }
        } catch (RuntimeException e) {
          throw new IllegalArgumentException(
              FAULTS + " rule must be delay:MS, fail:P or hold:P:MS, got '" + item.trim() + "'");
        }
      }
      return rules;
    }

    private static int partition(String text) {
      return text.equals("*") ? ANY : Integer.parseInt(text);
    }
  }

  /** Rows that wait once they are exhausted, before the task may finish and commit. */
  private static final class Held<R> implements Iterator<R> {
    private final Iterator<R> rows;
    private final long millis;
    private boolean held;

    Held(Iterator<R> rows, long millis) {
      this.rows = rows;
      this.millis = millis;
    }

    @Override
    public boolean hasNext() {
      boolean more = rows.hasNext();
      if (!more && !held) {
        held = true;
        sleep(millis);
      }
      return more;
    }

    @Override
    public R next() {
      return rows.next();
    }
  }

  private static void sleep(long millis) {
    if (millis <= 0) {
      return;
    }
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      // Spark interrupts an attempt it kills (a speculative copy won, the job was cancelled).
      Thread.currentThread().interrupt();
      throw new IllegalStateException("haloconv test fault: interrupted while waiting", e);
    }
  }

  private static void record(Path dir, SparkEnv env, TaskContext task) {
    Properties p = new Properties();
    p.setProperty("partition", Integer.toString(task.partitionId()));
    p.setProperty("attempt", Integer.toString(task.attemptNumber()));
    p.setProperty("stage", task.stageId() + "." + task.stageAttemptNumber());
    p.setProperty("executor", env.executorId());
    p.setProperty("host", env.blockManager().blockManagerId().host());
    p.setProperty("pid", Long.toString(ProcessHandle.current().pid()));
    p.setProperty("command", System.getProperty("sun.java.command", ""));
    p.setProperty("kernel", ConvKernels.implementation());
    String name =
        "p"
            + task.partitionId()
            + "-a"
            + task.attemptNumber()
            + "-t"
            + task.taskAttemptId()
            + ".properties";
    try {
      Files.createDirectories(dir);
      StringWriter text = new StringWriter();
      p.store(text, null);
      // Written aside and renamed, so a reader never sees half a file.
      Path part = Files.createTempFile(dir, ".", ".tmp");
      Files.writeString(part, text.toString(), StandardCharsets.UTF_8);
      Files.move(part, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the attempt log in " + dir, e);
    }
  }
}
