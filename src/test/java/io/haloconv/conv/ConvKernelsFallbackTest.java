package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The portable fallback: a JVM started without {@code --add-modules jdk.incubator.vector} still
 * loads {@link ConvKernels}, chooses the portable kernel and computes correct results. Tested in a
 * child JVM (this one has the module), running {@link FallbackProbe} on the test classpath.
 */
class ConvKernelsFallbackTest {

  @Test
  void jvmWithoutTheIncubatorModuleFallsBackToTheDirectKernel() throws Exception {
    String out = runProbe(List.of());
    assertThat(out)
        .contains("implementation=direct")
        .contains("reason=the JVM was started without --add-modules jdk.incubator.vector")
        .contains(
            "vector=refused: vector kernel unavailable: the JVM was started without "
                + "--add-modules jdk.incubator.vector")
        .contains("checked=60 ok");
  }

  @Test
  void jvmWithTheIncubatorModuleChoosesTheVectorKernel() throws Exception {
    String out = runProbe(List.of("--add-modules=jdk.incubator.vector"));
    assertThat(out).contains("implementation=vector").contains("checked=60 ok");
  }

  @Test
  void directPropertyForcesThePortableKernelEvenWithTheModule() throws Exception {
    String out =
        runProbe(List.of("--add-modules=jdk.incubator.vector", "-Dhaloconv.kernel=direct"));
    assertThat(out).contains("implementation=direct").contains("checked=60 ok");
  }

  private static String runProbe(List<String> jvmOptions) throws IOException, InterruptedException {
    Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
    List<String> command = new ArrayList<>();
    command.add(java.toString());
    command.add("-Xshare:auto");
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(FallbackProbe.class.getName());
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    boolean done = process.waitFor(120, TimeUnit.SECONDS);
    if (!done) {
      process.destroyForcibly();
      throw new AssertionError("probe JVM did not finish in 120 s: " + command);
    }
    String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(out).isZero();
    return out;
  }
}
