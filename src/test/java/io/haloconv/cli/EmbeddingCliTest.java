package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.testing.ModelCases;
import io.haloconv.testing.SparkTests;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Embeddings from the command line: featurize with the committed ResNet-like ONNX block, then
 * {@code export} (one (N, K) .npy with paths and cells beside it, compared with the Parquet rows)
 * and {@code inspect}; stack files with pools in the wrong place are refused before Spark starts.
 */
class EmbeddingCliTest {
  @TempDir static Path temp;
  private static Path out;

  @BeforeAll
  static void featurize() throws IOException {
    SparkTests.session();
    Path input = Files.createDirectories(temp.resolve("in"));
    for (String name : new String[] {"texture.png", "shapes.png"}) {
      Files.copy(Path.of("data/images").resolve(name), input.resolve(name));
    }
    out = temp.resolve("out");
    CliRuns.Result r =
        CliRuns.run(
            "featurize",
            "--input",
            input.toString(),
            "--layers",
            ModelCases.DIR.resolve("resnet_block.onnx").toString(),
            "--output",
            out.toString(),
            "--tile",
            "24",
            "--master",
            "local[2]",
            "--conf",
            "spark.ui.enabled=false");
    assertThat(r.code()).as(r.err()).isZero();
  }

  @Test
  void exportWritesOneMatrixWithPathsAndCellsBesideIt() throws IOException {
    Path npy = temp.resolve("emb.npy");
    CliRuns.Result r = CliRuns.run("export", out.toString(), "--out", npy.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip())
        .isEqualTo(
            "haloconv: wrote "
                + npy
                + " (2 embeddings of 16 float32 values), "
                + temp.resolve("emb")
                + ".paths.txt and "
                + temp.resolve("emb")
                + ".cells.tsv");
    NpyArray matrix;
    try (InputStream in = Files.newInputStream(npy)) {
      matrix = Npy.read(in);
    }
    assertThat(matrix.shape()).containsExactly(2, 16);
    List<String> paths = Files.readAllLines(temp.resolve("emb.paths.txt"));
    assertThat(paths).hasSize(2);
    assertThat(paths.get(0)).endsWith("/shapes.png"); // sorted by path
    assertThat(paths.get(1)).endsWith("/texture.png");
    assertThat(Files.readAllLines(temp.resolve("emb.cells.tsv")))
        .containsExactly(
            "cell_row\tcell_col\ty0\tx0\theight\twidth\tpixels",
            "0\t0\t0\t0\t240\t320\t" + (60 * 80),
            "0\t0\t0\t0\t256\t256\t" + (64 * 64));
    List<Row> rows = SparkTests.session().read().parquet(out.toString()).collectAsList();
    for (Row row : rows) {
      EmbeddingRows.Embedding e = EmbeddingRows.decode(row);
      int i = paths.indexOf(e.path());
      assertThat(i).as(e.path()).isNotNegative();
      float[] line = java.util.Arrays.copyOfRange(matrix.data(), i * 16, i * 16 + 16);
      assertThat(line).containsExactly(e.values());
      String image = e.path().substring(e.path().lastIndexOf('/') + 1);
      ModelCases.Case c =
          ModelCases.embeddingCases().stream()
              .filter(k -> k.model().equals("resnet_block") && k.input().equals(image))
              .findFirst()
              .orElseThrow();
      ModelCases.assertEmbeddingMatches(c, line);
    }
  }

  @Test
  void exportOfEmbeddingsRefusesImageFlags() {
    CliRuns.Result r =
        CliRuns.run(
            "export",
            out.toString(),
            "--image",
            "shapes.png",
            "--out",
            temp.resolve("x.npy").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "haloconv: error: "
                + out
                + " holds embeddings; export writes them all to one .npy, without --image");
  }

  @Test
  void inspectShowsCountsAndDimensions() {
    CliRuns.Result r = CliRuns.run("inspect", out.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("embedding", "array<float>");
    assertThat(r.out()).contains("embeddings (").contains("dimensions (std over all rows)");
    List<String> lines = r.out().lines().toList();
    int header =
        lines.indexOf(lines.stream().filter(l -> l.contains("cell sizes")).findFirst().get());
    assertThat(lines.get(header + 1).trim().split("\\s+")).startsWith("2", "2", "16");
    assertThat(lines.stream().filter(l -> l.matches("\\s+15\\s.*"))).hasSize(1); // dimension 15
    CliRuns.Result json = CliRuns.run("inspect", out.toString(), "--json");
    assertThat(json.out()).contains("\"kind\" : \"embeddings\"");
  }

  @Test
  void poolsOutOfPlaceAreRefusedNamingTheLayer() throws IOException {
    Path stack = temp.resolve("bad.json");
    Files.writeString(
        stack,
        "{\"layers\": [{\"name\": \"c\", \"type\": \"conv\", \"filters\": \"random:4,3,3\"},"
            + " {\"name\": \"gp\", \"type\": \"global_pool\", \"mode\": \"avg\"},"
            + " {\"name\": \"p\", \"type\": \"pool\", \"op\": \"max\", \"size\": 2}]}");
    CliRuns.Result r =
        CliRuns.run(
            "featurize",
            "--input",
            "data/images",
            "--layers",
            stack.toString(),
            "--output",
            temp.resolve("never").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "layer gp: a global_pool must be the last layer (it reduces the map to embeddings); 1"
                + " layer(s) follow it");
    Files.writeString(
        stack,
        "{\"layers\": [{\"name\": \"c\", \"type\": \"conv\", \"filters\": \"random:4,3,3\"},"
            + " {\"name\": \"gp\", \"type\": \"grid_pool\", \"grid\": 2, \"cell\": 8}]}");
    r =
        CliRuns.run(
            "featurize",
            "--input",
            "data/images",
            "--layers",
            stack.toString(),
            "--output",
            temp.resolve("never").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains("layer gp: a grid_pool needs \"grid\": G (G×G cells per image) or \"cell\"");
    Files.writeString(
        stack,
        "{\"layers\": [{\"name\": \"c\", \"type\": \"conv\", \"filters\": \"random:4,3,3\"},"
            + " {\"name\": \"gp\", \"type\": \"global_pool\", \"mode\": \"median\"}]}");
    r =
        CliRuns.run(
            "featurize",
            "--input",
            "data/images",
            "--layers",
            stack.toString(),
            "--input-format",
            "parquet",
            "--output",
            temp.resolve("never").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err()).contains("layer gp: mode must be avg or max, got 'median'");
  }

  @Test
  void parquetInputRefusesAStackEndingInAPool() throws IOException {
    Path stack = temp.resolve("pool.json");
    Files.writeString(
        stack,
        "{\"layers\": [{\"name\": \"c\", \"type\": \"conv\", \"filters\": \"random:4,3,3\"},"
            + " {\"name\": \"gp\", \"type\": \"grid_pool\", \"grid\": 2}]}");
    CliRuns.Result r =
        CliRuns.run(
            "featurize",
            "--input",
            "data/images",
            "--layers",
            stack.toString(),
            "--input-format",
            "parquet",
            "--output",
            temp.resolve("never").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err().strip())
        .isEqualTo(
            "haloconv: error: --layers ends in a grid_pool: embeddings are computed from image"
                + " files, not --input-format parquet");
  }
}
