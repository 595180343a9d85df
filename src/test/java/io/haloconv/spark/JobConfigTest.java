package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.NodataPolicy;
import io.haloconv.io.Normalization;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.Compression;
import io.haloconv.spark.output.EmptyTiles;
import io.haloconv.spark.output.WriteMode;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;
import org.junit.jupiter.api.Test;

/**
 * The builder starts from the defaults of design.md §4, sets each component, derives configs from
 * existing ones, and leaves the checks to the record's constructor.
 */
class JobConfigTest {
  private static final FilterBank BANK = FilterBanks.random(2, 3, 3, 1);
  private static final LayerStack STACK =
      LayerStack.of(BANK, ConvSpec.builder(BANK).build(), "random:2,3,3,1");

  @Test
  void theBuilderStartsFromTheCommandsDefaults() {
    JobConfig expected =
        new JobConfig(
            "in",
            "out",
            "",
            STACK,
            0,
            0,
            ChannelMode.KEEP,
            Normalization.UNIT,
            Precision.FLOAT32,
            FailureMode.PERMISSIVE,
            WriteMode.ERROR_IF_EXISTS,
            1L << 31,
            0,
            null,
            Compression.ZSTD,
            0,
            NodataPolicy.AUTO,
            EmptyTiles.KEEP);
    assertThat(JobConfig.builder("in", "out", STACK).build()).isEqualTo(expected);
  }

  @Test
  void everySetterSetsItsComponentAndToBuilderKeepsTheRest() {
    JobConfig config =
        JobConfig.builder("in", "out", STACK)
            .layersFile("s.json")
            .tile(7, 9)
            .channels(ChannelMode.RGB)
            .normalization(Normalization.RAW)
            .precision(Precision.BFLOAT16)
            .mode(FailureMode.FAILFAST)
            .writeMode(WriteMode.OVERWRITE)
            .maxPixels(1000)
            .partitions(3)
            .pattern("*.png")
            .compression(Compression.NONE)
            .level(2)
            .nodata(NodataPolicy.NONE)
            .emptyTiles(EmptyTiles.SKIP)
            .build();
    assertThat(config)
        .isEqualTo(
            new JobConfig(
                "in",
                "out",
                "s.json",
                STACK,
                7,
                9,
                ChannelMode.RGB,
                Normalization.RAW,
                Precision.BFLOAT16,
                FailureMode.FAILFAST,
                WriteMode.OVERWRITE,
                1000,
                3,
                "*.png",
                Compression.NONE,
                2,
                NodataPolicy.NONE,
                EmptyTiles.SKIP));
    assertThat(config.toBuilder().build()).isEqualTo(config);
    JobConfig derived = config.toBuilder().partitions(5).build();
    assertThat(derived.partitions()).isEqualTo(5);
    assertThat(derived.toBuilder().partitions(3).build()).isEqualTo(config);
  }

  @Test
  void buildChecksTheValues() {
    assertThatThrownBy(() -> JobConfig.builder("in", "out", STACK).tile(-1, 4).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("tile size must be >= 1, got -1x4");
    assertThatThrownBy(() -> JobConfig.builder("in", "out", STACK).level(-1).build())
        .hasMessage("--level must be >= 0, got -1");
    assertThatThrownBy(() -> JobConfig.builder(" ", "out", STACK).build())
        .hasMessage("input is required");
    assertThatThrownBy(() -> JobConfig.builder("in", "out", STACK).precision(null).build())
        .hasMessage("channels, normalization, precision and modes are required");
  }
}
