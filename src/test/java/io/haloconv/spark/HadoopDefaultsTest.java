package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;

/** The command's Hadoop defaults reach every Configuration of its JVM, and only the keys meant. */
class HadoopDefaultsTest {
  private static final String THREAD_STATS = "fs.iostatistics.thread.level.enabled";

  @Test
  void threadLevelIoStatisticsAreOffAndOtherKeysKeepHadoopsDefaults() {
    assertThat(getClass().getClassLoader().getResource(Sessions.HADOOP_DEFAULTS))
        .as("the defaults file is on the class path")
        .isNotNull();
    Configuration before = new Configuration();
    String blockSize = before.get("fs.local.block.size");

    Sessions.installHadoopDefaults();

    Configuration after = new Configuration();
    assertThat(after.getBoolean(THREAD_STATS, true)).isFalse();
    assertThat(after.get("fs.local.block.size")).isEqualTo(blockSize);
    assertThat(after.get("fs.defaultFS")).isEqualTo("file:///");
  }
}
