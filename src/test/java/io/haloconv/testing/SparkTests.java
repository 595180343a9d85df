package io.haloconv.testing;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} SparkSession the Spark tests of a JVM share: Kryo with registration
 * required and haloconv's registrator (so a class missing from it fails a test), UI off, loopback
 * only. A session something else stopped is replaced.
 */
public final class SparkTests {
  private static SparkSession session;

  private SparkTests() {}

  public static synchronized SparkSession session() {
    // The CLI's end-to-end tests run Main, which stops the session it gets: start a new one then.
    if (session == null || session.sparkContext().isStopped()) {
      SparkSession.Builder builder =
          SparkSession.builder()
              .master("local[2]")
              .appName("haloconv-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.driver.host", "127.0.0.1")
              .config("spark.driver.bindAddress", "127.0.0.1")
              .config("spark.sql.shuffle.partitions", "2");
      for (Map.Entry<String, String> e : io.haloconv.spark.Sessions.defaults().entrySet()) {
        builder.config(e.getKey(), e.getValue());
      }
      session = builder.getOrCreate();
    }
    return session;
  }
}
