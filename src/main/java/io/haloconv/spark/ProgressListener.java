package io.haloconv.spark;

import io.haloconv.spark.task.TaskMetrics;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.AccumulableInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorMetricsUpdate;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.util.LongAccumulator;
import scala.Tuple4;
import scala.collection.Iterator;
import scala.collection.immutable.Seq;

/**
 * Prints the job's progress on the driver: tiles (or images) done out of total, megapixels per
 * second, time elapsed and an ETA. On a terminal it rewrites one line in place, refreshed every
 * half second even while long tasks run; otherwise it prints a plain line when tasks finish, at
 * most every two seconds, and at least every {@value #HEARTBEAT_SECONDS} seconds while work goes
 * on. Each partition counts once, however many attempts (retries, speculation) it took.
 */
final class ProgressListener extends SparkListener implements AutoCloseable {
  private static final long PRINT_EVERY_NANOS = 2_000_000_000L;
  private static final long PRINT_EVERY_NANOS_TTY = 200_000_000L;
  static final long HEARTBEAT_SECONDS = 30;

  private final SparkContext sc;
  private final PrintStream out;
  private final boolean terminal;
  private final Set<Integer> trackedStages = new HashSet<>();
  private final BitSet donePartitions = new BitSet();
  private long[] tilesPerPartition = new long[0];
  private long[] pixelsPerPartition = new long[0];
  private long totalTiles;
  private long totalPixels;
  private long tilesDone;
  private long pixelsDone;
  private long trackStart;
  private long taskRunMillis;
  private long lastPrint;
  private boolean lineOpen;
  private String unit = "tiles";

  /** Input pixels read so far, when they are only known as tasks run (Parquet inputs). */
  private LongAccumulator pixelCounter;

  private ScheduledExecutorService ticker;

  /** Tiles done so far by tasks still running, by task id, from executor heartbeats. */
  private final Map<Long, Long> runningTiles = new HashMap<>();

  private ProgressListener(SparkContext sc, PrintStream out, boolean terminal) {
    this.sc = sc;
    this.out = out;
    this.terminal = terminal;
  }

  static ProgressListener attach(SparkContext sc, PrintStream out) {
    ProgressListener listener = new ProgressListener(sc, out, System.console() != null);
    sc.addSparkListener(listener);
    return listener;
  }

  /** Which stage of the convolve job runs the tiles, counted from its last (result) stage. */
  private int stagesFromEnd;

  synchronized void phase(String name, String detail) {
    endLine();
    out.println("haloconv: " + name + ": " + detail);
  }

  synchronized void trackTiles(long[] tiles, long[] pixels) {
    trackTiles(tiles, pixels, false);
  }

  /**
   * @param beforeResult the tiles run in the stage before the convolve job's result stage (a stack
   *     ending in a pool, whose result stage merges the tiles' partials and writes)
   */
  synchronized void trackTiles(long[] tiles, long[] pixels, boolean beforeResult) {
    track("tiles", tiles, pixels, null);
    stagesFromEnd = beforeResult ? 1 : 0;
  }

  /**
   * Tracks images instead of tiles, {@code images[p]} in partition p, with the pixels read counted
   * by {@code pixels} as tasks finish.
   */
  synchronized void trackImages(long[] images, LongAccumulator pixels) {
    track("images", images, new long[images.length], pixels);
  }

  private void track(String what, long[] tiles, long[] pixels, LongAccumulator counter) {
    unit = what;
    pixelCounter = counter;
    startTicker();
    tilesPerPartition = tiles.clone();
    pixelsPerPartition = pixels.clone();
    totalTiles = 0;
    for (long t : tiles) {
      totalTiles += t;
    }
    totalPixels = 0;
    for (long p : pixels) {
      totalPixels += p;
    }
    tilesDone = 0;
    pixelsDone = 0;
    runningTiles.clear();
    taskRunMillis = 0;
    donePartitions.clear();
    trackedStages.clear();
    trackStart = System.nanoTime();
    lastPrint = trackStart;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    String description =
        jobStart.properties() == null
            ? null
            : jobStart.properties().getProperty("spark.job.description");
    if ("haloconv convolve".equals(description)) {
      // Only the result stage runs tiles; a shuffle stage before it (grouping tile descriptors)
      // has partitions of its own. Parent stages are created first, so the result stage's id is
      // the largest.
      // For embeddings the tiles run in the stage before that one (stagesFromEnd 1).
      List<Integer> ids = new ArrayList<>();
      Iterator<Object> it = jobStart.stageIds().iterator();
      while (it.hasNext()) {
        ids.add((Integer) it.next());
      }
      ids.sort(null);
      if (ids.size() > stagesFromEnd) {
        trackedStages.add(ids.get(ids.size() - 1 - stagesFromEnd));
      }
    }
  }

  /**
   * Executors report running tasks' accumulators with their heartbeats (every {@code
   * spark.executor.heartbeatInterval}, 10 s by default): the tiles a long task has done so far, so
   * progress moves before the task ends.
   */
  @Override
  public synchronized void onExecutorMetricsUpdate(SparkListenerExecutorMetricsUpdate update) {
    if (!unit.equals("tiles")) {
      return;
    }
    Iterator<Tuple4<Object, Object, Object, Seq<AccumulableInfo>>> tasks =
        update.accumUpdates().iterator();
    while (tasks.hasNext()) {
      Tuple4<Object, Object, Object, Seq<AccumulableInfo>> task = tasks.next();
      if (!trackedStages.contains((Integer) task._2())) {
        continue;
      }
      Iterator<AccumulableInfo> infos = task._4().iterator();
      while (infos.hasNext()) {
        AccumulableInfo info = infos.next();
        if (info.name().isDefined()
            && TaskMetrics.TILES.equals(info.name().get())
            && info.update().isDefined()
            && info.update().get() instanceof Long done) {
          runningTiles.put((Long) task._1(), done);
        }
      }
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
    runningTiles.remove(taskEnd.taskInfo().taskId());
    if (!trackedStages.contains(taskEnd.stageId()) || !taskEnd.taskInfo().successful()) {
      return;
    }
    if (taskEnd.taskMetrics() != null) {
      taskRunMillis += taskEnd.taskMetrics().executorRunTime();
    }
    int partition = taskEnd.taskInfo().partitionId();
    if (partition < 0 || partition >= tilesPerPartition.length || donePartitions.get(partition)) {
      return;
    }
    donePartitions.set(partition);
    tilesDone += tilesPerPartition[partition];
    pixelsDone += pixelsPerPartition[partition];
    long now = System.nanoTime();
    if (now - lastPrint >= (terminal ? PRINT_EVERY_NANOS_TTY : PRINT_EVERY_NANOS)
        || tilesDone == totalTiles) {
      lastPrint = now;
      print(now);
    }
  }

  /**
   * Run time of the convolve job's successful tasks, summed: the denominator of the split between
   * read, convolve, encode and the rest (Parquet writing, Spark). Listener events arrive
   * asynchronously, so call after the job and {@link #drain}.
   */
  synchronized double taskSeconds() {
    return taskRunMillis / 1e3;
  }

  /** Waits until the listener bus has delivered every event posted so far. */
  void drain() {
    try {
      sc.listenerBus().waitUntilEmpty(10_000);
    } catch (Exception e) {
      // the split is informative only; a late event makes it a little low
    }
  }

  /**
   * Refreshes the line while tasks run, so elapsed time moves and a quiet job shows it is alive.
   */
  private void startTicker() {
    if (ticker != null) {
      return;
    }
    ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "haloconv-progress");
              t.setDaemon(true);
              return t;
            });
    long period = terminal ? 500 : 1000;
    ticker.scheduleAtFixedRate(this::tick, period, period, TimeUnit.MILLISECONDS);
  }

  private synchronized void tick() {
    if (totalTiles == 0 || tilesDone == totalTiles) {
      return;
    }
    long now = System.nanoTime();
    if (terminal || now - lastPrint >= HEARTBEAT_SECONDS * 1_000_000_000L) {
      lastPrint = now;
      print(now);
    }
  }

  private void print(long now) {
    double seconds = Math.max((now - trackStart) / 1e9, 1e-3);
    long running = 0;
    for (long n : runningTiles.values()) {
      running += n;
    }
    long shown = Math.min(totalTiles, tilesDone + running);
    // Tiles of running tasks count with the average pixels of a tile.
    long pixels =
        pixelCounter != null
            ? pixelCounter.value()
            : pixelsDone + (totalTiles == 0 ? 0 : running * totalPixels / totalTiles);
    double mps = pixels / 1e6 / seconds;
    double fraction = totalTiles == 0 ? 1 : (double) shown / totalTiles;
    // Before a task has finished or 5% is done, the rate mostly measures start-up: no ETA yet.
    String eta =
        tilesDone == 0 && fraction < 0.05 ? "?" : formatSeconds(seconds / fraction - seconds);
    String line =
        String.format(
            Locale.ROOT,
            "haloconv: convolve: %d/%d %s (%.0f%%), %.1f MP/s, %s elapsed, ETA %s",
            shown,
            totalTiles,
            unit,
            100 * fraction,
            mps,
            formatSeconds(seconds),
            eta);
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      lineOpen = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  // Not cli.TextTable: this runs in spark, which may not import cli, and wants h:mm:ss for ETAs.
  private static String formatSeconds(double s) {
    long total = Math.round(s);
    return total >= 3600
        ? String.format(Locale.ROOT, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
        : String.format(Locale.ROOT, "%d:%02d", total / 60, total % 60);
  }

  private void endLine() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  @Override
  public void close() {
    if (ticker != null) {
      ticker.shutdownNow();
    }
    synchronized (this) {
      sc.removeSparkListener(this);
      endLine();
    }
  }
}
