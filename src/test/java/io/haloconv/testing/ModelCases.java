package io.haloconv.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The trained-model cases of {@code src/test/resources/models} (written by
 * jobs/models/make-models.py): a model, an input crop and PyTorch's float64 result for it.
 */
public final class ModelCases {
  public static final Path DIR = Path.of("src/test/resources/models");

  private ModelCases() {}

  /**
   * @param model {@code small_cnn} or {@code mixed}: {@code DIR/MODEL.onnx}, {@code .json}, {@code
   *     .safetensors}
   */
  public record Case(String model, String input, String expected) {
    public Path onnx() {
      return DIR.resolve(model + ".onnx");
    }

    public Path stackFile() {
      return DIR.resolve(model + ".json");
    }

    public Path inputFile() {
      return DIR.resolve(input);
    }

    @Override
    public String toString() {
      return model + " " + input;
    }
  }

  public static List<Case> cases() {
    return read("cases");
  }

  /**
   * The models ending in a global pool ({@code resnet_block}, {@code resnet_block_max}), on the
   * crops ({@code crop_K.npy} here) and on whole images of data/images ({@code NAME.png}); the
   * expected file holds PyTorch's float64 embedding, K values.
   */
  public static List<Case> embeddingCases() {
    return read("embeddings");
  }

  /** The image file of a case: a crop here, or a whole image of the repository's data/images. */
  public static Path imageFile(Case c) {
    return c.input().endsWith(".npy") ? c.inputFile() : Path.of("data/images").resolve(c.input());
  }

  private static List<Case> read(String key) {
    try {
      JsonNode root = new ObjectMapper().readTree(DIR.resolve("cases.json").toFile());
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : root.get(key)) {
        cases.add(
            new Case(c.get("model").asText(), c.get("input").asText(), c.get("expected").asText()));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static Tensor3 image(Case c) throws IOException {
    NpyArray a = read(c.inputFile());
    return Tensor3.wrap(a.dimension(0), a.dimension(1), a.dimension(2), a.data());
  }

  public static NpyArray expected(Case c) throws IOException {
    return read(DIR.resolve(c.expected()));
  }

  /** Asserts an embedding is within design.md §1's tolerance of PyTorch's float64 one. */
  public static void assertEmbeddingMatches(Case c, float[] got) throws IOException {
    NpyArray want = expected(c);
    if (want.rank() != 1 || want.dimension(0) != got.length) {
      throw new AssertionError(
          c + ": " + got.length + " values, expected " + java.util.Arrays.toString(want.shape()));
    }
    NaiveConv.assertClose(got, want.data(), c.toString());
  }

  /** Asserts {@code got} has the expected shape and is within design.md §1's tolerance. */
  public static void assertMatches(Case c, Tensor3 got) throws IOException {
    NpyArray want = expected(c);
    int[] shape = want.shape();
    if (got.channels() != shape[0] || got.height() != shape[1] || got.width() != shape[2]) {
      throw new AssertionError(
          c + ": shape " + got + ", expected " + java.util.Arrays.toString(shape));
    }
    NaiveConv.assertClose(got.data(), want.data(), c.toString());
  }

  /** The last layer's map, evaluated tile by tile on tiles of {@code th}×{@code tw} outputs. */
  public static Tensor3 evaluateTiles(LayerStack stack, Tensor3 image, int th, int tw)
      throws IOException {
    StackGeometry g = stack.geometry(image.channels(), image.height(), image.width());
    int last = stack.size();
    Tensor3 map = Tensor3.zeros(g.channels(last), g.height(last), g.width(last));
    StackEvaluator evaluator = new StackEvaluator(stack);
    for (Tile tile : g.grid(th, tw).tiles()) {
      evaluator.evaluate(
          g,
          g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth()),
          RegionReader.of(image),
          region -> {
            if (region.layer() != last - 1) {
              return;
            }
            for (int ch = 0; ch < region.channels(); ch++) {
              for (int y = 0; y < region.height(); y++) {
                for (int x = 0; x < region.width(); x++) {
                  map.set(
                      ch,
                      region.y0() + y,
                      region.x0() + x,
                      region.data()[region.offset(ch, y) + x]);
                }
              }
            }
          });
    }
    return map;
  }

  private static NpyArray read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Npy.read(in);
    }
  }
}
