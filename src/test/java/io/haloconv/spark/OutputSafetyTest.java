package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.spark.output.WriteMode;
import io.haloconv.stack.LayerStack;
import io.haloconv.testing.FaultyFileSystem;
import io.haloconv.testing.FileTrees;
import io.haloconv.testing.SparkTests;
import io.haloconv.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The output appears whole or not at all: an existing output is never touched without {@code
 * --overwrite}; {@code _manifest.json} and {@code _SUCCESS} are written last, then the dataset is
 * renamed into place; a failure at any of those steps leaves no output, or the previous one intact;
 * the same job run twice gives the same bytes. Writes go through the {@code faulty:} file system,
 * which records every create and rename and fails them on cue.
 */
class OutputSafetyTest {
  @TempDir Path temp;
  Path input;
  Path out;
  FilterBank bank;

  @BeforeEach
  void writeInput() throws IOException {
    input = Files.createDirectories(temp.resolve("input"));
    Files.write(input.resolve("a.png"), TestImages.png(40, 30, 1));
    Files.write(input.resolve("b.png"), TestImages.png(20, 50, 2));
    Files.writeString(input.resolve("c.png"), "not an image");
    out = temp.resolve("out");
    bank = FilterBanks.random(3, 3, 3, 4);
  }

  @AfterEach
  void resetFaults() {
    FaultyFileSystem.reset();
  }

  private JobConfig config(WriteMode writeMode) {
    return JobConfig.builder(
            input.toString(),
            FaultyFileSystem.uri(out),
            LayerStack.of(bank, ConvSpec.builder(bank).build(), "random:3,3,3,4"))
        .tile(16, 16)
        .writeMode(writeMode)
        .build();
  }

  @Test
  void anExistingOutputIsNeverTouchedWithoutOverwrite() throws IOException {
    Files.createDirectories(out.resolve("part"));
    Files.writeString(out.resolve("keep.txt"), "precious");
    Files.writeString(out.resolve("part/data.bin"), "also precious");
    Map<String, String> before = FileTrees.snapshot(temp);

    assertThatThrownBy(
            () -> FeaturizeJob.run(SparkTests.session(), config(WriteMode.ERROR_IF_EXISTS)))
        .isInstanceOf(JobException.class)
        .hasMessageEndingWith("already exists; pass --overwrite to replace it")
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(2));
    assertThat(FileTrees.snapshot(temp)).isEqualTo(before); // no lock, no staging, nothing changed
    assertThat(FaultyFileSystem.events()).isEmpty();
  }

  @Test
  void manifestAndSuccessAreWrittenLastThenTheDatasetIsRenamedIntoPlace() {
    FeaturizeJob.run(SparkTests.session(), config(WriteMode.ERROR_IF_EXISTS));
    List<String> events = FaultyFileSystem.events();
    List<String> creates = events.stream().filter(e -> e.startsWith("create ")).toList();
    assertThat(creates.get(creates.size() - 2)).endsWith("/_manifest.json");
    assertThat(creates.get(creates.size() - 1)).endsWith("/_SUCCESS");
    int success = events.indexOf(creates.get(creates.size() - 1));
    // After _SUCCESS, only the swap: the staging directory renamed to the output.
    assertThat(events.subList(success + 1, events.size()))
        .singleElement()
        .satisfies(
            e ->
                assertThat(e)
                    .matches("rename .*/\\.out\\.haloconv-staging-[^/]* -> " + "faulty:" + out));
    // Every feature and _errors file was in place before the manifest was written.
    assertThat(events.subList(0, success - 1))
        .noneMatch(e -> e.contains("_manifest.json") || e.contains("_SUCCESS"));
    assertThat(out.resolve("_SUCCESS")).exists();
    assertThat(out.resolve("_errors")).isDirectory();
  }

  @Test
  void aFailureWritingTheManifestLeavesNoOutput() throws IOException {
    FaultyFileSystem.failCreates(path -> path.getName().equals("_manifest.json"));
    assertThatThrownBy(
            () -> FeaturizeJob.run(SparkTests.session(), config(WriteMode.ERROR_IF_EXISTS)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("injected failure creating")
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(1));
    assertThat(out).doesNotExist();
    try (Stream<Path> siblings = Files.list(temp)) {
      assertThat(siblings.map(p -> p.getFileName().toString())).containsExactly("input");
    }
  }

  @Test
  void aFailedOverwriteLeavesThePreviousOutputAsItWas() throws IOException {
    FeaturizeJob.run(SparkTests.session(), config(WriteMode.ERROR_IF_EXISTS));
    Map<String, String> before = FileTrees.snapshot(out);
    byte[] manifest = Files.readAllBytes(out.resolve("_manifest.json"));

    FaultyFileSystem.failCreates(path -> path.getName().equals("_SUCCESS"));
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), config(WriteMode.OVERWRITE)))
        .isInstanceOf(JobException.class);
    assertThat(FileTrees.snapshot(out)).isEqualTo(before);
    assertThat(out.resolve("_manifest.json")).hasBinaryContent(manifest);
  }

  @Test
  void aFailedSwapPutsThePreviousOutputBack() throws IOException {
    FeaturizeJob.run(SparkTests.session(), config(WriteMode.ERROR_IF_EXISTS));
    Map<String, String> before = FileTrees.snapshot(out);

    FaultyFileSystem.failRenames(path -> path.getName().contains(".haloconv-staging-"));
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), config(WriteMode.OVERWRITE)))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("could not move");
    assertThat(FileTrees.snapshot(out)).isEqualTo(before);
    try (Stream<Path> siblings = Files.list(temp)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .containsExactlyInAnyOrder("input", "out");
    }
  }

  @Test
  void theSameJobTwiceWithOverwriteGivesIdenticalOutput() throws IOException {
    SparkSession spark = SparkTests.session();
    FeaturizeJob.run(spark, config(WriteMode.OVERWRITE));
    List<Row> features = sortedRows(spark, out.toString());
    List<Row> errors = sortedRows(spark, out.resolve("_errors").toString());
    String manifest = Files.readString(out.resolve("_manifest.json"));

    FeaturizeJob.run(spark, config(WriteMode.OVERWRITE));
    List<Row> again = sortedRows(spark, out.toString());
    assertThat(again).hasSameSizeAs(features).hasSizeGreaterThan(2);
    for (int i = 0; i < features.size(); i++) {
      Row a = features.get(i);
      Row b = again.get(i);
      for (int column = 0; column < a.size() - 1; column++) {
        assertThat(b.get(column)).isEqualTo(a.get(column));
      }
      assertThat((byte[]) b.getAs("features")).isEqualTo((byte[]) a.getAs("features"));
    }
    assertThat(sortedRows(spark, out.resolve("_errors").toString())).isEqualTo(errors);
    assertThat(counts(Files.readString(out.resolve("_manifest.json")))).isEqualTo(counts(manifest));
  }

  private static List<Row> sortedRows(SparkSession spark, String dir) {
    Dataset<Row> frame = spark.read().parquet(dir);
    return List.of(frame.columns()).contains("y0")
        ? frame.orderBy("path", "y0", "x0").collectAsList()
        : frame.orderBy("path").collectAsList();
  }

  private static String counts(String manifest) throws IOException {
    return new com.fasterxml.jackson.databind.ObjectMapper()
        .readTree(manifest)
        .get("counts")
        .toString();
  }
}
