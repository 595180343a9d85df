package io.haloconv.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the project's jobs/ scripts as a user would, from the checkout, with output to files. The
 * environment is the test JVM's minus anything that would point the scripts elsewhere (a Spark
 * installation, a user's haloconv settings), plus {@code HALOCONV_NO_BUILD=1}: Maven has just built
 * target/haloconv.jar and target/classpath.txt, and a script must not start a build of its own.
 */
public final class Scripts {
  private Scripts() {}

  /** The checkout: Maven runs tests in the project directory. */
  public static Path root() {
    return Path.of("").toAbsolutePath();
  }

  static ProcessBuilder builder(List<String> command, Path out, Path err, Map<String, String> env) {
    ProcessBuilder pb = new ProcessBuilder(command).directory(root().toFile());
    Map<String, String> environment = pb.environment();
    environment.keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HALOCONV_"));
    environment.put("HALOCONV_NO_BUILD", "1");
    environment.putAll(env);
    pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
    pb.redirectOutput(out.toFile());
    pb.redirectError(err.toFile());
    return pb;
  }

  /** Runs a script to its end (killing it after {@code limit}); returns its exit code. */
  public static int run(
      List<String> command, Path out, Path err, Map<String, String> env, Duration limit)
      throws IOException, InterruptedException {
    Process p = builder(command, out, err, env).start();
    Processes.register(p.pid());
    if (!p.waitFor(limit.toSeconds(), TimeUnit.SECONDS)) {
      Processes.stopTree(p.pid());
      throw new IllegalStateException(
          String.join(" ", command)
              + " did not finish within "
              + limit
              + "; output:\n"
              + read(out)
              + read(err));
    }
    return p.exitValue();
  }

  static String read(Path file) {
    try {
      return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    } catch (IOException e) {
      return "(cannot read " + file + ": " + e.getMessage() + ")";
    }
  }

  public static List<String> command(String script, List<String> args) {
    List<String> command = new ArrayList<>();
    command.add(root().resolve(script).toString());
    command.addAll(args);
    return command;
  }
}
