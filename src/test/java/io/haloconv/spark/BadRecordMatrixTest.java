package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FaultyFileSystem;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.SparkTests;
import io.haloconv.testing.TestImages;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The bad-record matrix of issue 6: every kind of bad input, in every {@code --mode}, beside one
 * good image. Whatever the case, every listed entry is accounted for (listed = written + failed);
 * permissive mode explains the failure in {@code _errors/} with its stage, kind and a one-line
 * message; dropmalformed counts it in {@code _manifest.json}; failfast exits 1 naming the file and
 * leaves no output behind.
 */
class BadRecordMatrixTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String GOOD = "good.png";
  static FilterBank bank;
  static byte[] bomb;

  @TempDir Path temp;

  @BeforeAll
  static void setUp() {
    bank = FilterBanks.random(4, 3, 3, 7);
    bomb = TestImages.pngBomb(200_000, 200_000);
  }

  @AfterEach
  void resetFaults() {
    FaultyFileSystem.reset();
  }

  /** One kind of input beside the good image, and what the job must make of it. */
  enum Case {
    ZERO_BYTES("zero.png", "probe", "empty-file", "empty file (0 bytes)"),
    TEXT_NAMED_PNG(
        "notes.png", "probe", "not-an-image", "not a PNG image: file starts with \"Dear dia\""),
    NON_IMAGE_FILE(
        "README.txt",
        "probe",
        "not-an-image",
        "no image reader recognises this file: it starts with \"Dear dia\""),
    TRUNCATED_PNG(
        "cut.png",
        "decode",
        "truncated",
        "truncated PNG: Error reading PNG image data: Unexpected end of ZLIB input stream"),
    TRUNCATED_JPEG("cut.jpg", "decode", "truncated", "truncated JPEG: "),
    TIFF_UNSUPPORTED_COMPRESSION(
        "j2k.tif", "decode", "unsupported", "unsupported TIFF compression 34712 (JPEG 2000)"),
    DECOMPRESSION_BOMB(
        "bomb.png",
        "probe",
        "too-large",
        "image is 200000x200000 = 4.0e10 pixels, --max-pixels is 2147483648"),
    CMYK_JPEG("cmyk.jpg", null, null, null),
    CHANNEL_MISMATCH(
        "rgba.png", "convolve", "channel-mismatch", "filters expect 3 channels, image has 4"),
    CHANNELS_CANNOT_CONVERT(
        "bands.tif",
        "convolve",
        "channel-mismatch",
        "--channels rgb cannot convert an image of 5 channels"),
    SMALLER_THAN_KERNEL(
        "tiny.png",
        "convolve",
        "too-small",
        "image is 2x2: output would be empty: input height 2"
            + " + padding 0 is smaller than the kernel's reach 3"),
    NPY_WRONG_DTYPE(
        "int32.npy",
        "probe",
        "unsupported",
        ".npy image dtype int32 is not supported: use float32, float64, uint8 or uint16"),
    NPY_WRONG_RANK(
        "rank4.npy",
        "probe",
        "unsupported",
        ".npy image must be (C, H, W) or (H, W), got shape (1, 3, 8, 8)"),
    VANISHES_AFTER_LISTING(
        FaultyFileSystem.VANISH_ON_LIST + ".png",
        "probe",
        "file-not-found",
        "file not found: it was listed, then deleted or moved before it could be read"),
    VANISHES_AFTER_PROBING(
        FaultyFileSystem.VANISH_AFTER_PROBE + ".png",
        "decode",
        "file-not-found",
        "file not found: it was listed, then deleted or moved before it could be read"),
    UNLISTABLE_DIRECTORY(
        FaultyFileSystem.UNLISTABLE,
        "list",
        "unreadable",
        "cannot list this directory, so its files were not read: Permission denied");

    final String name;
    final String stage;
    final String error;
    final String message;

    Case(String name, String stage, String error, String message) {
      this.name = name;
      this.stage = stage;
      this.error = error;
      this.message = message;
    }

    boolean good() {
      return stage == null;
    }

    /** Cases that need the misbehaving {@code faulty:} file system. */
    boolean faulty() {
      return this == VANISHES_AFTER_LISTING
          || this == VANISHES_AFTER_PROBING
          || this == UNLISTABLE_DIRECTORY;
    }

    UnaryOperator<JobConfig> configure() {
      return this == CHANNELS_CANNOT_CONVERT
          ? c ->
              c.toBuilder()
                  .channels(ChannelMode.RGB)
                  .normalization(Normalization.UNIT)
                  .precision(Precision.FLOAT32)
                  .build()
          : c -> c;
    }

    void write(Path dir) throws IOException {
      Path file = dir.resolve(name);
      byte[] letter = "Dear diary, this is not a picture.\n".getBytes(StandardCharsets.UTF_8);
      switch (this) {
        case ZERO_BYTES -> Files.write(file, new byte[0]);
        case TEXT_NAMED_PNG, NON_IMAGE_FILE -> Files.write(file, letter);
        case TRUNCATED_PNG ->
            Files.write(file, TestImages.truncate(TestImages.png(48, 40, 3), 0.5));
        case TRUNCATED_JPEG -> Files.write(file, TestImages.truncate(TestImages.jpeg(64, 48), 0.6));
        case TIFF_UNSUPPORTED_COMPRESSION ->
            Files.write(file, TestImages.tiffStrips(4, 4, 3, 4, 34712, new byte[4 * 4 * 3]));
        case DECOMPRESSION_BOMB -> Files.write(file, bomb);
        case CMYK_JPEG -> Files.write(file, TestImages.cmykJpeg(32, 16));
        case CHANNEL_MISMATCH ->
            Files.write(
                file,
                TestImages.encode(
                    TestImages.gradient(8, 8, java.awt.image.BufferedImage.TYPE_INT_ARGB),
                    "png",
                    null));
        case CHANNELS_CANNOT_CONVERT ->
            Files.write(file, TestImages.tiffStrips(4, 4, 5, 4, 1, new byte[4 * 4 * 5]));
        case SMALLER_THAN_KERNEL -> Files.write(file, TestImages.png(2, 2, 5));
        case NPY_WRONG_DTYPE ->
            Files.write(file, TestImages.npy("<i4", new long[] {3, 8, 8}, new byte[3 * 8 * 8 * 4]));
        case NPY_WRONG_RANK ->
            Files.write(
                file, TestImages.npy("<f4", new long[] {1, 3, 8, 8}, new byte[3 * 8 * 8 * 4]));
        case VANISHES_AFTER_LISTING, VANISHES_AFTER_PROBING ->
            Files.write(file, TestImages.png(16, 12, 9));
        case UNLISTABLE_DIRECTORY -> {
          Files.createDirectories(file);
          Files.write(file.resolve("inside.png"), TestImages.png(16, 12, 9));
        }
        default -> throw new AssertionError(this);
      }
    }
  }

  static Stream<Arguments> matrix() {
    List<Arguments> cases = new ArrayList<>();
    for (Case c : Case.values()) {
      for (FailureMode mode : FailureMode.values()) {
        cases.add(Arguments.of(c, mode));
      }
    }
    return cases.stream();
  }

  private JobConfig job(Case c, FailureMode mode) throws IOException {
    Path input = Files.createDirectories(temp.resolve("input"));
    Files.write(input.resolve(GOOD), TestImages.png(24, 20, 1));
    c.write(input);
    String uri = c.faulty() ? FaultyFileSystem.uri(input) : input.toString();
    JobConfig config =
        JobConfig.builder(
                uri,
                temp.resolve("out").toString(),
                LayerStack.of(bank, ConvSpec.builder(bank).build(), "random:4,3,3,7"))
            .mode(mode)
            .build();
    return c.configure().apply(config);
  }

  @ParameterizedTest(name = "{0} in {1}")
  @MethodSource("matrix")
  void everyEntryIsAccountedForAndEveryFailureExplained(Case c, FailureMode mode)
      throws IOException {
    JobConfig config = job(c, mode);
    SparkSession spark = SparkTests.session();
    Path out = temp.resolve("out");
    if (mode == FailureMode.FAILFAST && !c.good()) {
      assertThatThrownBy(() -> FeaturizeJob.run(spark, config))
          .isInstanceOf(JobException.class)
          .hasMessageContaining(c.name)
          .hasMessageContaining(c.stage + " failed: " + c.message)
          .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(1))
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
      assertThat(out).doesNotExist();
      try (Stream<Path> siblings = Files.list(temp)) {
        assertThat(siblings.map(p -> p.getFileName().toString()))
            .containsExactlyInAnyOrder("input");
      }
      return;
    }

    JobResult result = FeaturizeJob.run(spark, config);
    assertThat(result.filesListed()).isEqualTo(2);
    assertThat(result.imagesWritten() + result.imagesFailed()).isEqualTo(result.filesListed());
    assertThat(result.imagesFailed()).isEqualTo(c.good() ? 0 : 1);
    JsonNode manifest = JSON.readTree(out.resolve("_manifest.json").toFile());
    assertThat(manifest.at("/counts/files_listed").asLong()).isEqualTo(2);
    assertThat(manifest.at("/counts/images_written").asLong()).isEqualTo(result.imagesWritten());
    assertThat(manifest.at("/counts/images_failed").asLong()).isEqualTo(result.imagesFailed());
    assertThat(out.resolve("_SUCCESS")).exists();

    Map<String, Tensor3> maps = FeatureMaps.viaSpark(spark, out.toString());
    assertThat(maps.keySet()).anySatisfy(path -> assertThat(path).endsWith("/" + GOOD));
    if (c.good()) {
      assertThat(maps).hasSize(2);
      assertThat(maps.keySet()).anySatisfy(path -> assertThat(path).endsWith("/" + c.name));
    } else {
      assertThat(maps).hasSize(1);
    }

    Path errors = out.resolve("_errors");
    if (mode != FailureMode.PERMISSIVE) {
      assertThat(errors).doesNotExist();
      return;
    }
    List<Row> rows = spark.read().parquet(errors.toString()).collectAsList();
    if (c.good()) {
      assertThat(rows).isEmpty();
      return;
    }
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.getString(row.fieldIndex("path"))).endsWith("/" + c.name);
    assertThat(row.getString(row.fieldIndex("stage"))).isEqualTo(c.stage);
    assertThat(row.getString(row.fieldIndex("error"))).isEqualTo(c.error);
    assertThat(row.getString(row.fieldIndex("message")))
        .startsWith(c.message)
        .doesNotContain("\n")
        .doesNotContain("Exception");
  }
}
