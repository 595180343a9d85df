package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.Scripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/haloconv's class-data-sharing archive (jobs/lib/spark.sh, {@code hc_class_archive}), run as
 * a user runs the launcher: the archive is made once per build, a JVM really starts from it, a job
 * started from it writes the same features, and a stale archive is made again. The archives go to a
 * temporary {@code HALOCONV_CDS_DIR}, never the build's target/cds.
 */
class LauncherClassArchiveIT {
  private static final Duration LIMIT = Duration.ofMinutes(5);
  private static final String MAKING = "making a class archive";

  @TempDir Path temp;

  /** Runs jobs/haloconv ARGS; returns its exit code, its output in NAME.out and NAME.err. */
  private int launcher(String name, Map<String, String> env, String... args) throws Exception {
    return Scripts.run(
        Scripts.command("jobs/haloconv", List.of(args)),
        temp.resolve(name + ".out"),
        temp.resolve(name + ".err"),
        env,
        LIMIT);
  }

  private String out(String name) throws IOException {
    return Files.readString(temp.resolve(name + ".out"));
  }

  private String err(String name) throws IOException {
    return Files.readString(temp.resolve(name + ".err"));
  }

  private int featurize(String name, Map<String, String> env) throws Exception {
    return launcher(
        name,
        env,
        "featurize",
        "--input",
        "data/images",
        "--filters",
        "data/banks/edges.npz",
        "--padding",
        "same",
        "--activation",
        "relu",
        "--master",
        "local[2]",
        "--output",
        temp.resolve(name).toString());
  }

  private static List<Path> archives(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".jsa")).toList();
    }
  }

  private static Map<String, String> env(Object... pairs) {
    Map<String, String> env = new HashMap<>();
    for (int i = 0; i < pairs.length; i += 2) {
      env.put(pairs[i].toString(), pairs[i + 1].toString());
    }
    return env;
  }

  @Test
  void theArchiveIsMadeOnceAJobStartsFromItAndWritesTheSameFeatures() throws Exception {
    Path dir = temp.resolve("cds");
    // Under HALOCONV_NO_BUILD=1 (as every script test runs) no archive is made unless asked for.
    assertThat(launcher("plain", env("HALOCONV_CDS_DIR", dir), "--version")).isZero();
    assertThat(err("plain")).doesNotContain(MAKING);
    assertThat(archives(dir)).isEmpty();

    // Without an archive: the reference output.
    assertThat(featurize("without", env("HALOCONV_CDS", "0"))).as(err("without")).isZero();

    // HALOCONV_CDS=1 makes it, once, then the job runs.
    Map<String, String> make = env("HALOCONV_CDS", "1", "HALOCONV_CDS_DIR", dir);
    assertThat(featurize("first", make)).as(err("first")).isZero();
    assertThat(err("first")).contains(MAKING);
    List<Path> made = archives(dir);
    assertThat(made).hasSize(1);
    try (Stream<Path> files = Files.list(dir)) {
      assertThat(files.map(f -> f.getFileName().toString())).noneMatch(n -> n.endsWith(".failed"));
    }

    // The next start uses it: -Xshare:on makes the JVM refuse to start from an archive it cannot
    // map or validate, where the launcher's default lets it start without one.
    Map<String, String> strict = new HashMap<>(make);
    strict.put("HALOCONV_JAVA_OPTS", "-Xshare:on");
    assertThat(featurize("second", strict)).as(err("second")).isZero();
    assertThat(err("second")).doesNotContain(MAKING);
    // Nothing of the JVM's archive handling reaches the user's terminal.
    assertThat(out("second") + err("second")).doesNotContainIgnoringCase("shared archive");
    assertThat(out("second")).doesNotContain("[warning]", "[cds");
    assertThat(out("second")).contains("4 files: 4 written, 0 failed");

    // And it is the dynamic archive the launcher made, not only the JDK's own, that is mapped.
    Map<String, String> logged = new HashMap<>(make);
    logged.put("HALOCONV_JAVA_OPTS", "-Xshare:on -Xlog:cds=info");
    assertThat(launcher("logged", logged, "--version")).isZero();
    assertThat(out("logged")).contains("Mapped dynamic region");

    Map<String, Tensor3> want = FeatureMaps.viaParquetHadoop(temp.resolve("without").toString());
    Map<String, Tensor3> got = FeatureMaps.viaParquetHadoop(temp.resolve("second").toString());
    assertThat(got.keySet()).isEqualTo(want.keySet()).hasSize(4);
    for (String image : want.keySet()) {
      assertThat(got.get(image).bitwiseEquals(want.get(image))).as(image).isTrue();
    }

    // Maven rewrites target/classpath.txt at every run; the same jars keep the archive.
    Path classpath = Scripts.root().resolve("target/classpath.txt");
    Files.setLastModifiedTime(classpath, FileTime.fromMillis(System.currentTimeMillis()));
    assertThat(launcher("touched", make, "--version")).isZero();
    assertThat(err("touched")).doesNotContain(MAKING);

    // An archive older than the build is stale: HALOCONV_CDS=0 leaves it alone, and without
    // HALOCONV_CDS=1 a HALOCONV_NO_BUILD run does not remake it ...
    Path archive = made.get(0);
    FileTime old = FileTime.fromMillis(946_684_800_000L); // 2000-01-01
    Files.setLastModifiedTime(archive, old);
    assertThat(launcher("off", env("HALOCONV_CDS", "0", "HALOCONV_CDS_DIR", dir), "--version"))
        .isZero();
    assertThat(launcher("nobuild", env("HALOCONV_CDS_DIR", dir), "--version")).isZero();
    assertThat(err("off") + err("nobuild")).doesNotContain(MAKING);
    assertThat(Files.getLastModifiedTime(archive)).isEqualTo(old);

    // ... and a launcher that may make it does, before the command runs.
    assertThat(launcher("remade", make, "--version")).isZero();
    assertThat(err("remade")).contains(MAKING);
    assertThat(out("remade")).startsWith("haloconv ");
    assertThat(Files.getLastModifiedTime(archive))
        .isGreaterThan(Files.getLastModifiedTime(Scripts.root().resolve("target/haloconv.jar")));
  }
}
