package io.haloconv.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * One benchmark problem in the format of {@code jobs/bench/shapes.json}: a batch of n images of
 * c×h×w, k square filters of f×f, one stride and one symmetric zero padding, with bias and relu.
 *
 * @param name the shape's name, as the peer benchmark prints it
 * @param n images in the batch
 * @param c channels per image
 * @param h image height
 * @param w image width
 * @param k filters
 * @param f filter size (f×f)
 * @param stride stride on both axes
 * @param padding zero padding on every side
 */
public record BenchShape(
    String name, int n, int c, int h, int w, int k, int f, int stride, int padding) {
  public BenchShape {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException("shape name must be set");
    }
    if (n < 1 || c < 1 || h < 1 || w < 1 || k < 1 || f < 1 || stride < 1) {
      throw new IllegalArgumentException(
          "shape " + name + ": n, c, h, w, k, f and stride must be >= 1");
    }
    if (padding < 0) {
      throw new IllegalArgumentException(
          "shape " + name + ": padding must be >= 0, got " + padding);
    }
    // The fields are not assigned yet in a compact constructor: compute from the parameters.
    if (h + 2 * padding < f || w + 2 * padding < f) {
      throw new IllegalArgumentException("shape " + name + ": output would be empty");
    }
  }

  public int outHeight() {
    return (h + 2 * padding - f) / stride + 1;
  }

  public int outWidth() {
    return (w + 2 * padding - f) / stride + 1;
  }

  /**
   * Floating-point operations of one run, counted as the peer (oneDNN's benchdnn and {@code
   * dnnl_conv.cpp}) counts them: 2·N·K·C·F·F·OH·OW, one multiply and one add per tap. Bias and relu
   * are not counted.
   */
  public double flops() {
    return 2.0 * n * k * c * f * f * outHeight() * outWidth();
  }

  /** Reads a JSON array of shape objects with the keys of the record. */
  public static List<BenchShape> readAll(InputStream in) throws IOException {
    JsonNode root = new ObjectMapper().readTree(in);
    if (root == null || !root.isArray()) {
      throw new IllegalArgumentException("shapes file must hold a JSON array of shapes");
    }
    List<BenchShape> shapes = new ArrayList<>();
    for (JsonNode s : root) {
      shapes.add(
          new BenchShape(
              text(s, "name"),
              integer(s, "n"),
              integer(s, "c"),
              integer(s, "h"),
              integer(s, "w"),
              integer(s, "k"),
              integer(s, "f"),
              integer(s, "stride"),
              integer(s, "padding")));
    }
    if (shapes.isEmpty()) {
      throw new IllegalArgumentException("shapes file holds no shape");
    }
    return shapes;
  }

  private static String text(JsonNode s, String key) {
    JsonNode v = s.get(key);
    if (v == null || !v.isTextual()) {
      throw new IllegalArgumentException("every shape needs a string \"" + key + "\", got " + s);
    }
    return v.asText();
  }

  private static int integer(JsonNode s, String key) {
    JsonNode v = s.get(key);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
      throw new IllegalArgumentException("every shape needs an integer \"" + key + "\", got " + s);
    }
    return v.asInt();
  }
}
