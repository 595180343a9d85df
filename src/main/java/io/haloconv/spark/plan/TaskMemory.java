package io.haloconv.spark.plan;

import io.haloconv.io.MemoryBudget;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkContext;

/**
 * What one task may spend decoding an image whole ({@link MemoryBudget}), worked out on the driver
 * from the session's settings and shipped to where images are probed and planned as a plain value.
 *
 * <p>The heap tasks share is the executor's ({@code spark.executor.memory}), or in local mode the
 * driver's own (the JVM the tasks run in: {@code --driver-memory}). Spark keeps 300 MiB of it for
 * itself; {@value #USABLE_PERCENT}% of the rest, divided by the tasks an executor runs at once
 * ({@code spark.executor.cores / spark.task.cpus}, or the N of {@code local[N]}), is one task's
 * share. The other {@value #MARGIN_PERCENT}% is the safety margin: Spark's own structures, the
 * tile's maps, the Parquet writer's buffers and the collector's headroom.
 */
public final class TaskMemory {
  /**
   * Test-only: the bytes one task may use, instead of the share worked out from the heap, so a test
   * can let a decode past the check that is sure to run out of memory.
   */
  public static final String TEST_TASK_BYTES_KEY = "spark.haloconv.test.taskMemory";

  /** What Spark reserves of every heap (its {@code RESERVED_SYSTEM_MEMORY_BYTES}). */
  static final long SPARK_RESERVED = 300L << 20;

  static final int USABLE_PERCENT = 70;
  static final int MARGIN_PERCENT = 100 - USABLE_PERCENT;

  private static final Pattern LOCAL = Pattern.compile("local(?:\\[(\\*|\\d+)(?:,\\d+)?])?");
  private static final Pattern LOCAL_CLUSTER =
      Pattern.compile("local-cluster\\[\\s*\\d+\\s*,\\s*(\\d+)\\s*,\\s*\\d+\\s*]");

  private TaskMemory() {}

  /** The budget of the session's tasks. */
  public static MemoryBudget of(SparkContext sc) {
    SparkConf conf = sc.getConf();
    String override = conf.get(TEST_TASK_BYTES_KEY, null);
    if (override != null) {
      return new MemoryBudget(Long.parseLong(override.trim()), TEST_TASK_BYTES_KEY);
    }
    String master = sc.master();
    int taskCpus = Math.max(1, conf.getInt("spark.task.cpus", 1));
    long reserved =
        conf.contains("spark.testing.reservedMemory")
            ? conf.getSizeAsBytes("spark.testing.reservedMemory")
            : SPARK_RESERVED;
    Matcher local = LOCAL.matcher(master);
    long heap;
    int tasks;
    String where;
    if (local.matches()) {
      heap = Runtime.getRuntime().maxMemory();
      String threads = local.group(1);
      int cores =
          threads == null
              ? 1
              : threads.equals("*")
                  ? Runtime.getRuntime().availableProcessors()
                  : Integer.parseInt(threads);
      tasks = Math.max(1, cores / taskCpus);
      where = "driver heap (local mode: --driver-memory)";
    } else {
      heap = conf.getSizeAsBytes("spark.executor.memory", "1g");
      tasks = Math.max(1, executorCores(sc, conf, master) / taskCpus);
      where = "executor heap (spark.executor.memory)";
    }
    return of(heap, reserved, tasks, where);
  }

  /**
   * The budget of {@code tasks} tasks at once sharing {@code heap} bytes, less {@code reserved}.
   */
  static MemoryBudget of(long heap, long reserved, int tasks, String where) {
    long usable = Math.max(0, heap - reserved) / 100 * USABLE_PERCENT;
    long perTask = Math.max(1, usable / tasks);
    return new MemoryBudget(
        perTask,
        String.format(
            Locale.ROOT,
            "%s %.0f MiB, less %.0f MiB Spark keeps, %d%% of the rest over %d task(s) at once",
            where,
            heap / 1048576.0,
            Math.min(heap, reserved) / 1048576.0,
            USABLE_PERCENT,
            tasks));
  }

  /**
   * Cores of one executor: {@code spark.executor.cores}; else the cores per worker of {@code
   * local-cluster[N,C,M]}; else on a standalone master, where an executor takes all its worker's
   * cores, the cluster's cores over its executors; else 1 (YARN's and Kubernetes' default).
   */
  private static int executorCores(SparkContext sc, SparkConf conf, String master) {
    if (conf.contains("spark.executor.cores")) {
      return conf.getInt("spark.executor.cores", 1);
    }
    Matcher cluster = LOCAL_CLUSTER.matcher(master);
    if (cluster.matches()) {
      return Integer.parseInt(cluster.group(1));
    }
    if (master.startsWith("spark://")) {
      int executors = Math.max(1, sc.statusTracker().getExecutorInfos().length - 1); // the driver
      return Math.max(1, sc.defaultParallelism() / executors);
    }
    return 1;
  }
}
