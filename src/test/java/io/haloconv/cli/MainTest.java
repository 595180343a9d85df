package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every class of bad argument exits with code 2 and one line naming the problem, before any
 * SparkSession exists (these tests never start one).
 */
class MainTest {
  @TempDir static Path temp;

  static CliRuns.Result run(String... args) {
    return CliRuns.run(args);
  }

  static String[] featurize(String... extra) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "featurize",
                "--input",
                "data/images",
                "--filters",
                "data/banks/edges.npz",
                "--output",
                temp.resolve("never").toString()));
    args.addAll(List.of(extra));
    return args.toArray(new String[0]);
  }

  static List<Arguments> badArguments() throws Exception {
    Path existing = Files.createDirectories(temp.resolve("exists"));
    Path nanBank = temp.resolve("nan.json");
    Files.writeString(nanBank, "{\"weight\": [[[[1e39]]]]}");
    Path rank2 = temp.resolve("rank2.json");
    Files.writeString(rank2, "{\"weight\": [[1, 2], [3, 4]]}");
    Path notZip = temp.resolve("bank.npz");
    Files.writeString(notZip, "this is not a zip file");
    return List.of(
        Arguments.of(new String[] {"featurise"}, "unknown command 'featurise'"),
        Arguments.of(featurize("--strid", "2"), "unknown option --strid; did you mean --stride?"),
        Arguments.of(
            new String[] {"featurize", "--filters", "preset:sobel", "--output", "x"},
            "--input is required"),
        Arguments.of(featurize("--stride", "0"), "--stride must be in [1, 65536], got 0"),
        Arguments.of(featurize("--stride", "a"), "--stride must be an integer, got 'a'"),
        Arguments.of(featurize("--stride", "1,2,3"), "--stride must be N or A,B, got '1,2,3'"),
        Arguments.of(featurize("--dilation", "-1"), "--dilation must be in [1, 65536], got -1"),
        Arguments.of(
            featurize("--padding", "1,2,3"),
            "--padding: padding must be P, PH,PW, T,B,L,R, same or valid, got '1,2,3'"),
        Arguments.of(
            featurize("--padding-mode", "mirror"),
            "--padding-mode: padding mode must be zeros, reflect, replicate or circular, got 'mirror'"),
        Arguments.of(
            featurize("--activation", "gelu"),
            "--activation: activation must be none, relu, leaky_relu:ALPHA, sigmoid or tanh, got 'gelu'"),
        Arguments.of(featurize("--groups", "3"), "groups 3 must divide the bank's 4 filters"),
        Arguments.of(featurize("--tile", "0"), "--tile must be in [1, 65536], got 0"),
        Arguments.of(
            featurize("--precision", "float64"),
            "--precision: precision must be float32, float16 or bfloat16, got 'float64'"),
        Arguments.of(
            featurize("--mode", "lenient"),
            "--mode: mode must be permissive, dropmalformed or failfast, got 'lenient'"),
        Arguments.of(
            featurize("--channels", "gray"),
            "filters expect 3 input channels (groups 1 x 3), --channels gray gives 1"),
        Arguments.of(
            featurize("--driver-memory", "lots"),
            "--driver-memory must be a size such as 512m or 4g, got 'lots'"),
        Arguments.of(featurize("--conf", "novalue"), "--conf must be KEY=VALUE, got 'novalue'"),
        Arguments.of(
            featurize("--max-pixels", "0"),
            "--max-pixels must be in [1, 9223372036854775807], got 0"),
        Arguments.of(featurize("--stride", "1", "--stride", "2"), "--stride is given twice"),
        Arguments.of(featurize("--overwrite=yes"), "--overwrite takes no value, got 'yes'"),
        Arguments.of(featurize("--tile"), "--tile needs a value"),
        Arguments.of(
            new String[] {
              "featurize",
              "--input",
              "data/images",
              "--filters",
              "data/banks/edges.npz",
              "--output",
              existing.toString()
            },
            "output " + existing + " already exists; pass --overwrite to replace it"),
        Arguments.of(
            new String[] {
              "featurize", "--input", "data/images", "--filters", "nope.npz", "--output", "x"
            },
            "--filters nope.npz does not exist"),
        Arguments.of(
            new String[] {
              "featurize", "--input", "data/images", "--filters", "bank.txt", "--output", "x"
            },
            "--filters must be a .npz, .safetensors or .json file"),
        Arguments.of(
            new String[] {
              "featurize",
              "--input",
              "data/images",
              "--filters",
              nanBank.toString(),
              "--output",
              "x"
            },
            "every weight must be finite"),
        Arguments.of(
            new String[] {
              "featurize", "--input", "data/images", "--filters", rank2.toString(), "--output", "x"
            },
            "bank weight must be rank 4 (K, C, Fh, Fw), got rank 2"),
        Arguments.of(
            new String[] {
              "featurize", "--input", "data/images", "--filters", notZip.toString(), "--output", "x"
            },
            "--filters " + notZip),
        Arguments.of(
            new String[] {
              "featurize", "--input", "data/images", "--filters", "preset:blur", "--output", "x"
            },
            "unknown preset 'blur'; presets are identity, sobel, laplacian, gaussian"),
        Arguments.of(
            new String[] {
              "featurize", "--input", "data/images", "--filters", "random:0,3,3", "--output", "x"
            },
            "random bank K, C and F must be in [1, 65536]"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("badArguments")
  void badArgumentExitsTwoWithOneLine(String[] args, String expected) {
    CliRuns.Result r = run(args);
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("haloconv: error: ").contains(expected);
    assertThat(r.err().strip())
        .doesNotContain("\n")
        .doesNotContain("Exception")
        .doesNotContain("\tat ");
  }
}
