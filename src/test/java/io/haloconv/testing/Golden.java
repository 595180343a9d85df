package io.haloconv.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The reference cases PyTorch computed in float64, read from {@code ../shared/golden} beside the
 * project at test time (never copied into the repository).
 */
public final class Golden {
  private Golden() {}

  public static Path root() {
    Path project = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path golden = project.resolveSibling("shared").resolve("golden");
    if (!Files.isDirectory(golden)) {
      throw new IllegalStateException(
          "golden cases not found at " + golden + "; ../shared must sit beside the project");
    }
    return golden;
  }

  /** One entry of a {@code cases.json}. */
  public record Case(String name, Path dir, JsonNode json) {
    public Path file(String field) {
      return dir.resolve(json.get(field).asText());
    }

    @Override
    public String toString() {
      return name;
    }
  }

  public static List<Case> cases(String suite) {
    Path dir = root().resolve(suite);
    try {
      JsonNode all = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : all) {
        cases.add(new Case(c.get("name").asText(), dir, c));
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The ConvSpec a case's {@code spec} object describes, for a bank of the case. */
  public static ConvSpec spec(JsonNode spec, FilterBank bank) {
    ConvSpec.Builder b = ConvSpec.builder(bank);
    int[] stride = pair(spec.get("stride"), 1);
    int[] dilation = pair(spec.get("dilation"), 1);
    b.stride(stride[0], stride[1]).dilation(dilation[0], dilation[1]);
    if (spec.has("groups")) {
      b.groups(spec.get("groups").asInt());
    }
    b.padding(padding(spec.get("padding")));
    if (spec.has("padding_mode")) {
      b.paddingMode(PaddingMode.parse(spec.get("padding_mode").asText()));
    }
    if (spec.has("activation")) {
      b.activation(Activation.parse(spec.get("activation").asText()));
    }
    return b.build();
  }

  private static int[] pair(JsonNode node, int fallback) {
    if (node == null) {
      return new int[] {fallback, fallback};
    }
    if (node.isArray()) {
      return new int[] {node.get(0).asInt(), node.get(1).asInt()};
    }
    return new int[] {node.asInt(), node.asInt()};
  }

  public static Padding padding(JsonNode node) {
    if (node == null) {
      return Padding.VALID;
    }
    if (node.isTextual()) {
      return Padding.parse(node.asText());
    }
    if (node.isArray()) {
      StringBuilder s = new StringBuilder();
      for (JsonNode v : node) {
        s.append(s.length() == 0 ? "" : ",").append(v.asInt());
      }
      return Padding.parse(s.toString());
    }
    return Padding.parse(node.asText());
  }

  /** The CLI's --padding value for a case's padding. */
  public static String paddingArg(JsonNode node) {
    return padding(node).toString();
  }
}
