package io.haloconv.spark.badrecord;

import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Node;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.config.plugins.PluginAttribute;
import org.apache.logging.log4j.core.config.plugins.PluginFactory;
import org.apache.logging.log4j.core.filter.AbstractFilter;

/**
 * A log4j filter that drops Spark's reports of a task failed by a failfast bad record ("Aborting
 * task", "Exception in task", "Lost task", each with a stack trace): the job ends with one line
 * naming the file, and the traces would only bury it.
 *
 * <p>The bad record also makes Spark abort the job and kill its other tasks, which Spark and Hadoop
 * report without naming the record ("failed 1 times; aborting job", "Task attempt ... aborted",
 * "Could not delete" a killed attempt's files, interrupted writes). For {@link #TEARDOWN_NANOS}
 * after a bad record's report, this filter drops those too: warnings and errors of Spark's and
 * Hadoop's loggers that carry no exception or only an interruption. A different exception in that
 * time is still logged, and so is everything outside it.
 *
 * <p>{@code conf/log4j2.properties} puts it on the console: {@code
 * appender.console.filter.badrecord.type = HaloconvBadRecordFilter}.
 */
@Plugin(
    name = "HaloconvBadRecordFilter",
    category = Node.CATEGORY,
    elementType = Filter.ELEMENT_TYPE,
    printObject = true)
public final class BadRecordLogFilter extends AbstractFilter {
  /** How long after a bad record's report the job's teardown is expected to be logged. */
  static final long TEARDOWN_NANOS = TimeUnit.SECONDS.toNanos(60);

  /** When a bad record was last reported ({@link System#nanoTime}); 0 before the first. */
  private volatile long lastBadRecord;

  private BadRecordLogFilter(Result onMatch, Result onMismatch) {
    super(onMatch, onMismatch);
  }

  /** Denies a bad record's reports and lets the rest through, unless configured otherwise. */
  @PluginFactory
  public static BadRecordLogFilter create(
      @PluginAttribute("onMatch") Result onMatch,
      @PluginAttribute("onMismatch") Result onMismatch) {
    return new BadRecordLogFilter(
        onMatch == null ? Result.DENY : onMatch, onMismatch == null ? Result.NEUTRAL : onMismatch);
  }

  @Override
  public Result filter(LogEvent event) {
    if (aboutABadRecord(event)) {
      lastBadRecord = nonZero(System.nanoTime());
      return onMatch;
    }
    long last = lastBadRecord;
    if (last != 0 && System.nanoTime() - last < TEARDOWN_NANOS && partOfTheTeardown(event)) {
      return onMatch;
    }
    return onMismatch;
  }

  private static long nonZero(long nanos) {
    return nanos == 0 ? 1 : nanos;
  }

  /** A Spark or Hadoop warning or error with no exception, or only an interruption. */
  static boolean partOfTheTeardown(LogEvent event) {
    String logger = event.getLoggerName();
    if (logger == null
        || !(logger.startsWith("org.apache.spark.") || logger.startsWith("org.apache.hadoop."))) {
      return false;
    }
    if (!event.getLevel().isMoreSpecificThan(Level.WARN)) {
      return false;
    }
    for (Throwable t = event.getThrown(); t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof InterruptedException
          || t instanceof InterruptedIOException
          || t instanceof ClosedByInterruptException
          || t.getClass().getName().equals("org.apache.spark.TaskKilledException")) {
        return true;
      }
    }
    return event.getThrown() == null;
  }

  static boolean aboutABadRecord(LogEvent event) {
    String message = event.getMessage() == null ? null : event.getMessage().getFormattedMessage();
    if (message != null && message.contains(BadRecordException.MARKER)) {
      return true;
    }
    return BadRecordException.find(event.getThrown()) != null;
  }
}
