package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.FileTrees;
import io.haloconv.testing.SparkTests;
import io.haloconv.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The failure behaviour of design.md §4 through the command line, end to end, with embedded Spark:
 * failfast exits 1 naming the file and leaves no output, or the previous output as it was; the
 * other modes exit 0 and say how many files failed. {@link Main} runs in the tests' shared session,
 * which it leaves running.
 */
class CliJobTest {
  @TempDir Path temp;
  Path good;
  Path mixed;

  static SparkSession shared;

  @BeforeAll
  static void shareTheTestSession() {
    shared = SparkTests.session();
  }

  @AfterAll
  static void mainLeftTheSessionRunning() {
    assertThat(shared.sparkContext().isStopped()).isFalse();
  }

  @BeforeEach
  void writeInputs() throws IOException {
    good = Files.createDirectories(temp.resolve("good"));
    Files.write(good.resolve("a.png"), TestImages.png(30, 20, 1));
    mixed = Files.createDirectories(temp.resolve("mixed"));
    Files.write(mixed.resolve("a.png"), TestImages.png(30, 20, 1));
    Files.write(mixed.resolve("cut.png"), TestImages.truncate(TestImages.png(48, 40, 2), 0.5));
  }

  private static String[] featurize(Path input, Path output, String... extra) {
    return CliRuns.append(
        new String[] {
          "featurize",
          "--input",
          input.toString(),
          "--filters",
          "preset:sobel",
          "--output",
          output.toString(),
          "--master",
          "local[2]",
          "--conf",
          "spark.ui.enabled=false"
        },
        extra);
  }

  @Test
  void failfastExitsOneNamingTheFileAndLeavesNoOutput() throws IOException {
    Path out = temp.resolve("out");
    CliRuns.Result r = CliRuns.run(featurize(mixed, out, "--mode", "failfast"));
    assertThat(r.code()).as(r.err()).isEqualTo(1);
    String last = r.err().strip().lines().reduce((a, b) -> b).orElseThrow();
    assertThat(last)
        .isEqualTo(
            "haloconv: error: file:"
                + mixed.resolve("cut.png")
                + ": decode failed: truncated PNG: Error reading PNG image data: Unexpected end of ZLIB"
                + " input stream");
    assertThat(out).doesNotExist();
    try (Stream<Path> left = Files.list(temp)) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("good", "mixed");
    }
  }

  @Test
  void failfastWithOverwriteLeavesThePreviousOutputAsItWas() throws IOException {
    Path out = temp.resolve("out");
    CliRuns.Result first = CliRuns.run(featurize(good, out));
    assertThat(first.code()).as(first.err()).isZero();
    Map<String, String> before = FileTrees.snapshot(out);

    CliRuns.Result failed = CliRuns.run(featurize(mixed, out, "--mode", "failfast", "--overwrite"));
    assertThat(failed.code()).isEqualTo(1);
    assertThat(failed.err()).contains("cut.png: decode failed: truncated PNG");
    assertThat(FileTrees.snapshot(out)).isEqualTo(before);
    assertThat(Files.readString(out.resolve("_manifest.json")))
        .contains(good.toString())
        .doesNotContain(mixed.toString());
  }

  @Test
  void permissiveAndDropmalformedFinishAndCountTheFailure() {
    CliRuns.Result permissive = CliRuns.run(featurize(mixed, temp.resolve("p")));
    assertThat(permissive.code()).as(permissive.err()).isZero();
    assertThat(permissive.out())
        .contains("images   2 files: 1 written, 1 failed (see _errors/ or the manifest)");
    assertThat(temp.resolve("p/_errors")).isDirectory();

    CliRuns.Result drop =
        CliRuns.run(featurize(mixed, temp.resolve("d"), "--mode", "dropmalformed"));
    assertThat(drop.code()).as(drop.err()).isZero();
    assertThat(drop.out()).contains("images   2 files: 1 written, 1 failed");
    assertThat(temp.resolve("d/_errors")).doesNotExist();
  }
}
