package io.haloconv.spark;

import java.io.PrintStream;
import java.util.BitSet;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.apache.spark.SparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * Prints the job's progress on the driver: tiles done out of total, megapixels per second and an
 * ETA. On a terminal it rewrites one line in place; otherwise it prints a plain line every few
 * seconds. Each partition counts once, however many attempts (retries, speculation) it took.
 */
final class ProgressListener extends SparkListener implements AutoCloseable {
  private static final long PRINT_EVERY_NANOS = 2_000_000_000L;
  private static final long PRINT_EVERY_NANOS_TTY = 200_000_000L;

  private final SparkContext sc;
  private final PrintStream out;
  private final boolean terminal;
  private final Set<Integer> trackedStages = new HashSet<>();
  private final BitSet donePartitions = new BitSet();
  private long[] tilesPerPartition = new long[0];
  private long[] pixelsPerPartition = new long[0];
  private long totalTiles;
  private long tilesDone;
  private long pixelsDone;
  private long trackStart;
  private long taskRunMillis;
  private long lastPrint;
  private boolean lineOpen;

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

  synchronized void phase(String name, String detail) {
    endLine();
    out.println("haloconv: " + name + ": " + detail);
  }

  synchronized void trackTiles(long[] tiles, long[] pixels) {
    tilesPerPartition = tiles.clone();
    pixelsPerPartition = pixels.clone();
    totalTiles = 0;
    for (long t : tiles) {
      totalTiles += t;
    }
    tilesDone = 0;
    pixelsDone = 0;
    taskRunMillis = 0;
    donePartitions.clear();
    trackedStages.clear();
    trackStart = System.nanoTime();
    lastPrint = trackStart;
  }

  @Override
  public synchronized void onJobStart(SparkListenerJobStart jobStart) {
    String description = jobStart.properties() == null ? null
        : jobStart.properties().getProperty("spark.job.description");
    if ("haloconv convolve".equals(description)) {
      scala.collection.Iterator<Object> ids = jobStart.stageIds().iterator();
      while (ids.hasNext()) {
        trackedStages.add((Integer) ids.next());
      }
    }
  }

  @Override
  public synchronized void onTaskEnd(SparkListenerTaskEnd taskEnd) {
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

  private void print(long now) {
    double seconds = Math.max((now - trackStart) / 1e9, 1e-3);
    double mps = pixelsDone / 1e6 / seconds;
    double fraction = totalTiles == 0 ? 1 : (double) tilesDone / totalTiles;
    String eta = fraction <= 0 ? "?" : formatSeconds(seconds / fraction - seconds);
    String line = String.format(Locale.ROOT, "haloconv: convolve: %d/%d tiles (%.0f%%), %.1f MP/s, ETA %s",
        tilesDone, totalTiles, 100 * fraction, mps, eta);
    if (terminal) {
      out.print("\r" + line + "\u001b[K");
      lineOpen = true;
    } else {
      out.println(line);
    }
    out.flush();
  }

  private static String formatSeconds(double s) {
    long total = Math.round(s);
    return total >= 3600 ? String.format(Locale.ROOT, "%d:%02d:%02d", total / 3600, total / 60 % 60, total % 60)
        : String.format(Locale.ROOT, "%d:%02d", total / 60, total % 60);
  }

  private void endLine() {
    if (lineOpen) {
      out.println();
      lineOpen = false;
    }
  }

  @Override
  public synchronized void close() {
    sc.removeSparkListener(this);
    endLine();
  }
}
