package io.haloconv.stack;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFolding;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.NpyArray;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a stack file (design.md §6): {@code {"layers": [...]}}, each layer a {@code conv} (a bank
 * plus every design.md §1 key, in the CLI's value forms or as JSON numbers and arrays) or a {@code
 * pool}. With {@code "weights": FILE} (a PyTorch state_dict as safetensors), a conv layer may name
 * its tensors instead of a bank: {@code weight}, {@code bias}, {@code batch_norm} (folded into the
 * weights and bias) and {@code add_bias}. Every problem is an {@link IllegalArgumentException}
 * whose one-line message names the layer.
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
          "emit",
          "weight",
          "bias",
          "batch_norm",
          "add_bias");

  /** Keys of a conv layer's {@code batch_norm} object. */
  public static final Set<String> BATCH_NORM_KEYS =
      Set.of("weight", "bias", "running_mean", "running_var", "eps");

  /** PyTorch's default {@code BatchNorm2d} epsilon. */
  public static final double DEFAULT_EPSILON = 1e-5;

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

  /** Reads the stack's {@code "weights"} file: every tensor by name (a state_dict). */
  @FunctionalInterface
  public interface WeightsResolver {
    /**
     * @param weights the value as written in the file
     */
    Map<String, NpyArray> resolve(String weights);
  }

  private static final WeightsResolver NO_WEIGHTS =
      weights -> {
        throw new IllegalArgumentException("\"weights\" files are not read here");
      };

  private StackFile() {}

  public static LayerStack read(InputStream in, BankResolver banks) throws IOException {
    return read(in, banks, NO_WEIGHTS);
  }

  /**
   * Reads a stack file whose conv layers may name tensors ({@code weight}, {@code bias}, {@code
   * batch_norm}, {@code add_bias}) of the file's {@code "weights"}, a PyTorch state_dict.
   */
  public static LayerStack read(InputStream in, BankResolver banks, WeightsResolver weights)
      throws IOException {
    JsonNode root;
    try {
      root = JSON.readTree(in);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getOriginalMessage());
    }
    return parse(root, banks, weights);
  }

  public static LayerStack parse(JsonNode root, BankResolver banks) {
    return parse(root, banks, NO_WEIGHTS);
  }

  public static LayerStack parse(JsonNode root, BankResolver banks, WeightsResolver weights) {
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("a stack file must be a JSON object {\"layers\": [...]}");
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!key.equals("layers") && !key.equals("weights")) {
        throw new IllegalArgumentException(
            "unknown key '" + key + "'; a stack file has only \"layers\" and \"weights\"");
      }
    }
    StateDict state = null;
    if (root.has("weights")) {
      String file = text(root, "weights");
      state = new StateDict(file, weights.resolve(file));
    }
    JsonNode list = root.get("layers");
    if (list == null || !list.isArray() || list.isEmpty()) {
      throw new IllegalArgumentException("\"layers\" must be a non-empty array of layers");
    }
    List<Layer> layers = new ArrayList<>();
    EmbeddingPool embedding = null;
    int channels = 0;
    for (int i = 0; i < list.size(); i++) {
      JsonNode node = list.get(i);
      String label = "layer " + (i + 1);
      if (node.isObject() && node.has("name") && node.get("name").isTextual()) {
        label = "layer " + node.get("name").asText();
      }
      try {
        if (isEmbedding(node)) {
          if (i != list.size() - 1) {
            throw new IllegalArgumentException(
                "a "
                    + node.get("type").asText()
                    + " must be the last layer (it reduces the map to embeddings); "
                    + (list.size() - 1 - i)
                    + " layer(s) follow it");
          }
          embedding = embedding(node, i);
          continue;
        }
        Layer layer = layer(node, i, channels, banks, state);
        if (layer instanceof ConvLayer conv) {
          channels = conv.bank().filters();
        }
        layers.add(layer);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(label + ": " + e.getMessage(), e);
      }
    }
    return new LayerStack(layers, embedding);
  }

  /** Keys a global_pool layer takes. */
  public static final Set<String> GLOBAL_POOL_KEYS = Set.of("name", "type", "mode");

  /** Keys a grid_pool layer takes. */
  public static final Set<String> GRID_POOL_KEYS = Set.of("name", "type", "mode", "grid", "cell");

  private static boolean isEmbedding(JsonNode node) {
    if (!node.isObject() || !node.has("type") || !node.get("type").isTextual()) {
      return false;
    }
    String type = node.get("type").asText();
    return type.equals("global_pool") || type.equals("grid_pool");
  }

  private static EmbeddingPool embedding(JsonNode node, int index) {
    String type = node.get("type").asText();
    Set<String> keys = type.equals("global_pool") ? GLOBAL_POOL_KEYS : GRID_POOL_KEYS;
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
    PoolOp op;
    try {
      op = node.has("mode") ? PoolOp.parse(text(node, "mode")) : PoolOp.AVG;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "mode must be avg or max, got '" + node.get("mode").asText() + "'");
    }
    if (type.equals("global_pool")) {
      return EmbeddingPool.global(name, op);
    }
    if (node.has("grid") == node.has("cell")) {
      throw new IllegalArgumentException(
          "a grid_pool needs \"grid\": G (G×G cells per image) or \"cell\": PIXELS, not "
              + (node.has("grid") ? "both" : "neither"));
    }
    if (node.has("grid")) {
      int grid =
          integer(
              node.get("grid"),
              "grid must be an integer in [1, "
                  + EmbeddingPool.MAX_GRID
                  + "], got "
                  + node.get("grid"));
      if (grid > EmbeddingPool.MAX_GRID) {
        throw new IllegalArgumentException(
            "grid must be an integer in [1, " + EmbeddingPool.MAX_GRID + "], got " + grid);
      }
      return new EmbeddingPool(name, op, grid, 0);
    }
    int cell = integer(node.get("cell"), "cell");
    if (cell < 1) {
      throw new IllegalArgumentException("cell must be >= 1 pixel, got " + cell);
    }
    return new EmbeddingPool(name, op, 0, cell);
  }

  private static Layer layer(
      JsonNode node, int index, int channels, BankResolver banks, StateDict state) {
    if (!node.isObject()) {
      throw new IllegalArgumentException("must be a JSON object, got " + node);
    }
    JsonNode typeNode = node.get("type");
    if (typeNode == null || !typeNode.isTextual()) {
      throw new IllegalArgumentException("needs \"type\": \"conv\" or \"pool\"");
    }
    String type = typeNode.asText();
    if (!type.equals("conv") && !type.equals("pool")) {
      throw new IllegalArgumentException(
          "unknown layer type '" + type + "'; types are conv, pool, global_pool, grid_pool");
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
    return type.equals("conv")
        ? conv(node, name, emit, channels, banks, state)
        : pool(node, name, emit);
  }

  private static List<String> sorted(Set<String> keys) {
    List<String> list = new ArrayList<>(keys);
    list.sort(null);
    return list;
  }

  private static ConvLayer conv(
      JsonNode node, String name, boolean emit, int channels, BankResolver banks, StateDict state) {
    boolean named = node.has("weight");
    if (named == node.has("filters")) {
      throw new IllegalArgumentException(
          named
              ? "a conv layer takes \"filters\" or \"weight\", not both"
              : "a conv layer needs \"filters\" (a bank file, preset:NAME"
                  + " or random:K,C,F[,SEED]) or \"weight\" (a tensor of the stack's"
                  + " \"weights\")");
    }
    if (!named) {
      for (String key : new String[] {"bias", "batch_norm", "add_bias"}) {
        if (node.has(key)) {
          throw new IllegalArgumentException(
              "\""
                  + key
                  + "\" names a tensor of the stack's \"weights\"; it goes with \"weight\","
                  + " not \"filters\"");
        }
      }
    }
    if (named && state == null) {
      throw new IllegalArgumentException(
          "\"weight\" names a tensor of the stack's \"weights\" file, and the stack file has no"
              + " \"weights\"");
    }
    String filters = named ? state.file + "#" + text(node, "weight") : text(node, "filters");
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
    FilterBank bank = named ? state.bank(node) : banks.resolve(filters, channels);
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

  /**
   * The tensors of a stack's {@code "weights"} file, and how a conv layer's keys become a bank:
   * {@code weight} (K, C/groups, Fh, Fw), then {@code bias} (K), then {@code batch_norm} folded in,
   * then {@code add_bias}, all in float64 by {@link BankFolding}, rounded once.
   */
  private record StateDict(String file, Map<String, NpyArray> tensors) {
    FilterBank bank(JsonNode node) {
      String weightKey = text(node, "weight");
      NpyArray weight = tensor(weightKey);
      if (weight.rank() != 4) {
        throw new IllegalArgumentException(
            weightKey
                + " has shape "
                + Arrays.toString(weight.shape())
                + ", expected rank 4 (K, C/groups, Fh, Fw)");
      }
      int k = weight.dimension(0);
      String per = "one per filter of " + weightKey + " " + Arrays.toString(weight.shape());
      double[] bias = node.has("bias") ? vector(text(node, "bias"), k, per) : null;
      BankFolding bank =
          BankFolding.of(
              k,
              weight.dimension(1),
              weight.dimension(2),
              weight.dimension(3),
              BankFolding.widen(weight.data()),
              bias);
      if (node.has("batch_norm")) {
        batchNorm(bank, node.get("batch_norm"), k, per);
      }
      if (node.has("add_bias")) {
        bank.addBias(vector(text(node, "add_bias"), k, per));
      }
      return bank.build();
    }

    /**
     * {@code "bn1"} (the keys {@code bn1.weight}, {@code bn1.bias}, {@code bn1.running_mean},
     * {@code bn1.running_var}, epsilon 1e-5) or an object naming each key.
     */
    private void batchNorm(BankFolding bank, JsonNode bn, int k, String per) {
      String scale;
      String shift;
      String mean;
      String variance;
      double epsilon = DEFAULT_EPSILON;
      if (bn.isTextual()) {
        String prefix = bn.asText();
        scale = prefix + ".weight";
        shift = prefix + ".bias";
        mean = prefix + ".running_mean";
        variance = prefix + ".running_var";
        // affine=False has no weight and bias; the statistics are always there.
        scale = tensors.containsKey(scale) ? scale : null;
        shift = tensors.containsKey(shift) ? shift : null;
      } else if (bn.isObject()) {
        for (Iterator<String> it = bn.fieldNames(); it.hasNext(); ) {
          String key = it.next();
          if (!BATCH_NORM_KEYS.contains(key)) {
            throw new IllegalArgumentException(
                "unknown key '"
                    + key
                    + "' in batch_norm; it takes "
                    + String.join(", ", sorted(BATCH_NORM_KEYS)));
          }
        }
        for (String key : new String[] {"running_mean", "running_var"}) {
          if (!bn.has(key)) {
            throw new IllegalArgumentException("batch_norm needs \"" + key + "\"");
          }
        }
        scale = bn.has("weight") ? text(bn, "weight") : null;
        shift = bn.has("bias") ? text(bn, "bias") : null;
        mean = text(bn, "running_mean");
        variance = text(bn, "running_var");
        if (bn.has("eps")) {
          JsonNode e = bn.get("eps");
          if (!e.isNumber() || !(e.asDouble() >= 0) || !Double.isFinite(e.asDouble())) {
            throw new IllegalArgumentException("batch_norm eps must be a number >= 0, got " + e);
          }
          epsilon = e.asDouble();
        }
      } else {
        throw new IllegalArgumentException(
            "batch_norm must be a key prefix such as \"bn1\" or an object of keys, got " + bn);
      }
      bank.batchNorm(
          scale == null ? null : vector(scale, k, per),
          shift == null ? null : vector(shift, k, per),
          vector(mean, k, per),
          vector(variance, k, per),
          epsilon);
    }

    /** K values: shape (K), or any shape of K values with one axis not 1, such as (1, K, 1, 1). */
    private double[] vector(String key, int k, String per) {
      NpyArray a = tensor(key);
      int notOne = 0;
      for (int d : a.shape()) {
        notOne += d == 1 ? 0 : 1;
      }
      if (a.size() != k || notOne > 1) {
        throw new IllegalArgumentException(
            key
                + " has shape "
                + Arrays.toString(a.shape())
                + ", expected ["
                + k
                + "] ("
                + per
                + ")");
      }
      return BankFolding.widen(a.data());
    }

    private NpyArray tensor(String key) {
      NpyArray a = tensors.get(key);
      if (a == null) {
        List<String> names = new ArrayList<>(tensors.keySet());
        names.sort(null);
        String some =
            names.size() <= 12
                ? String.join(", ", names)
                : String.join(", ", names.subList(0, 12)) + ", ... (" + names.size() + " in all)";
        throw new IllegalArgumentException(
            file + " has no tensor '" + key + "' (it has " + some + ")");
      }
      return a;
    }
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
