package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every flag of {@code featurize}, given invalid values: exit code 2 and one line naming the flag
 * and the problem, before any SparkSession exists. Every flag, mistyped, is suggested back.
 */
class BadArgumentsTest {
  @TempDir static Path temp;
  static Path existing;
  static Path file;

  @BeforeAll
  static void setUp() throws Exception {
    existing = Files.createDirectories(temp.resolve("exists"));
    file = Files.writeString(temp.resolve("a-file"), "x");
  }

  static CliRuns.Result run(String... args) {
    return CliRuns.run(args);
  }

  static String[] with(String flag, String value) {
    return CliRuns.featurize(temp.resolve("never"), flag, value);
  }

  /** Flag, invalid value, the message expected (a substring of the one line). */
  static Stream<Arguments> invalidValues() {
    return Stream.of(
        Arguments.of("--input", "", "--input must not be empty"),
        Arguments.of(
            "--input", "no/such/dir", "--input no/such/dir does not exist or matches no files"),
        Arguments.of("--input", "data/images/*.gif", "does not exist or matches no files"),
        Arguments.of("--filters", "", "--filters must not be empty"),
        Arguments.of(
            "--filters", "bank.txt", "--filters must be a .npz, .safetensors or .json file"),
        Arguments.of("--filters", "missing.npz", "--filters missing.npz does not exist"),
        Arguments.of(
            "--filters", "preset:sobel:0", "--filters preset channels must be in [1, 4096], got 0"),
        Arguments.of("--filters", "preset:blur", "unknown preset 'blur'"),
        Arguments.of("--filters", "random:3,3", "random bank must be random:K,C,F[,SEED]"),
        Arguments.of("--filters", "random:a,b,c", "random:a,b,c"),
        Arguments.of("--output", "", "--output must not be empty"),
        Arguments.of(
            "--output", existing.toString(), "already exists; pass --overwrite to replace it"),
        Arguments.of("--stride", "0", "--stride must be in [1, 65536], got 0"),
        Arguments.of("--stride", "-2", "--stride must be in [1, 65536], got -2"),
        Arguments.of("--stride", "1.5", "--stride must be an integer, got '1.5'"),
        Arguments.of("--stride", "", "--stride must be an integer, got ''"),
        Arguments.of("--stride", "1,2,3", "--stride must be N or A,B, got '1,2,3'"),
        Arguments.of("--stride", "99999999999999999999", "--stride must be an integer"),
        Arguments.of("--padding", "-1", "--padding: "),
        Arguments.of(
            "--padding", "1,2,3", "--padding: padding must be P, PH,PW, T,B,L,R, same or valid"),
        Arguments.of(
            "--padding", "full", "--padding: padding must be P, PH,PW, T,B,L,R, same or valid"),
        Arguments.of("--dilation", "0", "--dilation must be in [1, 65536], got 0"),
        Arguments.of("--dilation", "x", "--dilation must be an integer, got 'x'"),
        Arguments.of("--groups", "0", "--groups must be in [1, 65536], got 0"),
        Arguments.of("--groups", "two", "--groups must be an integer, got 'two'"),
        Arguments.of("--groups", "3", "groups 3 must divide the bank's 4 filters"),
        Arguments.of(
            "--padding-mode",
            "mirror",
            "--padding-mode: padding mode must be zeros, reflect, replicate or circular, got"
                + " 'mirror'"),
        Arguments.of(
            "--activation",
            "gelu",
            "--activation: activation must be none, relu, leaky_relu:ALPHA, sigmoid or tanh, got"
                + " 'gelu'"),
        Arguments.of("--activation", "leaky_relu:x", "--activation: "),
        Arguments.of("--tile", "0", "--tile must be in [1, 65536], got 0"),
        Arguments.of("--tile", "16,x", "--tile must be an integer, got 'x'"),
        Arguments.of("--tile", "1,2,3", "--tile must be N or A,B, got '1,2,3'"),
        Arguments.of(
            "--channels",
            "bgr",
            "--channels: --channels must be keep, gray, rgb or rgba, got 'bgr'"),
        Arguments.of(
            "--channels",
            "gray",
            "filters expect 3 input channels (groups 1 x 3), --channels gray gives 1"),
        Arguments.of("--normalize", "zscore", "--normalize must be unit, raw or mean-std"),
        Arguments.of("--normalize", "mean-std:0.5;0", "stds must be finite and != 0"),
        Arguments.of("--normalize", "mean-std:1,2;1,2", "the filters expect 3"),
        Arguments.of(
            "--precision",
            "float64",
            "--precision: precision must be float32, float16 or bfloat16, got 'float64'"),
        Arguments.of(
            "--compression",
            "gzip",
            "--compression: compression must be zstd, snappy or none, got 'gzip'"),
        Arguments.of(
            "--mode",
            "lenient",
            "--mode: mode must be permissive, dropmalformed or failfast, got 'lenient'"),
        Arguments.of(
            "--max-pixels", "0", "--max-pixels must be in [1, 9223372036854775807], got 0"),
        Arguments.of(
            "--max-pixels", "-5", "--max-pixels must be in [1, 9223372036854775807], got -5"),
        Arguments.of("--max-pixels", "2^31", "--max-pixels must be an integer, got '2^31'"),
        Arguments.of("--level", "-1", "--level must be in [0, 65536], got -1"),
        Arguments.of("--level", "two", "--level must be an integer, got 'two'"),
        Arguments.of(
            "--nodata",
            "missing",
            "--nodata: nodata must be auto, none, nan or a number, got 'missing'"),
        Arguments.of(
            "--nodata", "1e999", "--nodata: nodata must be a finite number or nan, got '1e999'"),
        Arguments.of("--master", "", "--master must not be empty"),
        Arguments.of("--master", " ", "--master must not be empty"),
        Arguments.of(
            "--driver-memory",
            "lots",
            "--driver-memory must be a size such as 512m or 4g, got 'lots'"),
        Arguments.of(
            "--driver-memory", "0", "--driver-memory must be a size such as 512m or 4g, got '0'"),
        Arguments.of(
            "--driver-memory",
            "4gb",
            "--driver-memory must be a size such as 512m or 4g, got '4gb'"),
        Arguments.of("--conf", "novalue", "--conf must be KEY=VALUE, got 'novalue'"),
        Arguments.of("--conf", "=x", "--conf must be KEY=VALUE, got '=x'"),
        Arguments.of(
            "--conf",
            "executor.memory=4g",
            "--conf key must start with spark., got 'executor.memory'"),
        Arguments.of("--layers", "", "--layers must not be empty"),
        Arguments.of(
            "--layers", "data/stacks/small-cnn.json", "--layers cannot be combined with --filters"),
        Arguments.of("--onnx-until", "conv1", "--onnx-until needs --layers MODEL.onnx"),
        Arguments.of("--pattern", "", "--pattern must not be empty"),
        Arguments.of("--pattern", "[a-", "--pattern '[a-' is not a valid glob"),
        Arguments.of("--pattern", "sub/*.png", "--pattern matches file names, not paths"),
        Arguments.of("--input-format", "csv", "--input-format must be files or parquet, got 'csv'"),
        Arguments.of("--image-column", "image", "--image-column needs --input-format parquet"),
        Arguments.of("--id-column", "id", "--id-column needs --input-format parquet"));
  }

  @ParameterizedTest(name = "{0} {1}")
  @MethodSource("invalidValues")
  void invalidValueExitsTwoWithOneLine(String flag, String value, String expected) {
    CliRuns.Result r = run(with(flag, value));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("haloconv: error: ").contains(expected).endsWith("\n");
    assertThat(r.err().strip())
        .doesNotContain("\n")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void everyValuedFlagHasInvalidValuesAbove() {
    Set<String> tested = new TreeSet<>();
    invalidValues().forEach(a -> tested.add((String) a.get()[0]));
    // A new flag needs its invalid values in invalidValues(), so users get one line, not a trace.
    assertThat(tested).containsExactlyInAnyOrderElementsOf(FeaturizeCommand.VALUED);
  }

  static Stream<String> everyFlag() {
    Set<String> flags = new TreeSet<>(FeaturizeCommand.VALUED);
    flags.addAll(FeaturizeCommand.SWITCHES);
    return flags.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("everyFlag")
  void everyFlagMistypedIsSuggested(String flag) {
    String name = flag.substring(2);
    int middle = name.length() / 2;
    List<String> typos =
        List.of(
            "--" + name.substring(0, middle) + name.substring(middle + 1), // a letter dropped
            "--" + name.substring(0, middle) + "x" + name.substring(middle), // a letter added
            "--"
                + name.substring(0, middle - 1)
                + name.charAt(middle)
                + name.charAt(middle - 1)
                + name.substring(middle + 1), // two letters swapped
            "--" + name.toUpperCase(java.util.Locale.ROOT), // caps lock
            "-" + name, // one dash
            "\u2014" + name); // an em dash pasted from a document
    for (String typo : typos) {
      if (typo.equals(flag)) {
        continue; // swapping the two t's of --pattern changes nothing
      }
      CliRuns.Result r = run("featurize", typo, "1");
      assertThat(r.code()).as(typo).isEqualTo(2);
      assertThat(r.err().strip())
          .as(typo)
          .isEqualTo("haloconv: error: unknown option " + typo + "; did you mean " + flag + "?");
    }
  }

  @Test
  void aSwitchGivenAValueAndAFlagWithoutOneAreRefused() {
    assertThat(run("featurize", "--overwrite=yes").err().strip())
        .isEqualTo("haloconv: error: --overwrite takes no value, got 'yes'");
    assertThat(run("featurize", "--input").err().strip())
        .isEqualTo("haloconv: error: --input needs a value");
    assertThat(run("featurize", "--input", "a", "--input", "b").err().strip())
        .isEqualTo("haloconv: error: --input is given twice");
    assertThat(run("featurize", "stray", "--input", "a").err().strip())
        .isEqualTo("haloconv: error: unexpected argument 'stray'; featurize takes only --flags");
  }

  @Test
  void theOutputAsAFileIsRefusedEvenWithOverwrite() {
    CliRuns.Result r = run(CliRuns.append(with("--output", file.toString()), "--overwrite"));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "haloconv: error: output "
                + file
                + " is a file; --overwrite replaces only directories");
  }
}
