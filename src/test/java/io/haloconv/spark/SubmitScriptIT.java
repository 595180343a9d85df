package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.Scripts;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What jobs/haloconv-submit hands to a Spark installation's bin/spark-submit, here a stand-in that
 * prints its arguments: the application jar and class, the settings from options, environment and
 * properties files, and the vector module appended to JVM options already set. (The cluster tests
 * run the other path, the build's own SparkSubmit, for real.)
 */
class SubmitScriptIT {
  /** The flags the script appends to executors' and client drivers' JVM options (jvm.options). */
  private static final String GCLOCKER =
      " -XX:+IgnoreUnrecognizedVMOptions -XX:+UnlockDiagnosticVMOptions"
          + " -XX:GCLockerRetryAllocationCount=100";

  @TempDir Path temp;
  private Path sparkHome;

  @BeforeEach
  void fakeInstallation() throws IOException {
    sparkHome = temp.resolve("spark");
    Path bin = Files.createDirectories(sparkHome.resolve("bin"));
    Files.createDirectories(sparkHome.resolve("conf"));
    Path submit = bin.resolve("spark-submit");
    Files.writeString(submit, "#!/usr/bin/env bash\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** The arguments the installation's spark-submit received. */
  private List<String> submit(Map<String, String> env, String... args)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Scripts.root().resolve("jobs/haloconv-submit").toString());
    command.addAll(List.of(args));
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(Scripts.root().toFile())
            .redirectError(temp.resolve("err").toFile());
    pb.environment().keySet().removeIf(k -> k.startsWith("SPARK_") || k.startsWith("HALOCONV_"));
    pb.environment().put("HALOCONV_NO_BUILD", "1");
    pb.environment().put("SPARK_HOME", sparkHome.toString());
    pb.environment().putAll(env);
    Process p = pb.start();
    String out = new String(p.getInputStream().readAllBytes());
    assertThat(p.waitFor(1, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(temp.resolve("err"))).isZero();
    return out.lines().toList();
  }

  /** The value after {@code option}, the last time it appears. */
  private static String after(List<String> args, String option) {
    int at = args.lastIndexOf(option);
    assertThat(at).as("%s in %s", option, args).isNotNegative();
    return args.get(at + 1);
  }

  /** A cluster-mode driver's JVM options: {@code given}, then conf/jvm.options' flags. */
  private static String clusterDriverFlags(String given) throws IOException {
    List<String> flags = new ArrayList<>();
    if (!given.isEmpty()) {
      flags.add(given);
    }
    for (String line : Files.readAllLines(Scripts.root().resolve("conf/jvm.options"))) {
      if (!line.isBlank() && !line.startsWith("#")) {
        flags.add(line.strip());
      }
    }
    assertThat(flags)
        .contains(
            "--add-modules=jdk.incubator.vector", "--add-opens=java.base/java.nio=ALL-UNNAMED");
    return String.join(" ", flags);
  }

  private static List<String> confs(List<String> args) {
    List<String> confs = new ArrayList<>();
    for (int i = 0; i + 1 < args.size(); i++) {
      if (args.get(i).equals("--conf")) {
        confs.add(args.get(i + 1));
      }
    }
    return confs;
  }

  @Test
  void optionsGoToSparkSubmitAndTheApplicationFollowsTheJar() throws Exception {
    List<String> args =
        submit(
            Map.of(),
            "--master",
            "yarn",
            "--deploy-mode",
            "cluster",
            "--executor-memory",
            "6g",
            "--executor-cores",
            "3",
            "--conf",
            "spark.executor.extraJavaOptions=-XX:+UseG1GC",
            "featurize",
            "--input",
            "hdfs:///in",
            "--filters",
            "preset:sobel",
            "--output",
            "hdfs:///out");
    int jar = args.indexOf(Scripts.root().resolve("target/haloconv.jar").toString());
    assertThat(jar).isPositive();
    assertThat(args.subList(jar + 1, args.size()))
        .containsExactly(
            "featurize",
            "--input",
            "hdfs:///in",
            "--filters",
            "preset:sobel",
            "--output",
            "hdfs:///out");
    assertThat(after(args, "--class")).isEqualTo("io.haloconv.cli.Main");
    assertThat(after(args, "--master")).isEqualTo("yarn");
    assertThat(after(args, "--deploy-mode")).isEqualTo("cluster");
    assertThat(after(args, "--executor-memory")).isEqualTo("6g");
    assertThat(after(args, "--executor-cores")).isEqualTo("3");
    // The user's executor flags are kept and the vector module appended; the last --conf wins.
    assertThat(confs(args))
        .filteredOn(c -> c.startsWith("spark.executor.extraJavaOptions="))
        .last()
        .isEqualTo(
            "spark.executor.extraJavaOptions=-XX:+UseG1GC --add-modules=jdk.incubator.vector"
                + GCLOCKER);
    // Cluster deploy mode: Spark's module flags for a driver that no launcher starts, no local
    // log4j2 path for a driver elsewhere, not loopback.
    assertThat(after(args, "--driver-java-options")).isEqualTo(clusterDriverFlags(""));
    assertThat(confs(args)).noneMatch(c -> c.startsWith("spark.driver.host="));
    assertThat(args).doesNotContain("--driver-class-path");
    assertThat(after(args, "--properties-file"))
        .isEqualTo(Scripts.root().resolve("conf/spark-defaults.conf").toString());
    assertThat(args).contains("--load-spark-defaults");
  }

  @Test
  void environmentSettingsApplyAndALoopbackMasterKeepsTheDriverOnLoopback() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("HALOCONV_MASTER", "spark://127.0.0.1:7077");
    env.put("HALOCONV_EXECUTOR_MEMORY", "3g");
    env.put("HALOCONV_EXECUTOR_CORES", "2");
    List<String> all =
        submit(
            env,
            "featurize",
            "--input",
            "in",
            "--filters",
            "preset:sobel",
            "--output",
            "out",
            "--driver-memory",
            "2g");
    List<String> args = all.subList(0, all.indexOf("--class")); // spark-submit's part
    assertThat(after(args, "--master")).isEqualTo("spark://127.0.0.1:7077");
    assertThat(args).doesNotContain("--deploy-mode"); // spark-submit's default: client
    assertThat(after(args, "--executor-memory")).isEqualTo("3g");
    assertThat(after(args, "--executor-cores")).isEqualTo("2");
    assertThat(after(args, "--driver-memory")).isEqualTo("2g"); // handed over from featurize
    assertThat(confs(args))
        .contains(
            "spark.driver.host=127.0.0.1",
            "spark.executor.extraJavaOptions=--add-modules=jdk.incubator.vector" + GCLOCKER);
    assertThat(after(args, "--driver-java-options"))
        .isEqualTo(
            "-Dlog4j2.configurationFile="
                + Scripts.root().resolve("conf/log4j2.properties")
                + " --add-modules=jdk.incubator.vector"
                + GCLOCKER);
    // Client mode: the jar on the driver JVM's classpath too, for log4j's haloconv filter.
    assertThat(after(args, "--driver-class-path"))
        .isEqualTo(Scripts.root().resolve("target/haloconv.jar").toString());
  }

  @Test
  void aPropertiesFileSpeaksForItselfAndItsJvmFlagsAreKept() throws Exception {
    Path props = temp.resolve("yarn.conf");
    Files.writeString(
        props,
        String.join(
            "\n",
            "spark.master                     yarn",
            "spark.submit.deployMode          cluster",
            "spark.executor.extraJavaOptions  -Dfrom.file=1",
            "spark.driver.extraJavaOptions=-Dfrom.file=2",
            ""));
    List<String> args =
        submit(
            Map.of(),
            "--properties-file",
            props.toString(),
            "featurize",
            "--input",
            "in",
            "--filters",
            "preset:sobel",
            "--output",
            "out");
    assertThat(args).doesNotContain("--master", "--deploy-mode", "--load-spark-defaults");
    assertThat(after(args, "--properties-file")).isEqualTo(props.toString());
    assertThat(confs(args))
        .contains(
            "spark.executor.extraJavaOptions=-Dfrom.file=1 --add-modules=jdk.incubator.vector"
                + GCLOCKER);
    assertThat(after(args, "--driver-java-options")).isEqualTo(clusterDriverFlags("-Dfrom.file=2"));
    assertThat(confs(args)).noneMatch(c -> c.startsWith("spark.driver.host="));
  }

  @Test
  void theShippedYarnAndKubernetesTemplatesNameTheirMasters() throws Exception {
    for (String template : List.of("yarn", "kubernetes")) {
      Path props = temp.resolve(template + ".conf");
      Files.copy(Scripts.root().resolve("conf/" + template + ".conf.template"), props);
      List<String> args =
          submit(
              Map.of(),
              "--properties-file",
              props.toString(),
              "featurize",
              "--input",
              "in",
              "--filters",
              "preset:sobel",
              "--output",
              "out");
      // The master comes from the template, so no loopback driver and no local log4j2 file.
      assertThat(args).as(template).doesNotContain("--master");
      assertThat(after(args, "--driver-java-options")).isEqualTo(clusterDriverFlags(""));
      assertThat(confs(args)).noneMatch(c -> c.startsWith("spark.driver.host="));
    }
  }
}
