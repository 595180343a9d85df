package io.haloconv.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line of a separate JVM running {@code io.haloconv.cli.Main} as the launcher would:
 * the flags of conf/jvm.options, the shipped logging configuration, loopback addresses, and the
 * test classpath (tests run before target/haloconv.jar is packaged). For tests of what only a whole
 * process shows: its heap limit, its console.
 */
public final class ForkedMain {
  private ForkedMain() {}

  /**
   * @param jvmFlags extra JVM flags, before the class path (a heap size, say)
   * @param args the arguments of {@code Main}
   */
  public static List<String> command(List<String> jvmFlags, List<String> args) throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(jvmFlags);
    for (String line : Files.readAllLines(Path.of("conf/jvm.options"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        command.add(line.strip());
      }
    }
    command.add("-Dlog4j2.configurationFile=" + Path.of("conf/log4j2.properties").toAbsolutePath());
    command.add("-Dspark.driver.host=127.0.0.1");
    command.add("-Dspark.driver.bindAddress=127.0.0.1");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add("io.haloconv.cli.Main");
    command.addAll(args);
    return command;
  }

  /** A process builder for {@code command} with {@code SPARK_LOCAL_IP} on loopback. */
  public static ProcessBuilder builder(List<String> command) {
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    return builder;
  }
}
