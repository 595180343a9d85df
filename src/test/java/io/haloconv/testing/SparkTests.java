package io.haloconv.testing;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The one {@code local[2]} SparkSession the Spark tests of a JVM share: Kryo with registration
 * required and haloconv's registrator (so a class missing from it fails a test), UI off, loopback
 * only.
 */
public final class SparkTests {
  private static SparkSession session;

  private SparkTests() {}

  public static synchronized SparkSession session() {
    if (session == null) {
      SparkSession.Builder builder = SparkSession.builder()
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
