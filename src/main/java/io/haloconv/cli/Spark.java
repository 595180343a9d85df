package io.haloconv.cli;

import io.haloconv.spark.Sessions;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/**
 * Where a command gets its SparkSession and what it does with it afterwards. The CLI starts one per
 * command and stops it at the end, unless the caller already runs one (Main embedded in a program,
 * or tests), which it uses and leaves running.
 */
interface Spark {
  SparkSession start(SparkFlags flags);

  void finish(SparkSession spark);

  /**
   * The caller's running default session, left running; else a new one from {@link
   * Sessions#create}, stopped when the command ends.
   */
  Spark OWN =
      new Spark() {
        @Override
        public SparkSession start(SparkFlags flags) {
          if (callersSession() != null) {
            return callersSession();
          }
          String confDir = System.getProperty("haloconv.conf.dir");
          try {
            return Sessions.create(
                flags.master(), confDir == null ? null : Path.of(confDir), flags.conf());
          } catch (IOException | RuntimeException e) {
            throw new UsageException("cannot start Spark: " + e.getMessage());
          }
        }

        @Override
        public void finish(SparkSession spark) {
          if (spark != CALLERS.get()) {
            spark.stop();
          }
        }

        private SparkSession callersSession() {
          if (SparkSession.getDefaultSession().isDefined()
              && !SparkSession.getDefaultSession().get().sparkContext().isStopped()) {
            CALLERS.set(SparkSession.getDefaultSession().get());
            return CALLERS.get();
          }
          return null;
        }
      };

  /** The caller's session this thread's command is using, so it is not stopped. */
  ThreadLocal<SparkSession> CALLERS = new ThreadLocal<>();

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
