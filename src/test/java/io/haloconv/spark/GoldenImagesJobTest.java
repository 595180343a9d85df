package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.BankFiles;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.Golden;
import io.haloconv.testing.NaiveConv;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The whole job on local[2], on every golden image (the repository's, and ../shared/golden's when
 * present): decoding, channel conventions, normalisation, tiling, convolution and Parquet, read
 * back by Spark and by parquet-hadoop directly, against PyTorch's float64 result.
 */
class GoldenImagesJobTest {
  @TempDir Path temp;

  static List<Golden.Case> cases() {
    return Golden.cases("images");
  }

  static FilterBank bank(Golden.Case c) throws IOException {
    try (InputStream in = Files.newInputStream(c.file("filters"))) {
      return BankFiles.fromNpz(in);
    }
  }

  static NpyArray expected(Golden.Case c) throws IOException {
    try (InputStream in = Files.newInputStream(c.file("expected"))) {
      return Npy.read(in);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void featuresMatchPyTorchThroughBothReaders(Golden.Case c) throws IOException {
    SparkSession spark = SparkTests.session();
    FilterBank bank = bank(c);
    ConvSpec spec = Golden.spec(c.json().get("spec"), bank);
    String image = c.file("image").toString();
    String out = temp.resolve("out").toString();
    // Small tiles, so every image is many tiles with halos crossing seams.
    JobConfig config =
        JobConfig.builder(image, out, LayerStack.of(bank, spec, c.file("filters").toString()))
            .tile(100, 128)
            .build();
    JobResult result = FeaturizeJob.run(spark, config);

    assertThat(result.filesListed()).isEqualTo(1);
    assertThat(result.imagesWritten()).isEqualTo(1);
    assertThat(result.imagesFailed()).isZero();
    NpyArray want = expected(c);
    Map<String, Tensor3> viaSpark = FeatureMaps.viaSpark(spark, out);
    Map<String, Tensor3> viaParquet = FeatureMaps.viaParquetHadoop(out);
    assertThat(viaSpark).hasSize(1);
    Tensor3 got = viaSpark.values().iterator().next();
    assertThat(new int[] {got.channels(), got.height(), got.width()}).containsExactly(want.shape());
    NaiveConv.assertClose(got.data(), want.data(), c.name());
    assertThat(viaParquet.keySet()).isEqualTo(viaSpark.keySet());
    assertThat(viaParquet.values().iterator().next().bitwiseEquals(got))
        .as("parquet-hadoop and Spark read the same bits")
        .isTrue();
    assertThat(viaSpark.keySet().iterator().next())
        .endsWith(c.file("image").getFileName().toString());
    assertThat(Files.exists(temp.resolve("out/_SUCCESS"))).isTrue();
    assertThat(Files.exists(temp.resolve("out/_manifest.json"))).isTrue();
  }
}
