package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFiles;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.Normalization;
import io.haloconv.render.FeatureGrid;
import io.haloconv.render.FilterGrid;
import io.haloconv.render.Panel;
import io.haloconv.render.Rendering;
import io.haloconv.spark.FeaturizeJob;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.output.SourceImages;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Npz;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.SparkTests;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * inspect, render, render-filters and export on a real featurize output: float16 values, several
 * tiles per image, one bad file, and a layered copy as issue 8's stacks write it.
 */
class ToolCommandsTest {
  @TempDir static Path temp;
  static Path output;
  static Path layered;
  static FilterBank bank;
  static Map<String, Tensor3> maps;

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Spark.shared(SparkTests.session()));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @BeforeAll
  static void featurize() throws IOException {
    Path input = temp.resolve("input");
    Files.createDirectories(input.resolve("more"));
    for (String name : new String[] {"shapes.png", "texture.png", "more/stripes.png"}) {
      Files.copy(Path.of("data/images", name), input.resolve(name));
    }
    Files.writeString(input.resolve("broken.png"), "not a png at all");
    try (InputStream in = Files.newInputStream(Path.of("data/banks/edges.npz"))) {
      bank = BankFiles.fromNpz(in);
    }
    ConvSpec spec =
        ConvSpec.builder(bank).padding(Padding.SAME).activation(Activation.RELU).build();
    output = temp.resolve("features");
    FeaturizeJob.run(
        SparkTests.session(),
        JobConfig.builder(
                input.toString(),
                output.toString(),
                LayerStack.of(bank, spec, "data/banks/edges.npz"))
            .tile(100, 128)
            .channels(ChannelMode.KEEP)
            .normalization(Normalization.UNIT)
            .precision(Precision.FLOAT16)
            .build());
    maps = FeatureMaps.viaSpark(SparkTests.session(), output.toString());
    // Issue 8's layout: every written layer under layer=NAME/, errors and manifest at the top.
    layered = temp.resolve("layered");
    for (String layer : new String[] {"conv1", "conv2"}) {
      Path dir = Files.createDirectories(layered.resolve("layer=" + layer));
      try (Stream<Path> files = Files.list(output)) {
        for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
          Files.copy(f, dir.resolve(f.getFileName()));
        }
      }
    }
    Files.copy(output.resolve("_manifest.json"), layered.resolve("_manifest.json"));
  }

  static String path(String name) {
    return maps.keySet().stream().filter(p -> p.endsWith("/" + name)).findFirst().orElseThrow();
  }

  @Test
  void inspectShowsSchemaCountsChannelsErrorsAndManifest() {
    Result r = run("inspect", output.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out())
        .contains("schema")
        .containsPattern("  features +binary")
        .containsPattern("  dtype +string")
        .containsPattern("  transform +array<double>")
        .containsPattern("  valid_fraction +double")
        .contains("images  tiles  channels  dtype    map sizes (HxW)")
        .containsPattern("channel +min +max +mean +std +non-finite")
        .contains("errors: 1 bad record in _errors/, by reason")
        .contains("1  probe  not-an-image")
        .contains("manifest (_manifest.json)", "\"images_failed\" : 1");
    assertThat(r.out().lines().filter(l -> l.matches("\\s+3\\s+\\d+\\s+4\\s+float16.*")))
        .hasSize(1);
  }

  @Test
  void inspectJsonStatisticsMatchTheDecodedMaps() throws IOException {
    Result r = run("inspect", output.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("complete").asBoolean()).isTrue();
    assertThat(json.path("counts").get(0).path("images").asLong()).isEqualTo(3);
    assertThat(json.path("counts").get(0).path("dtypes").get(0).asText()).isEqualTo("float16");
    assertThat(json.path("errors").path("total").asLong()).isEqualTo(1);
    assertThat(json.path("manifest").path("counts").path("files_listed").asLong()).isEqualTo(4);
    JsonNode channels = json.path("channels");
    assertThat(channels.size()).isEqualTo(4);
    for (int c = 0; c < 4; c++) {
      double min = Double.POSITIVE_INFINITY;
      double max = Double.NEGATIVE_INFINITY;
      double sum = 0;
      long n = 0;
      for (Tensor3 map : maps.values()) {
        int plane = map.height() * map.width();
        for (int i = c * plane; i < (c + 1) * plane; i++) {
          min = Math.min(min, map.data()[i]);
          max = Math.max(max, map.data()[i]);
          sum += map.data()[i];
          n++;
        }
      }
      double mean = sum / n;
      double squares = 0;
      for (Tensor3 map : maps.values()) {
        int plane = map.height() * map.width();
        for (int i = c * plane; i < (c + 1) * plane; i++) {
          squares += (map.data()[i] - mean) * (map.data()[i] - mean);
        }
      }
      JsonNode s = channels.get(c);
      assertThat(s.path("count").asLong()).isEqualTo(n);
      assertThat(s.path("min").asDouble()).isEqualTo(min);
      assertThat(s.path("max").asDouble()).isEqualTo(max);
      assertThat(s.path("mean").asDouble())
          .isCloseTo(mean, org.assertj.core.data.Offset.offset(1e-9 * Math.max(1, Math.abs(mean))));
      assertThat(s.path("std").asDouble())
          .isCloseTo(Math.sqrt(squares / n), org.assertj.core.data.Offset.offset(1e-9));
    }
  }

  @Test
  void inspectOfALayeredOutputReportsEachLayer() throws IOException {
    Result r = run("inspect", layered.toString(), "--json");
    assertThat(r.code()).as(r.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(r.out());
    assertThat(json.path("counts").findValuesAsText("layer")).containsExactly("conv1", "conv2");
    assertThat(json.path("channels").size()).isEqualTo(8);
    assertThat(json.path("channels").get(4).path("layer").asText()).isEqualTo("conv2");
    assertThat(json.path("complete").asBoolean()).isFalse(); // no _SUCCESS in this copy
  }

  @Test
  void renderDrawsTheMapsBesideTheSource() throws IOException {
    Path png = temp.resolve("grid.png");
    Result r =
        run("render", output.toString(), "--image", "more/stripes.png", "--out", png.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).startsWith("haloconv: wrote " + png);
    BufferedImage got = ImageIO.read(png.toFile());
    String path = path("stripes.png");
    Tensor3 map = maps.get(path);
    Rendering want =
        FeatureGrid.render(
            map,
            SourceImages.load(SparkTests.session(), path).pixels(),
            "input",
            FeatureGrid.Options.defaults(path, "subtitle"));
    assertThat(got.getWidth()).isEqualTo(want.image().getWidth());
    assertThat(got.getHeight()).isEqualTo(want.image().getHeight());
    for (Panel p : want.panels()) {
      for (int y = p.y(); y < p.y() + p.height(); y += 7) {
        for (int x = p.x(); x < p.x() + p.width(); x += 5) {
          assertThat(got.getRGB(x, y))
              .as("%s at %d,%d", p.name(), x, y)
              .isEqualTo(want.image().getRGB(x, y));
        }
      }
    }
    assertThat(want.panels().get(0).name()).isEqualTo("input");
  }

  @Test
  void renderFiltersDrawsTheBank() throws IOException {
    Path png = temp.resolve("filters.png");
    Result r = run("render-filters", "data/banks/edges.npz", "--out", png.toString());
    assertThat(r.code()).as(r.err()).isZero();
    BufferedImage got = ImageIO.read(png.toFile());
    BufferedImage want = FilterGrid.render(bank, "data/banks/edges.npz").image();
    assertThat(got.getWidth()).isEqualTo(want.getWidth());
    assertThat(got.getHeight()).isEqualTo(want.getHeight());
    assertThat(got.getRGB(want.getWidth() / 3, want.getHeight() / 3))
        .isEqualTo(want.getRGB(want.getWidth() / 3, want.getHeight() / 3));
    Result again = run("render-filters", "data/banks/edges.npz", "--out", png.toString());
    assertThat(again.code()).isEqualTo(2);
    assertThat(again.err())
        .isEqualTo(
            "haloconv: error: --out " + png + " already exists; pass --overwrite to replace it\n");
  }

  @Test
  void exportWritesTheWholeMapAsNpyAndManyAsNpz() throws IOException {
    Path npy = temp.resolve("texture.npy");
    Result r = run("export", output.toString(), "--image", "texture.png", "--out", npy.toString());
    assertThat(r.code()).as(r.err()).isZero();
    Tensor3 want = maps.get(path("texture.png"));
    NpyArray got;
    try (InputStream in = Files.newInputStream(npy)) {
      got = Npy.read(in);
    }
    assertThat(got.shape()).containsExactly(4, 256, 256);
    assertThat(Arrays.equals(got.data(), want.data())).isTrue();

    Path npz = temp.resolve("all.npz");
    r = run("export", output.toString(), "--format", "npz", "--out", npz.toString());
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out()).contains("3 feature maps");
    Map<String, NpyArray> arrays;
    try (InputStream in = Files.newInputStream(npz)) {
      arrays = Npz.read(in);
    }
    assertThat(new ArrayList<>(arrays.keySet())).isEqualTo(new ArrayList<>(maps.keySet()));
    for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
      assertThat(Arrays.equals(e.getValue().data(), maps.get(e.getKey()).data()))
          .as(e.getKey())
          .isTrue();
    }
  }

  @Test
  void badRequestsExitWithCodeTwoAndOneLine() {
    List<String[]> cases =
        List.of(
            new String[] {
              "render",
              output.toString(),
              "--image",
              "nothing.png",
              "--out",
              temp.resolve("x.png").toString()
            },
            new String[] {
              "render",
              layered.toString(),
              "--image",
              "texture.png",
              "--out",
              temp.resolve("x.png").toString()
            },
            new String[] {
              "export",
              layered.toString(),
              "--image",
              "texture.png",
              "--layer",
              "conv9",
              "--out",
              temp.resolve("x.npy").toString()
            },
            new String[] {"export", output.toString(), "--out", temp.resolve("x.npy").toString()},
            new String[] {"inspect", temp.resolve("missing").toString()},
            new String[] {"inspect", output.toString(), "--jsn"});
    List<String> messages = new ArrayList<>();
    for (String[] args : cases) {
      Result r = run(args);
      assertThat(r.code()).as(String.join(" ", args) + ": " + r.err()).isEqualTo(2);
      assertThat(r.err().lines()).hasSize(1);
      messages.add(r.err().strip());
    }
    assertThat(messages.get(0))
        .startsWith("haloconv: error: no image nothing.png in " + output + "; it holds e.g. file:");
    assertThat(messages.get(1))
        .isEqualTo(
            "haloconv: error: "
                + layered
                + " holds layers conv1, conv2; choose one with --layer NAME");
    assertThat(messages.get(2))
        .isEqualTo("haloconv: error: no layer 'conv9' in " + layered + "; it holds conv1, conv2");
    assertThat(messages.get(3))
        .isEqualTo(
            "haloconv: error: export to .npy needs --image PATH "
                + "(or --format npz for many images)");
    assertThat(messages.get(4))
        .isEqualTo("haloconv: error: " + temp.resolve("missing") + " does not exist");
    assertThat(messages.get(5))
        .isEqualTo("haloconv: error: unknown option --jsn; did you mean " + "--json?");
  }

  @Test
  void layeredRenderAndExportTakeALayer() throws IOException {
    Path npy = temp.resolve("conv2.npy");
    Result r =
        run(
            "export",
            layered.toString(),
            "--layer",
            "conv2",
            "--image",
            "shapes.png",
            "--out",
            npy.toString());
    assertThat(r.code()).as(r.err()).isZero();
    try (InputStream in = Files.newInputStream(npy)) {
      assertThat(Arrays.equals(Npy.read(in).data(), maps.get(path("shapes.png")).data())).isTrue();
    }
  }

  @Test
  void featurizeReadsParquetColumnsItIsTold() {
    Result r =
        run(
            "featurize",
            "--input",
            output.toString(),
            "--input-format",
            "parquet",
            "--image-column",
            "features",
            "--id-column",
            "nope",
            "--filters",
            "data/banks/edges.npz",
            "--output",
            temp.resolve("never").toString());
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .isEqualTo(
            "haloconv: error: --id-column nope is not a column of the "
                + "input; its columns: path, y0, x0, height, width, channels, out_height, out_width, "
                + "dtype, features, transform, crs, mpp_x, mpp_y, valid_fraction\n");
    Result files =
        run(
            "featurize",
            "--input",
            "data/images",
            "--id-column",
            "id",
            "--filters",
            "data/banks/edges.npz",
            "--output",
            temp.resolve("never").toString());
    assertThat(files.code()).isEqualTo(2);
    assertThat(files.err())
        .isEqualTo("haloconv: error: --id-column needs --input-format " + "parquet\n");
  }
}
