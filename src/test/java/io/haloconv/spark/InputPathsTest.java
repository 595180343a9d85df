package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.spark.listing.InputListing;
import io.haloconv.stack.LayerStack;
import io.haloconv.testing.FileTrees;
import io.haloconv.testing.SparkTests;
import io.haloconv.testing.TestImages;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File names and directory shapes real datasets have: spaces, unicode, {@code #}, {@code %} and
 * {@code :} in names, symbolic links to directories (and a loop), hidden and {@code _} files, a
 * copy in progress, a text file among the images. The {@code path} column holds each file's path as
 * Hadoop lists it ({@code Path.toString()}, no percent-escapes), and {@code new Path(path)} opens
 * that very file again.
 */
class InputPathsTest {
  @TempDir static Path temp;
  static Path root;
  static Path elsewhere;

  /** Name relative to root → bytes, for every image the job must read. */
  static final Map<String, byte[]> IMAGES = new TreeMap<>();

  static FilterBank bank;

  @BeforeAll
  static void makeDataset() throws IOException {
    root = Files.createDirectories(temp.resolve("data set"));
    elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    bank = FilterBanks.random(2, 3, 3, 1);
    int seed = 0;
    List<String> names = new ArrayList<>(FileTrees.AWKWARD_NAMES);
    names.addAll(List.of("sub dir #2/deeper.png", "_part=1/kept.png"));
    for (String name : names) {
      byte[] png = TestImages.png(12, 10, seed++);
      Files.createDirectories(root.resolve(name).getParent());
      Files.write(root.resolve(name), png);
      IMAGES.put(name, png);
    }
    byte[] inside = TestImages.png(12, 10, seed++);
    Files.write(elsewhere.resolve("inside.png"), inside);
    Files.createSymbolicLink(root.resolve("linked"), elsewhere);
    IMAGES.put("linked/inside.png", inside);
    // A link back to the dataset's own root: followed, it would list everything again, for ever.
    Files.createSymbolicLink(root.resolve("sub dir #2").resolve("loop"), root);

    for (String hidden :
        List.of(
            ".hidden.png",
            "_underscore.png",
            ".git/objects.png",
            "_temporary/0/part.png",
            "copy.png._COPYING_")) {
      Files.createDirectories(root.resolve(hidden).getParent());
      Files.write(root.resolve(hidden), TestImages.png(12, 10, seed++));
    }
    Files.writeString(root.resolve("notes.txt"), "camera: left\n");
  }

  private static JobConfig config(String input, String output) {
    return JobConfig.builder(
            input,
            temp.resolve(output).toString(),
            LayerStack.of(bank, ConvSpec.builder(bank).build(), "random:2,3,3,1"))
        .build();
  }

  /** Expected {@code path} values: Hadoop's string of each file as listed. */
  private static Map<String, String> expectedPaths() {
    Map<String, String> paths = new TreeMap<>();
    for (String name : IMAGES.keySet()) {
      paths.put("file:" + root.resolve(name), name);
    }
    return paths;
  }

  @Test
  void everyNameWorksEndToEndAndItsPathReadsBack() throws IOException {
    SparkSession spark = SparkTests.session();
    JobResult result = FeaturizeJob.run(spark, config(root.toString(), "all"));
    assertThat(result.filesListed()).isEqualTo(IMAGES.size() + 1); // the images and notes.txt
    assertThat(result.imagesWritten()).isEqualTo(IMAGES.size());
    assertThat(result.imagesFailed()).isEqualTo(1);

    String out = temp.resolve("all").toString();
    List<Row> rows = spark.read().parquet(out).select("path").distinct().collectAsList();
    TreeSet<String> written = new TreeSet<>();
    rows.forEach(r -> written.add(r.getString(0)));
    assertThat(written).containsExactlyElementsOf(expectedPaths().keySet());

    // Read back as haloconv reads: through the raw local file system, because the checksummed
    // one cannot name the .crc sibling of colon:name.png (a Hadoop limitation Spark shares).
    FileSystem fs = FileSystem.getLocal(new Configuration()).getRaw();
    for (String path : written) {
      try (InputStream in = fs.open(new org.apache.hadoop.fs.Path(path))) {
        assertThat(in.readAllBytes()).as(path).isEqualTo(IMAGES.get(expectedPaths().get(path)));
      }
    }

    List<Row> errors = spark.read().parquet(out + "/_errors").collectAsList();
    assertThat(errors)
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.getString(0)).isEqualTo("file:" + root.resolve("notes.txt"));
              assertThat(r.getString(1)).isEqualTo("probe");
              assertThat(r.getString(2)).isEqualTo("not-an-image");
              assertThat(r.getString(3))
                  .isEqualTo("no image reader recognises this file: it starts with \"camera: \"");
            });
  }

  @Test
  void pathsMatchWhatSparksOwnFileSourceLists() {
    SparkSession spark = SparkTests.session();
    FeaturizeJob.run(spark, config(root.toString(), "spark"));
    List<String> ours = new ArrayList<>();
    spark
        .read()
        .parquet(temp.resolve("spark").toString())
        .select("path")
        .distinct()
        .collectAsList()
        .forEach(r -> ours.add(r.getString(0)));
    List<String> theirs = new ArrayList<>();
    spark
        .read()
        .format("binaryFile")
        .option("recursiveFileLookup", "true")
        .option("pathGlobFilter", "*.png")
        .load(root.toString())
        .select("path")
        .collectAsList()
        .forEach(r -> theirs.add(r.getString(0)));
    // Spark follows the symlink loop round and round (until the OS refuses); haloconv does not.
    theirs.removeIf(path -> path.contains("/loop/"));
    assertThat(ours).containsExactlyInAnyOrderElementsOf(theirs);
  }

  @Test
  void patternRestrictsWhichFilesAreRead() {
    SparkSession spark = SparkTests.session();
    JobResult png =
        FeaturizeJob.run(
            spark, config(root.toString(), "png").toBuilder().pattern("*.png").build());
    assertThat(png.filesListed()).isEqualTo(IMAGES.size());
    assertThat(png.imagesFailed()).isZero();

    JobResult some =
        FeaturizeJob.run(
            spark,
            config(root.toString(), "some").toBuilder()
                .pattern("{hash#tag,with space,*%*}.png")
                .build());
    assertThat(some.filesListed()).isEqualTo(4);
    assertThat(some.imagesWritten()).isEqualTo(4);

    assertThatThrownBy(
            () ->
                FeaturizeJob.run(
                    spark, config(root.toString(), "none").toBuilder().pattern("*.jpg").build()))
        .isInstanceOf(JobException.class)
        .hasMessage("input " + root + " holds no files matching --pattern *.jpg")
        .satisfies(e -> assertThat(((JobException) e).exitCode()).isEqualTo(2));
  }

  @Test
  void aSymlinkedInputAndOverlappingGlobsListEachFileOnce() throws IOException {
    Path link = Files.createSymbolicLink(temp.resolve("link-to-data"), root);
    InputListing.Listing viaLink = InputListing.list(new Configuration(), link.toString(), "*.png");
    assertThat(viaLink.files())
        .hasSize(IMAGES.size())
        .allSatisfy(p -> assertThat(p).startsWith("file:" + link + "/"));

    // Both alternatives of the glob reach linked/inside.png.
    String overlapping = root + "/{linked,linked/inside.png}";
    assertThat(InputListing.list(new Configuration(), overlapping, null).files())
        .containsExactly("file:" + root.resolve("linked/inside.png"));
  }

  @Test
  void namesSparkSkipsAreSkippedAndOthersKept() {
    assertThat(InputListing.skipped(".hidden.png")).isTrue();
    assertThat(InputListing.skipped("_SUCCESS")).isTrue();
    assertThat(InputListing.skipped("_temporary")).isTrue();
    assertThat(InputListing.skipped("x.png._COPYING_")).isTrue();
    assertThat(InputListing.skipped("_part=1")).isFalse(); // a partition directory, as in Spark
    assertThat(InputListing.skipped("a_b.png")).isFalse();
    assertThat(InputListing.skipped("x.png")).isFalse();
  }
}
