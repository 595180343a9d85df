package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code haloconv probe}: the levels and georeference featurize would see, without Spark. */
class ProbeCommandTest {
  static final String RASTERS = "src/test/resources/rasters/";

  @Test
  void showsLevelsSamplesAndGeoreference() {
    CliRuns.Result r = CliRuns.run("probe", RASTERS + "cog-zstd-float32.tif");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("  format    TIFF\n")
        .contains("  size      110x90 (level 0), 1 channel gray\n")
        .contains("  samples   32-bit float\n")
        .contains("  read by   window, blocks of 32x32\n")
        .contains("  levels    0 (110x90), 1 (55x45), 2 (28x23)\n")
        .contains("  geo       transform [500000.0, 30.0, 0.0, 4100000.0, 0.0, -30.0], EPSG:32633");
  }

  @Test
  void aLevelScalesTheTransformAndAMissingLevelIsItsBadRecordLine() {
    CliRuns.Result r =
        CliRuns.run(
            "probe", RASTERS + "cog-zstd-float32.tif", RASTERS + "svs-like.tif", "--level", "2");
    assertThat(r.code()).isEqualTo(0);
    assertThat(r.out())
        .contains("  size      28x23 (level 2), 1 channel gray\n")
        .contains(
            "transform [500000.0, 117.85714285714286, 0.0, 4100000.0, 0.0, -117.3913043478261]")
        .contains("  size      32x24 (level 2), 3 channels rgb\n")
        .contains("1.996 x 1.996 µm/pixel");
    CliRuns.Result missing = CliRuns.run("probe", RASTERS + "svs-like.tif", "--level", "5");
    assertThat(missing.code()).isEqualTo(2);
    assertThat(missing.out())
        .contains(
            "  no-such-level: no level 5: the file has levels 0 (128x96), 1 (64x48), 2 (32x24)\n");
  }
}
