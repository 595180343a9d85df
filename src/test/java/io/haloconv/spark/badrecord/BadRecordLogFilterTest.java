package io.haloconv.spark.badrecord;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.FileInputStream;
import java.io.IOException;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.properties.PropertiesConfiguration;
import org.apache.logging.log4j.core.config.properties.PropertiesConfigurationFactory;
import org.apache.logging.log4j.core.filter.AbstractFilterable;
import org.apache.logging.log4j.core.impl.Log4jLogEvent;
import org.apache.logging.log4j.message.SimpleMessage;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** Spark's traces of a failfast task failure are dropped from the console; nothing else is. */
class BadRecordLogFilterTest {
  private static LogEvent event(String message, Throwable thrown) {
    return Log4jLogEvent.newBuilder()
        .setLevel(Level.ERROR)
        .setLoggerName("Executor")
        .setMessage(new SimpleMessage(message))
        .setThrown(thrown)
        .build();
  }

  @Test
  void dropsReportsOfABadRecordAndKeepsEverythingElse() {
    BadRecordLogFilter filter = BadRecordLogFilter.create(null, null);
    BadRecordException bad =
        new BadRecordException(
            new BadRecord("file:/d/x.png", "decode", "truncated", "truncated PNG"));
    assertThat(filter.filter(event("Exception in task 0.0", bad))).isEqualTo(Filter.Result.DENY);
    assertThat(
            filter.filter(
                event(
                    "Job aborted",
                    new SparkException("stage failure", new RuntimeException("wrapped", bad)))))
        .isEqualTo(Filter.Result.DENY);
    assertThat(filter.filter(event("Lost task 0.0: " + bad, null))).isEqualTo(Filter.Result.DENY);
    assertThat(filter.filter(event("Exception in task 0.0", new NullPointerException("bug"))))
        .isEqualTo(Filter.Result.NEUTRAL);
    assertThat(filter.filter(event("Lost executor 3", null))).isEqualTo(Filter.Result.NEUTRAL);
  }

  private static LogEvent event(Level level, String logger, String message, Throwable thrown) {
    return Log4jLogEvent.newBuilder()
        .setLevel(level)
        .setLoggerName(logger)
        .setMessage(new SimpleMessage(message))
        .setThrown(thrown)
        .build();
  }

  @Test
  void dropsTheJobsTeardownOnlyAfterABadRecord() {
    BadRecordLogFilter filter = BadRecordLogFilter.create(null, null);
    LogEvent aborting =
        event(
            Level.ERROR,
            "org.apache.spark.scheduler.TaskSetManager",
            "Task 1 in stage 3.0 failed 1 times; aborting job",
            null);
    LogEvent interrupted =
        event(
            Level.ERROR,
            "org.apache.spark.util.Utils",
            "Aborting task",
            new java.io.InterruptedIOException("java.lang.InterruptedException"));
    LogEvent notDeleted =
        event(
            Level.WARN,
            "org.apache.hadoop.mapreduce.lib.output.FileOutputCommitter",
            "Could not delete x",
            null);
    LogEvent bug =
        event(
            Level.ERROR,
            "org.apache.spark.executor.Executor",
            "Exception in task 0.0",
            new NullPointerException("bug"));
    LogEvent ours = event(Level.ERROR, "io.haloconv.spark.FeaturizeJob", "something", null);
    LogEvent info = event(Level.INFO, "org.apache.spark.SparkContext", "stopped", null);

    // Before any bad record, a job abort is news: every line is kept.
    for (LogEvent e : new LogEvent[] {aborting, interrupted, notDeleted, bug, ours, info}) {
      assertThat(filter.filter(e))
          .as(e.getMessage().getFormattedMessage())
          .isEqualTo(Filter.Result.NEUTRAL);
    }
    BadRecordException bad =
        new BadRecordException(
            new BadRecord("file:/d/x.png", "decode", "truncated", "truncated PNG"));
    assertThat(
            filter.filter(event(Level.ERROR, "org.apache.spark.util.Utils", "Aborting task", bad)))
        .isEqualTo(Filter.Result.DENY);
    // Then the abort it causes is dropped; a different exception, haloconv's own lines and
    // lines below WARN are not.
    assertThat(filter.filter(aborting)).isEqualTo(Filter.Result.DENY);
    assertThat(filter.filter(interrupted)).isEqualTo(Filter.Result.DENY);
    assertThat(filter.filter(notDeleted)).isEqualTo(Filter.Result.DENY);
    assertThat(filter.filter(bug)).isEqualTo(Filter.Result.NEUTRAL);
    assertThat(filter.filter(ours)).isEqualTo(Filter.Result.NEUTRAL);
    assertThat(filter.filter(info)).isEqualTo(Filter.Result.NEUTRAL);
  }

  @Test
  void theShippedLoggingConfigurationPutsItOnTheConsole() throws IOException {
    try (FileInputStream in = new FileInputStream("conf/log4j2.properties")) {
      PropertiesConfiguration config =
          new PropertiesConfigurationFactory().getConfiguration(null, new ConfigurationSource(in));
      config.initialize();
      Appender console = config.getAppender("console");
      assertThat(((AbstractFilterable) console).getFilter()).isInstanceOf(BadRecordLogFilter.class);
    }
  }
}
