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
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Named;

/**
 * The reference cases PyTorch computed in float64 ({@code jobs/golden/make-golden.py}).
 *
 * <p>The repository's copy, {@code src/test/resources/golden} read from the test classpath, is
 * always there and always used. When {@code ../shared/golden} (the team's original cases, in the
 * same formats) sits beside the project, its cases are added as an extra check, named {@code
 * shared/NAME}; nothing requires it, and without it those cases simply are not generated.
 */
public final class Golden {
  private static final String MARKER = "/golden/kernel/cases.json";

  private Golden() {}

  /** The repository's golden directory (with {@code kernel/}, {@code images/}, {@code stacks/}). */
  public static Path root() {
    URL marker = Golden.class.getResource(MARKER);
    if (marker == null || !marker.getProtocol().equals("file")) {
      throw new IllegalStateException(
          "golden cases not found on the test classpath at "
              + MARKER
              + "; they live in src/test/resources/golden (jobs/golden/make-golden.py writes"
              + " them)");
    }
    try {
      return Path.of(marker.toURI()).getParent().getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("bad golden location " + marker, e);
    }
  }

  /** A file of the repository's copy, e.g. {@code images/astronaut.png}. */
  public static Path file(String relative) {
    return root().resolve(relative);
  }

  /** {@code ../shared/golden} beside the project, if that directory exists. */
  public static Optional<Path> shared() {
    Path project = Path.of(System.getProperty("user.dir")).toAbsolutePath();
    Path golden = project.resolveSibling("shared").resolve("golden");
    return Files.isDirectory(golden) ? Optional.of(golden) : Optional.empty();
  }

  /**
   * One entry of a {@code cases.json}; {@code origin} is {@code repo} or {@code shared}.
   *
   * @param name the case's name, as in its {@code cases.json} (stack cases are directories of that
   *     name)
   */
  public record Case(String name, String origin, Path dir, JsonNode json) {
    public Path file(String field) {
      return dir.resolve(json.get(field).asText());
    }

    @Override
    public String toString() {
      return origin.equals("repo") ? name : origin + "/" + name;
    }
  }

  /** The repository's cases of {@code suite}, then those of ../shared/golden when present. */
  public static List<Case> cases(String suite) {
    List<Case> cases = new ArrayList<>(read("repo", root().resolve(suite)));
    shared().ifPresent(golden -> cases.addAll(read("shared", golden.resolve(suite))));
    return cases;
  }

  private static List<Case> read(String origin, Path dir) {
    try {
      JsonNode all = new ObjectMapper().readTree(dir.resolve("cases.json").toFile());
      List<Case> cases = new ArrayList<>();
      for (JsonNode c : all) {
        cases.add(new Case(c.get("name").asText(), origin, dir, c));
      }
      if (cases.isEmpty()) {
        throw new IllegalStateException(dir.resolve("cases.json") + " holds no cases");
      }
      return cases;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The image files of the image cases, repository's first, each named as its case is shown ({@code
   * astronaut.png}, {@code shared/astronaut.png}), keeping those whose name ends with one of {@code
   * suffixes} (all when none are given).
   */
  public static List<Named<Path>> images(String... suffixes) {
    List<Named<Path>> images = new ArrayList<>();
    for (Case c : cases("images")) {
      String image = c.json().get("image").asText();
      boolean wanted = suffixes.length == 0;
      for (String suffix : suffixes) {
        wanted |= image.endsWith(suffix);
      }
      if (wanted) {
        String prefix = c.origin().equals("repo") ? "" : c.origin() + "/";
        images.add(Named.of(prefix + image, c.file("image")));
      }
    }
    return images;
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
