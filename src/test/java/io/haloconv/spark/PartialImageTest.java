package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.EmbeddingPool;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolOp;
import io.haloconv.testing.SparkTests;
import io.haloconv.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * An image that fails part-way: a Deflate-compressed striped TIFF whose lower strips hold garbage.
 * Its header probes fine and its top tiles decode and are written; its lower tiles fail. The job
 * must then remove the tiles already written, so the image is wholly in {@code _errors/} and not
 * half in the features.
 */
class PartialImageTest {
  static final int WIDTH = 48;
  static final int HEIGHT = 64;
  static final int ROWS_PER_STRIP = 4;

  /** Strips from 6 on (rows 24 and below) are corrupt. */
  static final int GOOD_STRIPS = 6;

  @TempDir Path temp;
  Path input;
  FilterBank bank;
  JobConfig config;

  @BeforeEach
  void writeInput() throws IOException {
    input = Files.createDirectories(temp.resolve("input"));
    byte[][] strips = new byte[HEIGHT / ROWS_PER_STRIP][];
    for (int s = 0; s < strips.length; s++) {
      byte[] pixels = TestImages.randomBytes(ROWS_PER_STRIP * WIDTH * 3, s);
      strips[s] = s < GOOD_STRIPS ? TestImages.zlib(pixels) : TestImages.randomBytes(200, s);
    }
    Files.write(
        input.resolve("cut.tif"),
        TestImages.tiffStrips(WIDTH, HEIGHT, 3, ROWS_PER_STRIP, 8, strips));
    Files.write(input.resolve("good.png"), TestImages.png(40, 30, 2));
    bank = FilterBanks.random(2, 3, 3, 5);
    config =
        JobConfig.builder(
                input.toString(),
                temp.resolve("out").toString(),
                LayerStack.of(bank, ConvSpec.builder(bank).build(), "random:2,3,3,5"))
            .tile(8, 8)
            .build();
  }

  @Test
  void theTopOfTheCutTiffDecodesAndItsBottomDoesNot() throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration());
    ImageInfo info =
        ImageProbe.probe(
            fs,
            new org.apache.hadoop.fs.Path(input.resolve("cut.tif").toUri()),
            ImageProbe.DEFAULT_MAX_PIXELS);
    assertThat(info.height()).isEqualTo(HEIGHT);
    assertThat(info.supportsRegionReads()).isTrue();
    try (ImageSource source = ImageSource.open(fs, info, ChannelMode.KEEP, Normalization.UNIT)) {
      assertThat(source.read(0, 0, 10, WIDTH).height()).isEqualTo(10);
      assertThatThrownBy(() -> source.read(40, 0, 10, WIDTH))
          .isInstanceOf(ImageReadException.class)
          .hasMessageStartingWith("cannot decode TIFF: ");
    }
  }

  @ParameterizedTest(name = "{0} task(s)")
  @ValueSource(ints = {1, 3})
  void anImageThatFailsPartWayHasItsWrittenTilesRemoved(int partitions) {
    SparkSession spark = SparkTests.session();
    JobResult result = FeaturizeJob.run(spark, config.toBuilder().partitions(partitions).build());
    assertThat(result.filesListed()).isEqualTo(2);
    assertThat(result.imagesWritten()).isEqualTo(1);
    assertThat(result.imagesFailed()).isEqualTo(1);

    String out = temp.resolve("out").toString();
    List<Row> tiles =
        spark.read().parquet(out).select("path", "height", "width", "channels").collectAsList();
    assertThat(tiles).allSatisfy(r -> assertThat(r.getString(0)).endsWith("/good.png"));
    // good.png: a 38x28 feature map in 8x8 tiles is 5 x 4 = 20 tiles.
    assertThat(tiles).hasSize(20);
    assertThat(result.tiles()).isEqualTo(20);
    long kept = tiles.stream().mapToLong(r -> (long) r.getInt(1) * r.getInt(2) * r.getInt(3)).sum();
    // The tasks did compute tiles of the cut TIFF's top before its bottom failed: they were
    // written, then removed.
    assertThat(result.featureValues()).isGreaterThan(kept);

    List<Row> errors = spark.read().parquet(out + "/_errors").collectAsList();
    assertThat(errors).hasSize(1);
    assertThat(errors.get(0).getString(0)).endsWith("/cut.tif");
    assertThat(errors.get(0).getString(1)).isEqualTo("decode");
    assertThat(errors.get(0).getString(2)).isEqualTo("corrupt");
  }

  /**
   * A stack ending in a global pool: the cut TIFF's top tiles yield partials that are merged and
   * written before its bottom fails; its row is then removed, and good.png's row stays.
   */
  @ParameterizedTest(name = "{0} task(s)")
  @ValueSource(ints = {1, 3})
  void anEmbeddingOfAnImageThatFailsPartWayIsRemoved(int partitions) {
    SparkSession spark = SparkTests.session();
    LayerStack stack =
        new LayerStack(
            List.of(
                new ConvLayer("c", "random:2,3,3,5", bank, ConvSpec.builder(bank).build(), false)),
            EmbeddingPool.global("g", PoolOp.AVG));
    JobResult result =
        FeaturizeJob.run(
            spark,
            JobConfig.builder(input.toString(), temp.resolve("emb").toString(), stack)
                .layersFile("s.json")
                .tile(8, 8)
                .partitions(partitions)
                .build());
    assertThat(result.imagesWritten()).isEqualTo(1);
    assertThat(result.imagesFailed()).isEqualTo(1);
    List<Row> rows = spark.read().parquet(temp.resolve("emb").toString()).collectAsList();
    assertThat(rows)
        .singleElement()
        .satisfies(r -> assertThat(r.getString(0)).endsWith("/good.png"));
    assertThat(spark.read().parquet(temp.resolve("emb") + "/_errors").collectAsList())
        .singleElement()
        .satisfies(r -> assertThat(r.getString(0)).endsWith("/cut.tif"));
  }

  @Test
  void dropmalformedRemovesThePartialImageToo() {
    SparkSession spark = SparkTests.session();
    JobResult result =
        FeaturizeJob.run(
            spark, config.toBuilder().partitions(2).mode(FailureMode.DROPMALFORMED).build());
    assertThat(result.imagesFailed()).isEqualTo(1);
    assertThat(
            spark
                .read()
                .parquet(temp.resolve("out").toString())
                .select("path")
                .distinct()
                .collectAsList())
        .singleElement()
        .satisfies(r -> assertThat(r.getString(0)).endsWith("/good.png"));
    assertThat(temp.resolve("out/_errors")).doesNotExist();
  }

  @Test
  void failfastStopsAtThePartialImageAndLeavesNothing() {
    assertThatThrownBy(
            () ->
                FeaturizeJob.run(
                    SparkTests.session(),
                    config.toBuilder().partitions(2).mode(FailureMode.FAILFAST).build()))
        .isInstanceOf(JobException.class)
        .hasMessageContaining("cut.tif: decode failed: cannot decode TIFF: ");
    assertThat(temp.resolve("out")).doesNotExist();
  }
}
