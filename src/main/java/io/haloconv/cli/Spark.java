package io.haloconv.cli;

import io.haloconv.spark.Sessions;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Where a command gets its SparkSession and what it does with it afterwards. The CLI starts one per
 * command and stops it at the end; tests hand every command their shared session and keep it.
 */
interface Spark {
  SparkSession start(SparkFlags flags);

  void finish(SparkSession spark);

  /** A new session per command, from {@link Sessions#create}, stopped when the command ends. */
  Spark OWN = new Spark() {
    @Override
    public SparkSession start(SparkFlags flags) {
      String confDir = System.getProperty("haloconv.conf.dir");
      try {
        return Sessions.create(flags.master(), confDir == null ? null : Path.of(confDir),
            flags.conf());
      } catch (java.io.IOException | RuntimeException e) {
        throw new UsageException("cannot start Spark: " + e.getMessage());
      }
    }

    @Override
    public void finish(SparkSession spark) {
      spark.stop();
    }
  };

  /** Uses {@code session} and leaves it running. */
  static Spark shared(SparkSession session) {
    return new Spark() {
      @Override
      public SparkSession start(SparkFlags flags) {
        return session;
      }

      @Override
      public void finish(SparkSession spark) {}
    };
  }
}
