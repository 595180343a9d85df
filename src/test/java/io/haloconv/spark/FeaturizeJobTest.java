package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFiles;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.WriteMode;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The job's guarantees on the sample images: determinism, schema, modes, output safety. */
class FeaturizeJobTest {
  static final String IMAGES = Path.of("data/images").toAbsolutePath().toString();
  static FilterBank bank;
  static ConvSpec spec;
  @TempDir Path temp;

  @BeforeAll
  static void loadBank() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("data/banks/edges.npz"))) {
      bank = BankFiles.fromNpz(in);
    }
    spec =
        ConvSpec.builder(bank)
            .padding(Padding.SAME)
            .paddingMode(PaddingMode.REFLECT)
            .activation(Activation.RELU)
            .build();
  }

  private JobConfig.Builder config(String name) {
    return JobConfig.builder(
        IMAGES, temp.resolve(name).toString(), LayerStack.of(bank, spec, "edges.npz"));
  }

  private static Map<String, Tensor3> read(String dir) {
    return FeatureMaps.viaSpark(SparkTests.session(), dir);
  }

  private static void assertBitwiseEqual(Map<String, Tensor3> a, Map<String, Tensor3> b) {
    assertThat(a.keySet()).isEqualTo(b.keySet());
    for (String path : a.keySet()) {
      assertThat(a.get(path).bitwiseEquals(b.get(path))).as(path).isTrue();
    }
  }

  @Test
  void tileSevenAndTile4096GiveBitwiseEqualFeatureMaps() {
    SparkSession spark = SparkTests.session();
    JobResult small = FeaturizeJob.run(spark, config("t7").tile(7, 7).build());
    JobResult large = FeaturizeJob.run(spark, config("t4096").tile(4096, 4096).build());
    assertThat(small.tiles()).isGreaterThan(1000);
    assertThat(large.tiles()).isEqualTo(4); // each sample image is one tile
    Map<String, Tensor3> a = read(temp.resolve("t7").toString());
    assertThat(a).hasSize(4);
    assertBitwiseEqual(a, read(temp.resolve("t4096").toString()));
  }

  @Test
  void oneAndThreePartitionsGiveBitwiseEqualFeatureMaps() {
    SparkSession spark = SparkTests.session();
    FeaturizeJob.run(spark, config("p1").tile(64, 48).partitions(1).build());
    FeaturizeJob.run(spark, config("p3").tile(64, 48).partitions(3).build());
    assertThat(spark.read().parquet(temp.resolve("p3").toString()).rdd().getNumPartitions())
        .isGreaterThanOrEqualTo(1);
    assertBitwiseEqual(read(temp.resolve("p1").toString()), read(temp.resolve("p3").toString()));
  }

  @Test
  void outputHasExactlyTheDesignSchemaAndAManifestThatReconciles() throws IOException {
    SparkSession spark = SparkTests.session();
    JobResult result = FeaturizeJob.run(spark, config("schema").tile(200, 200).build());
    Dataset<Row> frame = spark.read().parquet(temp.resolve("schema").toString());
    assertThat(frame.schema().simpleString())
        .isEqualTo(
            "struct<path:string,y0:int,x0:int,"
                + "height:int,width:int,channels:int,out_height:int,out_width:int,dtype:string,"
                + "features:binary,transform:array<double>,crs:string,mpp_x:double,mpp_y:double,"
                + "valid_fraction:double>");
    assertThat(frame.count()).isEqualTo(result.tiles());
    JsonNode manifest = new ObjectMapper().readTree(temp.resolve("schema/_manifest.json").toFile());
    assertThat(manifest.at("/counts/files_listed").asLong()).isEqualTo(4);
    assertThat(manifest.at("/counts/images_written").asLong()).isEqualTo(4);
    assertThat(manifest.at("/counts/images_failed").asLong()).isZero();
    assertThat(manifest.at("/counts/tiles").asLong()).isEqualTo(result.tiles());
    assertThat(manifest.at("/bank/sha256").asText()).isEqualTo(bank.sha256());
    assertThat(manifest.at("/bank/shape").toString()).isEqualTo("[4,3,3,3]");
    assertThat(manifest.at("/spec/padding").asText()).isEqualTo("same");
    assertThat(manifest.at("/spec/padding_mode").asText()).isEqualTo("reflect");
    assertThat(manifest.at("/spec/nodata").asText()).isEqualTo("auto");
    assertThat(manifest.at("/spec/skip_empty_tiles").asBoolean()).isFalse();
    assertThat(manifest.at("/counts/empty_tiles_skipped").asLong()).isZero();
    // Plain images: no georeference, nothing masked.
    assertThat(
            frame
                .filter(
                    "transform is null and crs is null and mpp_x is null and mpp_y is null"
                        + " and valid_fraction = 1.0")
                .count())
        .isEqualTo(frame.count());
    assertThat(manifest.at("/software/version").asText()).isNotBlank();
    // The errors dataset exists and is empty in permissive mode with clean input.
    assertThat(spark.read().parquet(temp.resolve("schema/_errors").toString()).count()).isZero();
  }

  @Test
  void badFilesAreRecordedInPermissiveModeAndCountsReconcile() throws IOException {
    Path input = temp.resolve("mixed");
    Files.createDirectories(input);
    Files.copy(Path.of("data/images/shapes.png"), input.resolve("good.png"));
    Files.writeString(input.resolve("notes.png"), "hello world, not a png");
    Files.write(input.resolve("empty.jpg"), new byte[0]);
    SparkSession spark = SparkTests.session();
    JobConfig config =
        JobConfig.builder(
                input.toString(),
                temp.resolve("perm").toString(),
                LayerStack.of(bank, spec, "edges.npz"))
            .build();
    JobResult result = FeaturizeJob.run(spark, config);
    assertThat(result.filesListed()).isEqualTo(3);
    assertThat(result.imagesWritten()).isEqualTo(1);
    assertThat(result.imagesFailed()).isEqualTo(2);
    List<Row> errors =
        spark
            .read()
            .parquet(temp.resolve("perm/_errors").toString())
            .orderBy("path")
            .collectAsList();
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).getString(0)).endsWith("empty.jpg");
    assertThat(errors.get(0).getString(1)).isEqualTo("probe");
    assertThat(errors.get(1).getString(0)).endsWith("notes.png");
    for (Row r : errors) {
      assertThat(r.getString(3)).doesNotContain("\n").isNotBlank();
    }
    assertThat(read(temp.resolve("perm").toString())).hasSize(1);
  }

  @Test
  void failfastNamesTheFileAndLeavesNoOutput() throws IOException {
    Path input = temp.resolve("bad");
    Files.createDirectories(input);
    Files.copy(Path.of("data/images/shapes.png"), input.resolve("good.png"));
    Files.writeString(input.resolve("broken.png"), "not an image");
    JobConfig config =
        JobConfig.builder(
                input.toString(),
                temp.resolve("ff").toString(),
                LayerStack.of(bank, spec, "edges.npz"))
            .mode(FailureMode.FAILFAST)
            .build();
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), config))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("broken.png")
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(1));
    assertThat(temp.resolve("ff")).doesNotExist();
    try (var siblings = Files.list(temp)) {
      assertThat(siblings.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.contains("haloconv-staging") || n.contains("haloconv-lock"));
    }
  }

  @Test
  void dropmalformedCountsButWritesNoErrors() {
    JobConfig config =
        JobConfig.builder(
                IMAGES,
                temp.resolve("drop").toString(),
                LayerStack.of(
                    FilterBankFixtures.grayBank(),
                    ConvSpec.builder(FilterBankFixtures.grayBank()).build(),
                    "edges.npz"))
            .mode(FailureMode.DROPMALFORMED)
            .build();
    // A 1-channel bank against RGB images: every file is a channel mismatch.
    JobResult result = FeaturizeJob.run(SparkTests.session(), config);
    assertThat(result.imagesFailed()).isEqualTo(4);
    assertThat(result.imagesWritten()).isZero();
    assertThat(temp.resolve("drop/_errors")).doesNotExist();
    assertThat(temp.resolve("drop/_manifest.json")).exists();
  }

  @Test
  void existingOutputIsRefusedWithoutOverwriteAndReplacedWithIt() throws IOException {
    Path out = temp.resolve("existing");
    Files.createDirectories(out);
    Files.writeString(out.resolve("keep.txt"), "old");
    JobConfig config = config("existing").tile(256, 256).build();
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), config))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("already exists; pass --overwrite")
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(2));
    assertThat(out.resolve("keep.txt")).hasContent("old");

    FeaturizeJob.run(
        SparkTests.session(), config.toBuilder().writeMode(WriteMode.OVERWRITE).build());
    assertThat(out.resolve("keep.txt")).doesNotExist();
    assertThat(out.resolve("_SUCCESS")).exists();
    Map<String, Tensor3> first = read(out.toString());
    FeaturizeJob.run(
        SparkTests.session(), config.toBuilder().writeMode(WriteMode.OVERWRITE).build());
    assertBitwiseEqual(first, read(out.toString()));
  }

  @Test
  void failedOverwriteLeavesThePreviousOutputIntact() throws IOException {
    Path out = temp.resolve("kept");
    FeaturizeJob.run(SparkTests.session(), config("kept").tile(256, 256).build());
    Map<String, Tensor3> before = read(out.toString());
    Path input = temp.resolve("broken");
    Files.createDirectories(input);
    Files.writeString(input.resolve("x.png"), "garbage");
    JobConfig failing =
        JobConfig.builder(input.toString(), out.toString(), LayerStack.of(bank, spec, "edges.npz"))
            .mode(FailureMode.FAILFAST)
            .writeMode(WriteMode.OVERWRITE)
            .build();
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), failing))
        .isInstanceOf(JobException.class);
    assertBitwiseEqual(before, read(out.toString()));
  }

  @Test
  void secondJobOnTheSameOutputIsRefusedWhileTheFirstHoldsTheLock() throws IOException {
    // A live owner: this very JVM.
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Path lock = temp.resolve(".locked.haloconv-lock");
    Files.writeString(lock, ProcessHandle.current().pid() + "@" + host + " 2026-01-01T00:00:00Z");
    JobConfig config = config("locked").build();
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), config))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("is being written by another haloconv job")
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(2));
    assertThat(temp.resolve("locked")).doesNotExist();
    assertThat(lock).exists();
  }

  @Test
  void lockLeftByADeadProcessIsTakenOverWithItsStagingDirectory() throws IOException {
    String host = java.net.InetAddress.getLocalHost().getHostName();
    Path lock = temp.resolve(".stale.haloconv-lock");
    long deadPid = ProcessHandle.current().pid() + 4_000_000; // beyond pid_max, never alive
    Files.writeString(lock, deadPid + "@" + host + " 2026-01-01T00:00:00Z");
    Path staleStaging = Files.createDirectories(temp.resolve(".stale.haloconv-staging-old"));
    FeaturizeJob.run(SparkTests.session(), config("stale").tile(256, 256).build());
    assertThat(temp.resolve("stale/_SUCCESS")).exists();
    assertThat(lock).doesNotExist();
    assertThat(staleStaging).doesNotExist();
  }

  @Test
  void missingInputIsBadInput() {
    JobConfig config =
        JobConfig.builder(
                temp.resolve("nothing-here").toString(),
                temp.resolve("o").toString(),
                LayerStack.of(bank, spec, "edges.npz"))
            .build();
    assertThatThrownBy(() -> FeaturizeJob.run(SparkTests.session(), config))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("does not exist")
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(2));
  }
}
