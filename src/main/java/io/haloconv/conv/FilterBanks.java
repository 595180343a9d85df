package io.haloconv.conv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Random;

/**
 * Builds filter banks from the forms design.md §4 names: {@code .json} files, the built-in presets
 * and seeded random banks. Array files ({@code .npz}, {@code .safetensors}) are read by {@link
 * BankFiles}. Every failure is an {@link IllegalArgumentException} with a one-line message.
 */
public final class FilterBanks {
  /** Names accepted after {@code preset:}. */
  public static final List<String> PRESETS = List.of("identity", "sobel", "laplacian", "gaussian");

  private FilterBanks() {}

  /**
   * A built-in bank for images of {@code channels} channels.
   *
   * <ul>
   *   <li>{@code identity}: K = C filters of 1×1 copying each channel.
   *   <li>{@code sobel}: 2 filters of 3×3, the horizontal and vertical Sobel derivatives of the
   *       channel mean.
   *   <li>{@code laplacian}: 1 filter of 3×3, the 4-neighbour Laplacian of the channel mean.
   *   <li>{@code gaussian}: K = C filters of 5×5 binomial blur (σ ≈ 1), each blurring its own
   *       channel.
   * </ul>
   */
  public static FilterBank preset(String name, int channels) {
    if (channels < 1) {
      throw new IllegalArgumentException("preset channels must be >= 1, got " + channels);
    }
    switch (name.toLowerCase(Locale.ROOT)) {
      case "identity":
        return perChannel(channels, 1, new float[] {1f});
      case "sobel":
        return channelMean(
            channels,
            3,
            new float[] {-1, 0, 1, -2, 0, 2, -1, 0, 1},
            new float[] {-1, -2, -1, 0, 0, 0, 1, 2, 1});
      case "laplacian":
        return channelMean(channels, 3, new float[] {0, 1, 0, 1, -4, 1, 0, 1, 0});
      case "gaussian":
        float[] binomial = {1, 4, 6, 4, 1};
        float[] g = new float[25];
        for (int y = 0; y < 5; y++) {
          for (int x = 0; x < 5; x++) {
            g[y * 5 + x] = binomial[y] * binomial[x] / 256f;
          }
        }
        return perChannel(channels, 5, g);
      default:
        throw new IllegalArgumentException(
            "unknown preset '" + name + "'; presets are " + String.join(", ", PRESETS));
    }
  }

  /** C filters, filter c applies {@code taps} to channel c only. */
  private static FilterBank perChannel(int channels, int size, float[] taps) {
    int tapCount = size * size;
    float[] weight = new float[channels * channels * tapCount];
    for (int c = 0; c < channels; c++) {
      System.arraycopy(taps, 0, weight, (c * channels + c) * tapCount, tapCount);
    }
    return new FilterBank(channels, channels, size, size, weight, null);
  }

  /** One filter per kernel, each applying it to the mean of all channels. */
  private static FilterBank channelMean(int channels, int size, float[]... kernels) {
    int tapCount = size * size;
    float[] weight = new float[kernels.length * channels * tapCount];
    for (int k = 0; k < kernels.length; k++) {
      for (int c = 0; c < channels; c++) {
        for (int t = 0; t < tapCount; t++) {
          weight[(k * channels + c) * tapCount + t] = kernels[k][t] / channels;
        }
      }
    }
    return new FilterBank(kernels.length, channels, size, size, weight, null);
  }

  /**
   * K filters of C×F×F drawn from He's normal initialisation, N(0, 2/(C·F·F)), with zero bias.
   * {@link Random}'s Gaussian sequence is specified by the JDK, so a seed gives the same bank on
   * every JVM.
   */
  public static FilterBank random(int filters, int channels, int size, long seed) {
    if (filters < 1 || channels < 1 || size < 1) {
      throw new IllegalArgumentException(
          "random bank K, C and F must be >= 1, got " + filters + "," + channels + "," + size);
    }
    long count = (long) filters * channels * size * size;
    if (count > 1L << 28) {
      throw new IllegalArgumentException(
          "random bank "
              + filters
              + ","
              + channels
              + ","
              + size
              + " has "
              + count
              + " weights, more than the limit of "
              + (1L << 28));
    }
    Random random = new Random(seed);
    double std = Math.sqrt(2.0 / (channels * size * size));
    float[] weight = new float[(int) count];
    for (int i = 0; i < weight.length; i++) {
      weight[i] = (float) (random.nextGaussian() * std);
    }
    return new FilterBank(filters, channels, size, size, weight, null);
  }

  /**
   * Whether {@code ref} names a built-in bank ({@code preset:…} or {@code random:…}), not a file.
   */
  public static boolean isNamed(String ref) {
    return ref.startsWith("preset:") || ref.startsWith("random:");
  }

  /**
   * The bank a name gives: {@code preset:NAME[:C]} (C channels, else {@code presetChannels}) or
   * {@code random:K,C,F[,SEED]}; the grammar of {@code --filters} and of a stack file's {@code
   * filters}, for the library API as for the CLI.
   *
   * @throws BadName when the name does not follow the grammar; its message names the part at fault,
   *     without the reference itself, so callers can prefix where the name came from
   * @throws IllegalArgumentException when the bank it names is invalid (an unknown preset, sizes
   *     out of range)
   */
  public static FilterBank named(String ref, int presetChannels) {
    if (ref.startsWith("preset:")) {
      String[] parts = ref.substring("preset:".length()).split(":", -1);
      if (parts.length > 2) {
        throw new BadName("preset must be preset:NAME or preset:NAME:C, got '" + ref + "'");
      }
      long channels = presetChannels;
      if (parts.length == 2) {
        try {
          channels = Long.parseLong(parts[1].trim());
        } catch (NumberFormatException e) {
          throw new BadName("preset channels must be an integer, got '" + parts[1] + "'");
        }
        if (channels < 1 || channels > 4096) {
          throw new BadName("preset channels must be in [1, 4096], got " + channels);
        }
      }
      return preset(parts[0], (int) channels);
    }
    if (ref.startsWith("random:")) {
      return random(ref.substring("random:".length()));
    }
    throw new BadName("must be preset:NAME[:C] or random:K,C,F[,SEED], got '" + ref + "'");
  }

  /** A bank name that does not follow the {@code preset:}/{@code random:} grammar. */
  public static final class BadName extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    BadName(String message) {
      super(message);
    }
  }

  /** Parses {@code K,C,F[,SEED]} as given after {@code random:}. */
  public static FilterBank random(String args) {
    String[] parts = args.split(",", -1);
    if (parts.length < 3 || parts.length > 4) {
      throw new IllegalArgumentException(
          "random bank must be random:K,C,F[,SEED], got 'random:" + args + "'");
    }
    long[] v = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      try {
        v[i] = Long.parseLong(parts[i].trim());
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "random bank must be random:K,C,F[,SEED] with integers, got 'random:" + args + "'");
      }
    }
    for (int i = 0; i < 3; i++) {
      if (v[i] < 1 || v[i] > 1 << 16) {
        throw new IllegalArgumentException(
            "random bank K, C and F must be in [1, 65536], got 'random:" + args + "'");
      }
    }
    return random((int) v[0], (int) v[1], (int) v[2], parts.length == 4 ? v[3] : 0L);
  }

  /** Reads {@code {"weight": [[[[...]]]], "bias": [...]}}; bias is optional. */
  public static FilterBank fromJson(InputStream in) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(in);
    } catch (IOException e) {
      throw new IllegalArgumentException("bank JSON does not parse: " + firstLine(e.getMessage()));
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException(
          "bank JSON must be an object with \"weight\" and \"bias\"");
    }
    JsonNode weightNode = root.get("weight");
    if (weightNode == null) {
      throw new IllegalArgumentException("bank JSON has no \"weight\" array");
    }
    List<Integer> shape = new ArrayList<>();
    for (JsonNode n = weightNode; n.isArray(); n = n.get(0)) {
      shape.add(n.size());
      if (n.size() == 0) {
        break;
      }
    }
    if (shape.size() != 4) {
      throw new IllegalArgumentException(
          "bank weight must be rank 4 (K, C, Fh, Fw), got rank " + shape.size() + " " + shape);
    }
    int[] dims = shape.stream().mapToInt(Integer::intValue).toArray();
    float[] weight = new float[dims[0] * dims[1] * dims[2] * dims[3]];
    int[] cursor = {0};
    flatten(weightNode, dims, 0, weight, cursor, "weight");
    float[] bias = null;
    JsonNode biasNode = root.get("bias");
    if (biasNode != null && !biasNode.isNull()) {
      if (!biasNode.isArray()) {
        throw new IllegalArgumentException("bank bias must be an array of numbers");
      }
      bias = new float[biasNode.size()];
      for (int i = 0; i < bias.length; i++) {
        bias[i] = number(biasNode.get(i), "bias[" + i + "]");
      }
    }
    return new FilterBank(dims[0], dims[1], dims[2], dims[3], weight, bias);
  }

  private static void flatten(
      JsonNode node, int[] dims, int depth, float[] out, int[] cursor, String where) {
    if (depth == dims.length) {
      out[cursor[0]++] = number(node, where);
      return;
    }
    if (!node.isArray() || node.size() != dims[depth]) {
      throw new IllegalArgumentException(
          "bank " + where + " is ragged: expected " + dims[depth] + " entries at depth " + depth);
    }
    for (int i = 0; i < node.size(); i++) {
      flatten(node.get(i), dims, depth + 1, out, cursor, where + "[" + i + "]");
    }
  }

  private static float number(JsonNode node, String where) {
    if (node == null || !node.isNumber()) {
      throw new IllegalArgumentException("bank " + where + " must be a number, got " + node);
    }
    return node.floatValue();
  }

  static String firstLine(String message) {
    if (message == null) {
      return "";
    }
    int nl = message.indexOf('\n');
    return nl < 0 ? message : message.substring(0, nl);
  }
}
