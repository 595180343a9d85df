package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.spark.plan.TaskMemory;
import io.haloconv.testing.ForkedMain;
import io.haloconv.testing.TestImages;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageWriteParam;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.example.GroupReadSupport;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The memory budget, in whole processes as a user runs them: a valid interlaced PNG (a format
 * decoded whole) of 6000x6000 RGB, 108 MB of decoded samples, featurized on {@code local[2]} by a
 * JVM with a 96 MB heap is refused from its header ({@code too-large}, stage {@code probe}, the
 * numbers in the message), not decoded; with a 768 MB heap it is featurized; and when a test
 * setting lets it past the budget in the small heap, the decode runs out of memory and the record
 * says {@code out-of-memory}, never {@code corrupt}.
 */
class DecodeBudgetTest {
  private static final int SIDE = 6000;

  @TempDir static Path shared;
  private static Path image;

  @TempDir Path temp;

  @BeforeAll
  static void writeImage() throws IOException {
    // One colour with a darker square: it deflates to a few hundred kilobytes.
    BufferedImage pixels = new BufferedImage(SIDE, SIDE, BufferedImage.TYPE_3BYTE_BGR);
    Graphics2D g = pixels.createGraphics();
    g.setColor(new Color(180, 120, 60));
    g.fillRect(0, 0, SIDE, SIDE);
    g.setColor(new Color(40, 40, 40));
    g.fillRect(2000, 2000, 1000, 1000);
    g.dispose();
    ImageWriteParam interlaced = TestImages.writer("png").getDefaultWriteParam();
    interlaced.setProgressiveMode(ImageWriteParam.MODE_DEFAULT); // Adam7
    image = shared.resolve("interlaced.png");
    Files.write(image, TestImages.encode(pixels, "png", interlaced));
  }

  @Test
  void tooLargeForTheHeapIsRefusedFromTheHeader() throws Exception {
    Run run = featurize("-Xmx96m");
    assertThat(run.code).as(run.log).isZero();
    assertThat(run.log).contains("1 files: 0 written, 1 failed");
    List<String[]> errors = errors(run.output);
    assertThat(errors).hasSize(1);
    String[] record = errors.get(0);
    assertThat(record[1]).isEqualTo("probe");
    assertThat(record[2]).isEqualTo("too-large");
    assertThat(record[3])
        .contains("6000x6000 interlaced PNG")
        .contains("over 2 task(s) at once")
        .contains("give executors more memory")
        .contains("--max-pixels");
    Matcher numbers =
        Pattern.compile("\\((\\d+) bytes\\) of heap, one task has [0-9.]+ MiB \\((\\d+) bytes")
            .matcher(record[3]);
    assertThat(numbers.find()).as(record[3]).isTrue();
    long needed = Long.parseLong(numbers.group(1));
    long available = Long.parseLong(numbers.group(2));
    // At least the decoded samples; a task's share is under half the 96 MB heap.
    assertThat(needed).isGreaterThanOrEqualTo(3L * SIDE * SIDE);
    assertThat(available).isLessThan(48L << 20).isLessThan(needed);
  }

  @Test
  void theSameImageIsFeaturizedInAHeapItFits() throws Exception {
    Run run = featurize("-Xmx768m");
    assertThat(run.code).as(run.log).isZero();
    assertThat(errors(run.output).stream().map(r -> String.join(" | ", r)).toList()).isEmpty();
    assertThat(run.log).contains("1 files: 1 written, 0 failed");
    assertThat(featureFiles(run.output)).isNotEmpty();
  }

  @Test
  void aDecodeLetPastTheBudgetRunsOutOfMemoryAndSaysSo() throws Exception {
    Run run = featurize("-Xmx96m", "--conf", TaskMemory.TEST_TASK_BYTES_KEY + "=" + (64L << 30));
    assertThat(run.code).as(run.log).isZero();
    assertThat(run.log).contains("1 files: 0 written, 1 failed");
    List<String[]> errors = errors(run.output);
    assertThat(errors).hasSize(1);
    String[] record = errors.get(0);
    assertThat(record[1]).isEqualTo("decode");
    assertThat(record[2]).as(record[3]).isEqualTo("out-of-memory");
    assertThat(record[3]).contains("PNG").contains("the file may be fine");
  }

  private record Run(int code, String log, Path output) {}

  private Run featurize(String heap, String... extra) throws Exception {
    Path output = temp.resolve("features");
    List<String> args =
        new ArrayList<>(
            List.of(
                "featurize",
                "--input",
                image.toString(),
                "--filters",
                "preset:sobel",
                "--padding",
                "same",
                "--precision",
                "float16",
                "--tile",
                "512",
                "--master",
                "local[2]",
                "--output",
                output.toString(),
                // Spark refuses heaps under 450 MB unless told that it reserves none for itself.
                "--conf",
                "spark.testing.reservedMemory=0",
                "--conf",
                "spark.ui.enabled=false"));
    args.addAll(List.of(extra));
    Process process =
        ForkedMain.builder(ForkedMain.command(List.of(heap), args))
            .redirectErrorStream(true)
            .start();
    byte[] log = process.getInputStream().readAllBytes();
    boolean done = process.waitFor(5, TimeUnit.MINUTES);
    if (!done) {
      process.destroyForcibly();
    }
    String text = new String(log, StandardCharsets.UTF_8);
    assertThat(done).as("finished in 5 minutes: " + text).isTrue();
    return new Run(process.exitValue(), text, output);
  }

  /** The rows of {@code output/_errors}: path, stage, error, message. */
  private static List<String[]> errors(Path output) throws IOException {
    List<String[]> rows = new ArrayList<>();
    Path dir = output.resolve("_errors");
    if (!Files.isDirectory(dir)) {
      return rows;
    }
    Configuration conf = new Configuration();
    org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir.toUri());
    FileSystem fs = root.getFileSystem(conf);
    for (FileStatus file : fs.listStatus(root)) {
      if (!file.getPath().getName().endsWith(".parquet")) {
        continue;
      }
      try (ParquetReader<Group> reader =
          ParquetReader.builder(new GroupReadSupport(), file.getPath()).withConf(conf).build()) {
        for (Group g = reader.read(); g != null; g = reader.read()) {
          rows.add(
              new String[] {
                g.getString("path", 0),
                g.getString("stage", 0),
                g.getString("error", 0),
                g.getString("message", 0)
              });
        }
      }
    }
    return rows;
  }

  private static List<Path> featureFiles(Path output) throws IOException {
    try (var files = Files.walk(output)) {
      return files
          .filter(p -> p.getFileName().toString().endsWith(".parquet"))
          .filter(p -> !p.toString().contains("_errors"))
          .toList();
    }
  }
}
