package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.spark.listing.DistributedListing;
import io.haloconv.spark.listing.InputListing;
import io.haloconv.spark.output.Compression;
import io.haloconv.spark.output.ParquetSettings;
import io.haloconv.spark.plan.ScratchStage;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.SparkTests;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.hadoop.util.HadoopInputFile;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job on inputs shaped like large ones, at test size: whole-decode images streamed into scratch
 * rasters, directories listed by tasks, many small images packed into few tasks, Parquet settings.
 */
class LargeInputsJobTest {
  private static final FilterBank BANK = FilterBanks.random(4, 3, 3, 11);
  private static final ConvSpec SPEC =
      ConvSpec.builder(BANK).padding(Padding.SAME).paddingMode(PaddingMode.REFLECT).build();

  @TempDir Path temp;

  private JobConfig config(Path input, String output) {
    return JobConfig.builder(
            input.toString(), temp.resolve(output).toString(), LayerStack.of(BANK, SPEC, "random"))
        .build();
  }

  private static Path png(Path file, int width, int height, int seed) throws IOException {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    for (int y = 0; y < height; y++) {
      for (int x = 0; x < width; x++) {
        image.setRGB(
            x,
            y,
            ((x * 7 + y + seed) & 0xff) << 16
                | ((y * 5 + seed * 3) & 0xff) << 8
                | ((x + y * 3) & 0xff));
      }
    }
    Files.createDirectories(file.getParent());
    ImageIO.write(image, file.toString().endsWith(".png") ? "png" : "jpeg", file.toFile());
    return file;
  }

  private static Map<String, Tensor3> read(Path dir) {
    return FeatureMaps.viaSpark(SparkTests.session(), dir.toString());
  }

  @Test
  void largeWholeDecodeImagesAreStreamedOnceIntoScratchRastersWithTheSameFeatures()
      throws IOException {
    Path input = temp.resolve("whole");
    png(input.resolve("a.png"), 300, 170, 1);
    png(input.resolve("b.jpg"), 190, 260, 2);
    SparkSession spark = SparkTests.session();
    FeaturizeJob.run(spark, config(input, "direct").toBuilder().tile(48, 64).build());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    spark.conf().set(ScratchStage.MIN_BYTES_KEY, "1");
    JobResult staged;
    try {
      staged =
          FeaturizeJob.run(
              spark,
              config(input, "staged").toBuilder().tile(48, 64).build(),
              new PrintStream(log, true, StandardCharsets.UTF_8));
    } finally {
      spark.conf().unset(ScratchStage.MIN_BYTES_KEY);
    }
    assertThat(log.toString(StandardCharsets.UTF_8)).contains("haloconv: scratch: 2 image(s)");
    assertThat(staged.imagesWritten()).isEqualTo(2);
    try (var left = Files.list(temp)) {
      assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.contains("scratch"));
    }
    Map<String, Tensor3> a = read(temp.resolve("direct"));
    Map<String, Tensor3> b = read(temp.resolve("staged"));
    assertThat(b.keySet()).isEqualTo(a.keySet());
    for (String path : a.keySet()) {
      assertThat(b.get(path).bitwiseEquals(a.get(path))).as(path).isTrue();
    }
  }

  @Test
  void manyDirectoriesAreListedByTasksAndManySmallImagesShareFewTasks() throws IOException {
    Path input = temp.resolve("tree");
    int images = 0;
    for (int d = 0; d < 12; d++) {
      for (int i = 0; i < 5; i++) {
        png(input.resolve("d" + d).resolve("sub").resolve(i + ".png"), 20 + 7 * i, 33 + d, d + i);
        images++;
      }
    }
    png(input.resolve("_hidden").resolve("x.png"), 20, 20, 0);
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    JobResult result =
        FeaturizeJob.run(
            SparkTests.session(),
            config(input, "tree-out"),
            new PrintStream(log, true, StandardCharsets.UTF_8));
    String text = log.toString(StandardCharsets.UTF_8);
    assertThat(text).contains("directories listed in parallel");
    assertThat(result.filesListed()).isEqualTo(images);
    assertThat(result.imagesWritten()).isEqualTo(images);
    assertThat(result.tiles()).isEqualTo(images);
    // 60 one-tile images on local[2]: a handful of tasks, never one per file.
    assertThat(text).containsPattern("convolve: 60 tiles in [2-9] tasks");
    assertThat(read(temp.resolve("tree-out"))).hasSize(images);
  }

  @Test
  void aDirectoryTooLargeForTheDriverIsListedByATaskAsTheDriverWouldList() throws IOException {
    Path input = temp.resolve("flat");
    for (int i = 0; i < 12; i++) {
      Files.createDirectories(input);
      Files.write(input.resolve("f" + i + ".png"), new byte[] {1});
    }
    Files.write(input.resolve(".hidden"), new byte[] {1});
    Files.createDirectories(input.resolve("inner"));
    Files.write(input.resolve("inner").resolve("g.png"), new byte[] {1});
    Configuration conf = new Configuration();
    DistributedListing.Plan plan = DistributedListing.plan(conf, input.toString(), null, 100, 5);
    assertThat(plan.files()).isEmpty();
    assertThat(plan.directories()).hasSize(1);
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(SparkTests.session().sparkContext());
    List<String> distributed =
        new ArrayList<>(
            DistributedListing.entries(jsc, plan, new HadoopConf(conf), 3)
                .map(DistributedListing.Listed::file)
                .collect());
    distributed.sort(null);
    assertThat(distributed).isEqualTo(InputListing.list(conf, input.toString()));
    assertThat(distributed).hasSize(13);
  }

  @Test
  void compressionDictionaryAndStatisticsSettingsReachParquet() throws IOException {
    Path input = temp.resolve("one");
    png(input.resolve("a.png"), 64, 64, 3);
    SparkSession spark = SparkTests.session();
    for (Compression compression : Compression.values()) {
      String name = "codec-" + compression.cliName();
      FeaturizeJob.run(
          spark, config(input, name).toBuilder().tile(16, 16).compression(compression).build());
      Set<CompressionCodecName> codecs = new TreeSet<>();
      for (BlockMetaData block : rowGroups(temp.resolve(name))) {
        for (ColumnChunkMetaData column : block.getColumns()) {
          codecs.add(column.getCodec());
          if (column.getPath().toDotString().equals("features")) {
            assertThat(column.getEncodings())
                .doesNotContain(Encoding.PLAIN_DICTIONARY, Encoding.RLE_DICTIONARY);
            assertThat(column.getStatistics().hasNonNullValue()).isFalse();
          }
        }
      }
      assertThat(codecs).containsExactly(CompressionCodecName.fromConf(compression.parquetName()));
    }
  }

  @Test
  void rowGroupsStayUnderWhatAReaderShouldHold() {
    long row = 16L << 20;
    assertThat(ParquetSettings.rowGroupBytes(row, 2L << 30, 2)).isEqualTo(112L << 20);
    assertThat(ParquetSettings.rowGroupBytes(256 << 10, 96L << 20, 2)).isEqualTo(12L << 20);
    assertThat(ParquetSettings.rowGroupBytes(64 << 20, 96L << 20, 2)).isEqualTo(64L << 20);
  }

  private static List<BlockMetaData> rowGroups(Path dir) throws IOException {
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
    FileSystem fs = root.getFileSystem(conf);
    List<BlockMetaData> blocks = new ArrayList<>();
    for (FileStatus file : fs.listStatus(root)) {
      if (file.getPath().getName().endsWith(".parquet")) {
        try (ParquetFileReader reader =
            ParquetFileReader.open(HadoopInputFile.fromPath(file.getPath(), conf))) {
          blocks.addAll(reader.getFooter().getBlocks());
        }
      }
    }
    assertThat(blocks).isNotEmpty();
    return blocks;
  }
}
