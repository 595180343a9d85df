package io.haloconv.stack;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Reads a stack file (design.md §6): {@code {"layers": [...]}}, each layer a {@code conv} (a bank
 * plus every design.md §1 key, in the CLI's value forms or as JSON numbers and arrays) or a {@code
 * pool}. Every problem is an {@link IllegalArgumentException} whose one-line message names the
 * layer.
 */
public final class StackFile {
  /** Keys a conv layer takes. */
  public static final Set<String> CONV_KEYS =
      Set.of(
          "name",
          "type",
          "filters",
          "stride",
          "padding",
          "dilation",
          "groups",
          "padding_mode",
          "activation",
          "emit");

  /** Keys a pool layer takes. */
  public static final Set<String> POOL_KEYS =
      Set.of("name", "type", "op", "size", "stride", "padding", "emit");

  private static final int MAX = 1 << 16;
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  /** Turns a conv layer's {@code filters} value into a bank. */
  @FunctionalInterface
  public interface BankResolver {
    /**
     * @param filters the value as written in the file
     * @param channels the channels the layer receives, or 0 when no earlier layer fixes them
     */
    FilterBank resolve(String filters, int channels);
  }

  private StackFile() {}

  public static LayerStack read(InputStream in, BankResolver banks) throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
    return parse(root, banks);
  }

  public static LayerStack parse(JsonNode root, BankResolver banks) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("a stack file must be a JSON object {\"layers\": [...]}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("layers")) {
        throw new IllegalArgumentException(
            "unknown key '" + key + "'; a stack file has only \"layers\"");
      }
    }
    JsonNode list = root.get("layers");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException("\"layers\" must be a non-empty array of layers");
    }
    List<Layer> layers = new ArrayList<>();
    int channels = 0;
    for (int i = 0; i < list.size(); i++) {
      JsonNode node = list.get(i);
      String label = "layer " + (i + 1);
      if (node.isObject() && node.has("name") && node.get("name").isTextual()) {
        label = "layer " + node.get("name").asText();
      }
      try {
        Layer layer = layer(node, i, channels, banks);
        if (layer instanceof ConvLayer conv) {
          channels = conv.bank().filters();
        }
        layers.add(layer);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(label + ": " + e.getMessage(), e);
      }
    }
    return new LayerStack(layers);
  }

  private static Layer layer(JsonNode node, int index, int channels, BankResolver banks) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("must be a JSON object, got " + node);
    }
    JsonNode typeNode = node.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw new IllegalArgumentException("needs \"type\": \"conv\" or \"pool\"");
    }
    String type = typeNode.asText();
    if (!type.equals("conv") && !type.equals("pool")) {
      throw new IllegalArgumentException("unknown layer type '" + type + "'; types are conv, pool");
    }
    Set<String> keys = type.equals("conv") ? CONV_KEYS : POOL_KEYS;
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!keys.contains(key)) {
        throw new IllegalArgumentException(
            "unknown key '"
                + key
                + "'; "
                + type
                + " layers take "
                + String.join(", ", sorted(keys)));
      }
    }
    String name = node.has("name") ? text(node, "name") : "layer" + (index + 1);
    boolean emit = false;
    if (node.has("emit")) {
      if (!node.get("emit").isBoolean()) {
        throw new IllegalArgumentException("emit must be true or false, got " + node.get("emit"));
      }
      emit = node.get("emit").asBoolean();
    }
    return type.equals("conv") ? conv(node, name, emit, channels, banks) : pool(node, name, emit);
  }

  private static List<String> sorted(Set<String> keys) {
    List<String> list = new ArrayList<>(keys);
    list.sort(null);
    return list;
  }

  private static ConvLayer conv(
      JsonNode node, String name, boolean emit, int channels, BankResolver banks) {
    if (!node.has("filters")) {
      throw new IllegalArgumentException(
          "a conv layer needs \"filters\" (a bank file, preset:NAME" + " or random:K,C,F[,SEED])");
    }
    String filters = text(node, "filters");
    int[] stride = pair(node, "stride", 1);
    int[] dilation = pair(node, "dilation", 1);
    int groups = node.has("groups") ? integer(node.get("groups"), "groups") : 1;
    Padding padding = padding(node.get("padding"));
    PaddingMode mode =
        node.has("padding_mode")
            ? PaddingMode.parse(text(node, "padding_mode"))
            : PaddingMode.ZEROS;
    Activation activation =
        node.has("activation") ? Activation.parse(text(node, "activation")) : Activation.NONE;
    FilterBank bank = banks.resolve(filters, channels);
    ConvSpec spec =
        ConvSpec.builder(bank)
            .stride(stride[0], stride[1])
            .dilation(dilation[0], dilation[1])
            .groups(groups)
            .padding(padding)
            .paddingMode(mode)
            .activation(activation)
            .build();
    return new ConvLayer(name, filters, bank, spec, emit);
  }

  private static PoolLayer pool(JsonNode node, String name, boolean emit) {
    if (!node.has("op")) {
      throw new IllegalArgumentException("a pool layer needs \"op\": \"max\" or \"avg\"");
    }
    PoolOp op = PoolOp.parse(text(node, "op"));
    if (!node.has("size")) {
      throw new IllegalArgumentException("a pool layer needs \"size\"");
    }
    int[] size = pair(node, "size", 1);
    int[] stride = node.has("stride") ? pair(node, "stride", 1) : size;
    return new PoolLayer(
        name,
        new PoolSpec(op, size[0], size[1], stride[0], stride[1], padding(node.get("padding"))),
        emit);
  }

  private static String text(JsonNode node, String key) {
    JsonNode v = node.get(key);
    if (!v.isTextual()) {
      throw new IllegalArgumentException(key + " must be a string, got " + v);
    }
    return v.asText();
  }

  /** {@code N}, {@code [A, B]}, or the CLI's {@code "N"} / {@code "A,B"}. */
  private static int[] pair(JsonNode node, String key, int fallback) {
    JsonNode v = node.get(key);
    if (v == null) {
      return new int[] {fallback, fallback};
    }
    String forms = key + " must be N or [A, B] with integers in [1, " + MAX + "], got " + v;
    int[] out;
    if (v.isArray()) {
      if (v.size() != 2) {
        throw new IllegalArgumentException(forms);
      }
      out = new int[] {integer(v.get(0), forms), integer(v.get(1), forms)};
    } else if (v.isTextual()) {
      String[] parts = v.asText().split(",", -1);
      if (parts.length > 2) {
        throw new IllegalArgumentException(forms);
      }
      out = new int[2];
      for (int i = 0; i < parts.length; i++) {
        out[i] = parseInt(parts[i], forms);
      }
      if (parts.length == 1) {
        out[1] = out[0];
      }
    } else {
      int n = integer(v, forms);
      out = new int[] {n, n};
    }
    for (int x : out) {
      if (x < 1 || x > MAX) {
        throw new IllegalArgumentException(forms);
      }
    }
    return out;
  }

  private static int integer(JsonNode v, String what) {
    String message =
        what.contains(" must ") ? what : what + " must be an integer in [1, " + MAX + "], got " + v;
    if (v.isTextual()) {
      return parseInt(v.asText(), message);
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new IllegalArgumentException(message);
    }
    int n = v.asInt();
    if (n < 1 || n > MAX) {
      throw new IllegalArgumentException(message);
    }
    return n;
  }

  private static int parseInt(String text, String message) {
    try {
      return Integer.parseInt(text.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(message);
    }
  }

  /**
   * {@code P}, {@code [PH, PW]}, {@code [T, B, L, R]}, {@code "same"}, {@code "valid"} or a CLI
   * string.
   */
  private static Padding padding(JsonNode v) {
    if (v == null) {
      return Padding.VALID;
    }
    String forms = "padding must be P, [PH, PW], [T, B, L, R], \"same\" or \"valid\", got " + v;
    if (v.isTextual()) {
      return Padding.parse(v.asText());
    }
    if (v.isIntegralNumber() && v.canConvertToInt()) {
      return Padding.parse(Integer.toString(v.asInt()));
    }
    if (v.isArray() && (v.size() == 2 || v.size() == 4)) {
      StringBuilder s = new StringBuilder();
      for (JsonNode p : v) {
        if (!p.isIntegralNumber() || !p.canConvertToInt()) {
          throw new IllegalArgumentException(forms);
        }
        s.append(s.length() == 0 ? "" : ",").append(p.asInt());
      }
      return Padding.parse(s.toString());
    }
    throw new IllegalArgumentException(forms);
  }
}
