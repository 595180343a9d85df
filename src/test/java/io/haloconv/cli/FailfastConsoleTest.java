package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.ForkedMain;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees when failfast stops a job: in a separate JVM with the shipped logging
 * configuration, stderr holds haloconv's progress lines and one error line naming the file, and
 * none of Spark's reports of the task failure, the job abort or the other task's interruption.
 */
class FailfastConsoleTest {
  @TempDir Path temp;

  @Test
  void failfastPrintsOneLineNamingTheFile() throws Exception {
    Path input = Files.createDirectories(temp.resolve("in"));
    Files.copy(Path.of("data/images/shapes.png"), input.resolve("good.png"));
    byte[] png = Files.readAllBytes(Path.of("data/images/texture.png"));
    Files.write(input.resolve("cut.png"), Arrays.copyOf(png, 3000));
    Path output = temp.resolve("out");

    List<String> command =
        ForkedMain.command(
            List.of("-Xmx512m"),
            List.of(
                "featurize",
                "--input",
                input.toString(),
                "--filters",
                "data/banks/edges.npz",
                "--output",
                output.toString(),
                "--mode",
                "failfast",
                "--master",
                "local[2]",
                "--conf",
                "spark.ui.enabled=false"));
    Path out = temp.resolve("stdout");
    Path err = temp.resolve("stderr");
    Process process =
        ForkedMain.builder(command)
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    assertThat(process.waitFor(3, TimeUnit.MINUTES)).as("finished in 3 minutes").isTrue();
    String stderr = Files.readString(err, StandardCharsets.UTF_8);

    assertThat(process.exitValue()).as(stderr).isEqualTo(1);
    List<String> lines =
        stderr
            .lines()
            .filter(l -> !l.startsWith("haloconv: probe:") && !l.startsWith("haloconv: convolve:"))
            .filter(l -> !l.startsWith("WARNING: Using incubator modules"))
            .toList();
    assertThat(lines).as(stderr).hasSize(1);
    assertThat(lines.get(0)).startsWith("haloconv: error: ").contains("cut.png", "truncated");
    assertThat(output).doesNotExist();
  }
}
