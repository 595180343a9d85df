package io.haloconv.spark;

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
 * naming the file, and the traces would only bury it. Any other failure is logged as before.
 * {@code conf/log4j2.properties} puts it on the console:
 * {@code appender.console.filter.badrecord.type = HaloconvBadRecordFilter}.
 */
@Plugin(name = "HaloconvBadRecordFilter", category = Node.CATEGORY,
    elementType = Filter.ELEMENT_TYPE, printObject = true)
public final class BadRecordLogFilter extends AbstractFilter {
  private BadRecordLogFilter(Result onMatch, Result onMismatch) {
    super(onMatch, onMismatch);
  }

  /** Denies a bad record's reports and lets the rest through, unless configured otherwise. */
  @PluginFactory
  public static BadRecordLogFilter create(@PluginAttribute("onMatch") Result onMatch,
      @PluginAttribute("onMismatch") Result onMismatch) {
    return new BadRecordLogFilter(onMatch == null ? Result.DENY : onMatch,
        onMismatch == null ? Result.NEUTRAL : onMismatch);
  }

  @Override
  public Result filter(LogEvent event) {
    return aboutABadRecord(event) ? onMatch : onMismatch;
  }

  static boolean aboutABadRecord(LogEvent event) {
    String message = event.getMessage() == null ? null
        : event.getMessage().getFormattedMessage();
    if (message != null && message.contains(BadRecordException.MARKER)) {
      return true;
    }
    return BadRecordException.find(event.getThrown()) != null;
  }
}
