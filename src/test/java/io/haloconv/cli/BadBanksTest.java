package io.haloconv.cli;

import static io.haloconv.testing.BankBytes.npy;
import static io.haloconv.testing.BankBytes.npz;
import static io.haloconv.testing.BankBytes.safetensors;
import static io.haloconv.testing.BankBytes.safetensorsWeight;
import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.TestImages;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed filter banks, in every file form: each is an exit 2 with one line before Spark starts.
 * Bank files are read header first, so one declaring a 10 GB array costs its header, and one
 * declaring a large array it does not hold costs what it holds (checked in a 64 MB JVM).
 */
class BadBanksTest {
  @TempDir static Path temp;

  /** A valid 2x3x3x3 weight with one value replaced. */
  static float[] weight(int index, float value) {
    float[] w = new float[2 * 3 * 3 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = (i % 7) / 10f;
    }
    w[index] = value;
    return w;
  }

  static final long[] SHAPE = {2, 3, 3, 3};

  static Map<String, byte[]> members(Object... nameBytes) {
    Map<String, byte[]> m = new LinkedHashMap<>();
    for (int i = 0; i < nameBytes.length; i += 2) {
      m.put((String) nameBytes[i], (byte[]) nameBytes[i + 1]);
    }
    return m;
  }

  static Path write(String name, byte[] bytes) {
    try {
      return Files.write(temp.resolve(name), bytes);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** A 10 GB float32 array: 50000 x 50000 values, declared in a header with no data after it. */
  static final long[] TEN_GB = {50_000, 50_000, 1, 1};

  static Stream<Arguments> badBanks() {
    return Stream.of(
        Arguments.of(
            "npz-nan.npz",
            npz(false, members("weight", npy(SHAPE, weight(13, Float.NaN)))),
            "filter bank weight[0,1,1,1] is NaN; every weight must be finite"),
        Arguments.of(
            "npz-inf-bias.npz",
            npz(
                true,
                members(
                    "weight",
                    npy(SHAPE, weight(0, 0)),
                    "bias",
                    npy(new long[] {2}, 1f, Float.POSITIVE_INFINITY))),
            "filter bank bias[1] is Infinity; every bias must be finite"),
        Arguments.of(
            "st-neg-inf.safetensors",
            safetensorsWeight(SHAPE, weight(53, Float.NEGATIVE_INFINITY)),
            "filter bank weight[1,2,2,2] is -Infinity; every weight must be finite"),
        Arguments.of(
            "json-inf.json",
            "{\"weight\": [[[[1e39]]]]}".getBytes(StandardCharsets.UTF_8),
            "every weight must be finite"),
        Arguments.of(
            "npz-rank3.npz",
            npz(false, members("weight", npy(new long[] {2, 3, 9}, weight(0, 0)))),
            "bank weight must be rank 4 (K, C, Fh, Fw), got rank 3 [2, 3, 9]"),
        Arguments.of(
            "st-rank2.safetensors",
            safetensorsWeight(new long[] {6, 9}, weight(0, 0)),
            "bank weight must be rank 4 (K, C, Fh, Fw), got rank 2 [6, 9]"),
        Arguments.of(
            "json-rank2.json",
            "{\"weight\": [[1, 2], [3, 4]]}".getBytes(StandardCharsets.UTF_8),
            "bank weight must be rank 4"),
        Arguments.of(
            "npz-bias-shape.npz",
            npz(
                false,
                members("weight", npy(SHAPE, weight(0, 0)), "bias", npy(new long[] {3}, 1, 2, 3))),
            "bank bias must have shape (2,) to match 2 filters, got [3]"),
        Arguments.of(
            "npz-no-weight.npz",
            npz(false, members("w", npy(SHAPE, weight(0, 0)))),
            "npz bank has no array named 'weight' (has [w])"),
        Arguments.of(
            "npz-10gb.npz",
            npz(false, members("weight", TestImages.npy("<f4", TEN_GB, new byte[0]))),
            "npz member 'weight.npy': npy header declares shape (50000, 50000, 1, 1) = 2.5e9"
                + " values, limit is 268435456"),
        Arguments.of(
            "npz-10gb-compressed.npz",
            npz(true, members("weight", TestImages.npy("<f4", TEN_GB, new byte[0]))),
            "npy header declares shape (50000, 50000, 1, 1) = 2.5e9 values, limit is 268435456"),
        Arguments.of(
            "st-10gb.safetensors",
            safetensors(
                "{\"weight\":{\"dtype\":\"F32\","
                    + "\"shape\":[50000,50000,1,1],\"data_offsets\":[0,10000000000]}}",
                new byte[0]),
            "safetensors tensor 'weight' declares shape (50000, 50000, 1, 1) = 2.5e9 values,"
                + " limit is 268435456"),
        Arguments.of(
            "st-header-10gb.safetensors",
            java.nio.ByteBuffer.allocate(16)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN)
                .putLong(10_000_000_000L)
                .array(),
            "safetensors header length is 10000000000 bytes, expected 2 to 104857600"),
        Arguments.of(
            "npz-1gib-missing.npz",
            npz(
                false,
                members(
                    "weight",
                    TestImages.npy("<f4", new long[] {1 << 14, 1 << 14, 1, 1}, new byte[1000]))),
            "npz member 'weight.npy': npy data is truncated"),
        Arguments.of(
            "st-1gib-missing.safetensors",
            safetensors(
                "{\"weight\":{\"dtype\":\"F32\","
                    + "\"shape\":[16384,16384,1,1],\"data_offsets\":[0,1073741824]}}",
                new byte[64]),
            "safetensors data of tensor 'weight' is truncated"),
        Arguments.of(
            "garbage.npz",
            "not a zip".getBytes(StandardCharsets.UTF_8),
            "not an .npz (zip) archive: it starts with \"not a zi\""),
        Arguments.of("empty.safetensors", new byte[0], "not a .safetensors file"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badBanks")
  void badBankExitsTwoWithOneLine(String name, byte[] bytes, String expected) {
    Path bank = write(name, bytes);
    CliRuns.Result r =
        CliRuns.run(CliRuns.featurize(temp.resolve("never"), "--filters", bank.toString()));
    assertThat(r.code()).as(r.err()).isEqualTo(2);
    assertThat(r.err()).startsWith("haloconv: error: --filters " + bank + ": ").contains(expected);
    assertThat(r.err().strip()).doesNotContain("\n").doesNotContain("\tat ");
  }

  @Test
  void bankShapesThatDoNotFitTheGroupsOrChannelsAreRefused() {
    Path bank = write("fine.npz", npz(false, members("weight", npy(SHAPE, weight(0, 0)))));
    String[] base = CliRuns.featurize(temp.resolve("never"), "--filters", bank.toString());
    assertThat(CliRuns.run(CliRuns.append(base, "--groups", "3")).err())
        .contains("groups 3 must divide the bank's 2 filters");
    assertThat(CliRuns.run(CliRuns.append(base, "--groups", "2", "--channels", "rgb")).err())
        .contains("filters expect 6 input channels (groups 2 x 3), --channels rgb gives 3");
    assertThat(CliRuns.run(CliRuns.append(base, "--channels", "rgba")).err())
        .contains("filters expect 3 input channels (groups 1 x 3), --channels rgba gives 4");
  }

  @Test
  void aBankFileOverOneGibIsRefusedUnread() throws IOException {
    Path huge = temp.resolve("huge.npz");
    try (RandomAccessFile file = new RandomAccessFile(huge.toFile(), "rw")) {
      file.setLength(2L << 30); // sparse: 2 GiB that take no disk
    }
    CliRuns.Result r =
        CliRuns.run(CliRuns.featurize(temp.resolve("never"), "--filters", huge.toString()));
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "haloconv: error: --filters "
                + huge
                + " is 2147483648 bytes, more than the 1073741824 a bank file may have");
  }

  /**
   * In a JVM of 64 MB, banks declaring a 1 GiB array without holding it still end in exit 2 and one
   * line: memory follows the bytes that are there, not the header's claim.
   */
  @Test
  void banksThatDeclareMoreThanTheyHoldFitInASmallHeap() throws Exception {
    List<String> names =
        List.of(
            "npz-1gib-missing.npz",
            "st-1gib-missing.safetensors",
            "npz-10gb.npz",
            "st-10gb.safetensors");
    List<String> command =
        new ArrayList<>(
            List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m",
                "-cp",
                System.getProperty("java.class.path"),
                BankChecks.class.getName(),
                temp.resolve("never").toString()));
    List<String> expected = new ArrayList<>();
    for (String name : names) {
      Object[] bad =
          badBanks().filter(a -> a.get()[0].equals(name)).findFirst().orElseThrow().get();
      Path bank = write("child-" + name, (byte[]) bad[1]);
      command.add(bank.toString());
      expected.add("exit 2: haloconv: error: --filters " + bank + ": " + bad[2]);
    }
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (!process.waitFor(120, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the child JVM did not finish: " + command);
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.exitValue()).as(output).isZero();
    List<String> results = output.lines().filter(l -> l.startsWith("exit ")).toList();
    assertThat(results).as(output).hasSize(names.size());
    for (int i = 0; i < names.size(); i++) {
      assertThat(results.get(i)).startsWith(expected.get(i)).doesNotContain("memory");
    }
  }
}
