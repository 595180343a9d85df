package io.haloconv.stack;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.tiling.TileSizes;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * An ordered list of layers (design.md §6), each reading the previous one's output, evaluated tile
 * by tile without materialising any whole intermediate map. A single convolution is the stack of
 * one {@link ConvLayer}: the featurize job has one code path.
 *
 * <p>The constructor checks everything that does not depend on an image: layer names unique, each
 * conv layer's bank taking the channels the layer before it gives. What depends on the image size
 * (empty outputs, padding the mode cannot produce) is checked per image by {@link #geometry}.
 *
 * <p>Immutable; what a featurize job broadcasts to its executors.
 */
public final class LayerStack implements Serializable {
  private static final long serialVersionUID = 1L;

  /** An axis this long is valid for every layer whose padding any size allows. */
  private static final int LARGE = 1 << 20;

  /** Bytes one intermediate map of one tile may take with the default tile size. */
  static final long INTERMEDIATE_BYTES = 2 * TileSizes.TARGET_TILE_BYTES;

  private final Layer[] layers;

  /** The pool the stack ends in, or null when it writes the last layer's map. */
  private final EmbeddingPool embedding;

  public LayerStack(List<? extends Layer> layers) {
    this(layers, null);
  }

  /**
   * A stack whose last layer's map is reduced by {@code embedding} (when not null) to one vector
   * per image or cell instead of being written. Such a stack writes nothing else: no layer may be
   * emitted.
   */
  public LayerStack(List<? extends Layer> layers, EmbeddingPool embedding) {
    if (layers == null || layers.isEmpty()) {
      throw new IllegalArgumentException(
          embedding == null
              ? "a layer stack needs at least one layer"
              : "layer "
                  + embedding.name()
                  + ": a "
                  + embedding.type()
                  + " needs a conv or pool layer before it");
    }
    this.layers = layers.toArray(new Layer[0]);
    this.embedding = embedding;
    Set<String> names = new HashSet<>();
    int channels = -1; // unknown until the first conv layer fixes it
    String giver = "the image";
    for (Layer layer : this.layers) {
      if (layer == null) {
        throw new IllegalArgumentException("layer is null");
      }
      if (!names.add(layer.name().toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "layer name '"
                + layer.name()
                + "' is used twice"
                + " (names are compared ignoring case, as directory names may be)");
      }
      OptionalInt need = layer.inputChannels();
      if (need.isPresent()) {
        if (channels >= 0 && channels != need.getAsInt()) {
          ConvLayer conv = (ConvLayer) layer;
          throw new IllegalArgumentException(
              "layer "
                  + layer.name()
                  + ": filters "
                  + conv.bank().shapeString()
                  + " expect "
                  + need.getAsInt()
                  + " input channels (groups "
                  + conv.spec().groups()
                  + " x "
                  + conv.bank().channelsPerGroup()
                  + "), "
                  + giver
                  + " gives "
                  + channels);
        }
        channels = layer.outputChannels(need.getAsInt());
        giver = "layer " + layer.name();
      }
      if (embedding != null && layer.emit()) {
        throw new IllegalArgumentException(
            "layer "
                + layer.name()
                + ": \"emit\" cannot be used in a stack that ends in a "
                + embedding.type()
                + " (it writes embeddings, not maps)");
      }
    }
    if (embedding != null && names.contains(embedding.name().toLowerCase(Locale.ROOT))) {
      throw new IllegalArgumentException(
          "layer name '"
              + embedding.name()
              + "' is used twice"
              + " (names are compared ignoring case, as directory names may be)");
    }
  }

  /** The pool the stack ends in, when it writes embeddings instead of the last layer's map. */
  public Optional<EmbeddingPool> embedding() {
    return Optional.ofNullable(embedding);
  }

  /**
   * The stack of one convolution, named {@code conv}: what {@code --filters} and flags describe.
   */
  public static LayerStack of(FilterBank bank, ConvSpec spec, String source) {
    return new LayerStack(List.of(new ConvLayer("conv", source, bank, spec, false)));
  }

  public List<Layer> layers() {
    return Collections.unmodifiableList(Arrays.asList(layers));
  }

  public int size() {
    return layers.length;
  }

  /** Layer {@code index}, 0-based: layer 0 reads the image. */
  public Layer layer(int index) {
    return layers[index];
  }

  public Layer last() {
    return layers[layers.length - 1];
  }

  /**
   * True when some layer has {@code "emit": true}: every written layer goes to its own directory.
   */
  public boolean emitsLayers() {
    for (Layer layer : layers) {
      if (layer.emit()) {
        return true;
      }
    }
    return false;
  }

  /** True when layer {@code index}'s output is written: the last layer, and every emitted one. */
  public boolean written(int index) {
    return index == layers.length - 1 || layers[index].emit();
  }

  /**
   * The stack's receptive-field counter: the same geometry layer by layer (kernel or window size,
   * stride, dilation, padding and padding mode, written layers), on one channel, each convolution
   * an all-ones kernel without bias or activation and each pool a max pool. Fed a 0/1 mask of
   * masked input pixels, every output is positive exactly when its receptive field, through every
   * layer and its padding mode, holds a masked pixel: sums and maxima of non-negative numbers are
   * zero only when every term is, even rounded in float32. Zero padding adds 0 (padding is not an
   * input pixel); reflect, replicate and circular padding read the mask where they read pixels.
   */
  public LayerStack receptiveFieldStack() {
    List<Layer> counters = new ArrayList<>(layers.length);
    for (Layer layer : layers) {
      if (layer instanceof ConvLayer conv) {
        ConvSpec s = conv.spec();
        float[] ones = new float[s.kernelHeight() * s.kernelWidth()];
        Arrays.fill(ones, 1f);
        counters.add(
            new ConvLayer(
                conv.name(),
                "ones",
                new FilterBank(1, 1, s.kernelHeight(), s.kernelWidth(), ones, null),
                new ConvSpec(
                    s.kernelHeight(),
                    s.kernelWidth(),
                    s.strideHeight(),
                    s.strideWidth(),
                    s.dilationHeight(),
                    s.dilationWidth(),
                    1,
                    s.padding(),
                    s.paddingMode(),
                    Activation.NONE),
                conv.emit()));
      } else {
        PoolLayer pool = (PoolLayer) layer;
        PoolSpec p = pool.pool();
        counters.add(
            new PoolLayer(
                pool.name(),
                new PoolSpec(
                    PoolOp.MAX,
                    p.sizeHeight(),
                    p.sizeWidth(),
                    p.strideHeight(),
                    p.strideWidth(),
                    p.padding()),
                pool.emit()));
      }
    }
    return new LayerStack(counters);
  }

  /** Indices of the written layers, in stack order. */
  public int[] writtenLayers() {
    List<Integer> list = new ArrayList<>();
    for (int i = 0; i < layers.length; i++) {
      if (written(i)) {
        list.add(i);
      }
    }
    return list.stream().mapToInt(Integer::intValue).toArray();
  }

  /**
   * The channels an image must have: those of the first conv layer (pools before it keep the
   * channel count), or empty for a stack of pools only, which takes any.
   */
  public OptionalInt inputChannels() {
    for (Layer layer : layers) {
      if (layer.inputChannels().isPresent()) {
        return layer.inputChannels();
      }
    }
    return OptionalInt.empty();
  }

  /** Channels of layer {@code index}'s output for an image of {@code imageChannels}. */
  public int outputChannels(int index, int imageChannels) {
    int channels = imageChannels;
    for (int i = 0; i <= index; i++) {
      channels = layers[i].outputChannels(channels);
    }
    return channels;
  }

  /**
   * Every layer's arithmetic for an image of {@code channels}×{@code height}×{@code width}.
   *
   * @throws IllegalArgumentException naming the first layer that cannot take its input
   */
  public StackGeometry geometry(int channels, int height, int width) {
    int n = layers.length;
    int[] c = new int[n + 1];
    c[0] = channels;
    ConvGeometry[] g = resolve(height, width);
    for (int i = 0; i < n; i++) {
      try {
        c[i + 1] = layers[i].outputChannels(c[i]);
      } catch (IllegalArgumentException e) {
        throw named(i, e);
      }
    }
    return new StackGeometry(this, c, g);
  }

  private ConvGeometry[] resolve(int height, int width) {
    ConvGeometry[] g = new ConvGeometry[layers.length];
    int h = height;
    int w = width;
    for (int i = 0; i < layers.length; i++) {
      try {
        g[i] = layers[i].geometry(h, w);
      } catch (IllegalArgumentException e) {
        throw named(i, e);
      }
      h = g[i].outHeight();
      w = g[i].outWidth();
    }
    return g;
  }

  /**
   * Prefixes the layer's name, except for the stack of one layer, whose messages stay as they were.
   */
  private IllegalArgumentException named(int index, IllegalArgumentException e) {
    if (layers.length == 1) {
      return e;
    }
    return new IllegalArgumentException("layer " + layers[index].name() + ": " + e.getMessage(), e);
  }

  /**
   * The smallest image height and width every layer accepts (each axis with the other one large),
   * so impossible stacks can be refused before any image is read.
   *
   * @throws IllegalArgumentException when no size up to 2^20 works, naming the layer that refuses
   *     the largest
   */
  public int[] minimumInput() {
    return new int[] {minimum(true), minimum(false)};
  }

  private int minimum(boolean rows) {
    // A larger input never shrinks a layer's output, so validity is monotone in the size (up to
    // the few pixels where "same" padding's split changes): double until valid, then bisect.
    int high = 1;
    while (!valid(rows, high)) {
      if (high >= LARGE) {
        resolve(LARGE, LARGE); // throws, naming the layer
        throw new IllegalArgumentException("no image up to " + LARGE + " pixels fits " + this);
      }
      high = Math.min(LARGE, high * 2);
    }
    int low = high / 2; // invalid, or 0
    while (high - low > 1) {
      int mid = (low + high) >>> 1;
      if (valid(rows, mid)) {
        high = mid;
      } else {
        low = mid;
      }
    }
    return high;
  }

  private boolean valid(boolean rows, int size) {
    try {
      resolve(rows ? size : LARGE, rows ? LARGE : size);
      return true;
    } catch (IllegalArgumentException tooSmall) {
      return false;
    }
  }

  /**
   * The tile side a job uses: {@code requested} when it is set (above 0), else {@link
   * #defaultTileSide}. The one rule for the CLI jobs, the planner and the library API.
   */
  public int tileSide(int requested, int bytesPerValue) {
    return requested > 0 ? requested : defaultTileSide(bytesPerValue);
  }

  /**
   * The default output tile side: {@link TileSizes#defaultSide} for the last layer's features,
   * shrunk (in steps of 16) until every intermediate map a tile computes stays within {@value
   * #INTERMEDIATE_BYTES} bytes. The image's own window is not bounded here, as for one layer.
   */
  public int defaultTileSide(int bytesPerValue) {
    int known = inputChannels().orElse(3);
    int lastChannels = outputChannels(layers.length - 1, known);
    int side = TileSizes.defaultSide(lastChannels, bytesPerValue);
    while (side > 16 && intermediateBytes(side, known) > INTERMEDIATE_BYTES) {
      side -= 16;
    }
    return side;
  }

  /** Bytes of the largest intermediate map an output tile of {@code side}² computes. */
  long intermediateBytes(int side, int imageChannels) {
    long largest = 0;
    for (int level = 1; level < layers.length; level++) {
      // The composed window of `side` outputs at this level: each layer above widens it.
      long rows = side;
      long cols = side;
      for (int i = layers.length - 1; i >= level; i--) {
        ConvGeometry g = layers[i].geometry(LARGE, LARGE);
        rows = (rows - 1) * g.rows().stride() + g.rows().receptiveField();
        cols = (cols - 1) * g.cols().stride() + g.cols().receptiveField();
      }
      largest = Math.max(largest, 4L * outputChannels(level - 1, imageChannels) * rows * cols);
    }
    return largest;
  }

  @Override
  public String toString() {
    StringBuilder s = new StringBuilder("LayerStack[");
    for (int i = 0; i < layers.length; i++) {
      s.append(i == 0 ? "" : ", ").append(layers[i].name()).append(':').append(layers[i].type());
    }
    if (embedding != null) {
      s.append(", ").append(embedding.name()).append(':').append(embedding.type());
    }
    return s.append(']').toString();
  }
}
