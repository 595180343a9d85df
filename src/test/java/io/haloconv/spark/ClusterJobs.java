package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.cli.Main;
import io.haloconv.spark.task.TaskFaults;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.Scripts;
import io.haloconv.testing.StandaloneCluster;
import io.haloconv.testing.Submission;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;

/**
 * What the cluster tests share: the input (the sample images plus a WebP, which only TwelveMonkeys
 * reads, so executors prove they received it), the featurize arguments, the local-mode reference
 * output, and the checks on an output.
 */
final class ClusterJobs {
  /**
   * A 16x16 lossy RGB WebP (colour 200, 40, 90), the same bytes as {@code MoreFormatsTest}'s: the
   * JDK has no WebP reader, so an executor without TwelveMonkeys fails this file.
   */
  private static final String WEBP =
      "UklGRjYAAABXRUJQVlA4ICoAAABwAQCdASoQABAAAIAIJaACdAF1AAD++nkuIP/+uif//Wjn//rRz/1xAAA=";

  static final int INPUT_FILES = 5;

  private static Path input;
  private static Map<String, Tensor3> reference;

  private ClusterJobs() {}

  /** target/it/NAME, emptied; a cluster a crashed earlier run left there is stopped first. */
  static Path workDir(String name) throws IOException, InterruptedException {
    Path dir = Scripts.root().resolve("target/it").resolve(name);
    StandaloneCluster.stopLeftover(dir.resolve("cluster"));
    deleteTree(dir);
    Files.createDirectories(dir);
    return dir;
  }

  /** The input directory, made once per JVM. */
  static synchronized Path input() throws IOException {
    if (input == null) {
      Path dir = Scripts.root().resolve("target/it/input");
      deleteTree(dir);
      Path images = Scripts.root().resolve("data/images");
      try (Stream<Path> files = Files.walk(images)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path to = dir.resolve(images.relativize(f).toString());
          Files.createDirectories(to.getParent());
          Files.copy(f, to);
        }
      }
      Files.write(dir.resolve("lossy.webp"), Base64.getDecoder().decode(WEBP));
      input = dir;
    }
    return input;
  }

  /** haloconv's featurize arguments, writing to {@code output}. */
  static List<String> featurize(Path output, String... more) throws IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "featurize",
                "--input",
                input().toString(),
                "--filters",
                Scripts.root().resolve("data/banks/edges.npz").toString(),
                "--padding",
                "same",
                "--padding-mode",
                "reflect",
                "--activation",
                "relu",
                "--tile",
                "40",
                "--output",
                output.toString()));
    args.addAll(List.of(more));
    return args;
  }

  /**
   * spark-submit options for a test cluster: small executors, both executors registered before the
   * first task (so every job spreads over two JVMs), the attempt log, and fault rules if any. The
   * job makes 4 convolve tasks (twice the cluster's 2 cores), so they run in two waves.
   */
  static List<String> submitOptions(StandaloneCluster cluster, Path attemptLog, String faults) {
    List<String> opts =
        new ArrayList<>(
            List.of(
                "--master", cluster.masterUrl(),
                "--executor-memory", "640m",
                "--conf", "spark.cores.max=2",
                "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
                "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
                "--conf", TaskFaults.ATTEMPT_LOG + "=" + attemptLog));
    if (faults != null) {
      opts.addAll(List.of("--conf", TaskFaults.FAULTS + "=" + faults));
    }
    return opts;
  }

  /** The feature maps of a local-mode run ({@code local[2]}, in this JVM), computed once. */
  static synchronized Map<String, Tensor3> reference() throws IOException {
    if (reference == null) {
      Path out = Scripts.root().resolve("target/it/reference");
      deleteTree(out);
      List<String> args =
          featurize(
              out,
              "--master",
              "local[2]",
              "--conf",
              "spark.driver.host=127.0.0.1",
              "--conf",
              "spark.driver.bindAddress=127.0.0.1",
              "--conf",
              "spark.ui.enabled=false");
      ByteArrayOutputStream log = new ByteArrayOutputStream();
      PrintStream print = new PrintStream(log, true, StandardCharsets.UTF_8);
      int code = Main.run(args.toArray(new String[0]), print, print);
      assertThat(code).as("local reference run:\n%s", log).isZero();
      reference = FeatureMaps.viaParquetHadoop(out.toString());
      assertThat(reference).hasSize(INPUT_FILES);
    }
    return reference;
  }

  /**
   * Checks a finished output: complete, every tile of every image exactly once (the reader asserts
   * each output pixel is covered once), bitwise equal to the local-mode output, and a manifest
   * whose counts account for every input file.
   */
  static void assertExactOutput(Path output) throws IOException {
    assertThat(output.resolve("_SUCCESS")).exists();
    Map<String, Tensor3> maps = FeatureMaps.viaParquetHadoop(output.toString());
    Map<String, Tensor3> want = reference();
    assertThat(maps.keySet()).isEqualTo(want.keySet());
    for (String path : want.keySet()) {
      assertThat(maps.get(path).bitwiseEquals(want.get(path)))
          .as("%s bitwise equal to local mode", path)
          .isTrue();
    }
    JsonNode manifest = new ObjectMapper().readTree(output.resolve("_manifest.json").toFile());
    assertThat(manifest.at("/counts/files_listed").asLong()).isEqualTo(INPUT_FILES);
    assertThat(manifest.at("/counts/images_written").asLong()).isEqualTo(INPUT_FILES);
    assertThat(manifest.at("/counts/images_failed").asLong()).isZero();
    assertThat(tileRows(output)).isEqualTo(manifest.at("/counts/tiles").asLong());
  }

  /** Rows in the output's Parquet files, counted apart from the coverage check. */
  static long tileRows(Path output) throws IOException {
    long rows = 0;
    try (Stream<Path> files = Files.list(output)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
        try (org.apache.parquet.hadoop.ParquetFileReader reader =
            org.apache.parquet.hadoop.ParquetFileReader.open(
                org.apache.parquet.hadoop.util.HadoopInputFile.fromPath(
                    new org.apache.hadoop.fs.Path(f.toUri()),
                    new org.apache.hadoop.conf.Configuration()))) {
          rows += reader.getRecordCount();
        }
      }
    }
    return rows;
  }

  /** The attempts the hook logged, of the convolve stage. */
  static List<Properties> attempts(Path log) throws IOException {
    return Submission.attempts(log);
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
