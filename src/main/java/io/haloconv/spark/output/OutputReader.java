package io.haloconv.spark.output;

import static org.apache.spark.sql.functions.col;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.haloconv.spark.JobException;
import io.haloconv.spark.badrecord.BadRecords;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Reads a featurize output back (design.md §3): the features dataset, with its {@code layer} column
 * when the output holds several layers ({@code DIR/layer=NAME/}), the bad records of {@code
 * _errors/}, the manifest, and whole feature maps reassembled from their tiles.
 *
 * <p>Driver-side; the datasets it returns are lazy.
 */
public final class OutputReader {
  /** Outputs up to this size are read in one job by {@link #featureMaps}; larger ones stream. */
  static final long COLLECT_BYTES = 256L << 20;

  private final SparkSession spark;
  private final String dir;
  private final FileSystem fs;
  private final Path root;
  private final Dataset<Row> features;
  private Boolean leftEmptyTilesOut;

  private OutputReader(
      SparkSession spark, String dir, FileSystem fs, Path root, Dataset<Row> features) {
    this.spark = spark;
    this.dir = dir;
    this.fs = fs;
    this.root = root;
    this.features = features;
  }

  /**
   * Opens {@code dir}.
   *
   * @throws JobException (bad input) when it does not exist or is not a featurize output
   */
  public static OutputReader open(SparkSession spark, String dir) {
    Path path = new Path(dir);
    FileSystem fs;
    try {
      fs = path.getFileSystem(spark.sparkContext().hadoopConfiguration());
      path = fs.makeQualified(path);
      if (!fs.getFileStatus(path).isDirectory()) {
        throw JobException.badInput(dir + " is a file, not a featurize output directory");
      }
    } catch (FileNotFoundException e) {
      throw JobException.badInput(dir + " does not exist");
    } catch (IOException e) {
      throw JobException.badInput("cannot open " + dir + ": " + BadRecords.oneLine(e.getMessage()));
    }
    Dataset<Row> features;
    try {
      features = spark.read().parquet(path.toString());
    } catch (RuntimeException e) {
      throw JobException.badInput(
          dir + " holds no readable Parquet features: " + BadRecords.oneLine(e.getMessage()));
    }
    String missing =
        EmbeddingRows.isEmbeddings(features.schema())
            ? EmbeddingRows.missingColumn(features.schema())
            : TileRows.missingColumn(features.schema());
    if (missing != null) {
      throw JobException.badInput(
          dir
              + " is not a haloconv output: it has no '"
              + missing
              + "' column (columns: "
              + String.join(", ", features.columns())
              + ")");
    }
    return new OutputReader(spark, dir, fs, path, features);
  }

  /** The directory as given. */
  public String dir() {
    return dir;
  }

  /** True when {@code _SUCCESS} is there: the job finished and published the output. */
  public boolean complete() {
    try {
      return fs.exists(new Path(root, OutputLayout.SUCCESS));
    } catch (IOException e) {
      return false;
    }
  }

  /** Every feature row, with a {@code layer} column for layered outputs. */
  public Dataset<Row> features() {
    return features;
  }

  /**
   * True when the output holds embedding rows ({@link EmbeddingRows}: a stack ending in a global or
   * grid pool), not feature-map tiles.
   */
  public boolean embeddings() {
    return EmbeddingRows.isEmbeddings(features.schema());
  }

  /**
   * Every embedding, in one fixed order: by {@code path}, then cell row and column.
   *
   * @throws JobException (bad input) when the output holds feature maps instead
   */
  public Dataset<Row> embeddingRows() {
    if (!embeddings()) {
      throw JobException.badInput(
          dir
              + " holds feature maps, not embeddings (its stack does not end in a global or grid pool)");
    }
    return features.orderBy(
        col(EmbeddingRows.PATH), col(EmbeddingRows.CELL_ROW), col(EmbeddingRows.CELL_COL));
  }

  /** True when the output holds several layers, each under {@code layer=NAME/}. */
  public boolean layered() {
    return List.of(features.columns()).contains(TileRows.LAYER);
  }

  /**
   * The layer names, sorted; empty for a single-layer output. Read from the {@code layer=NAME}
   * directories, which costs no Spark job.
   */
  public List<String> layers() {
    if (!layered()) {
      return List.of();
    }
    List<String> names = new ArrayList<>();
    try {
      FileStatus[] dirs = fs.globStatus(new Path(root, TileRows.LAYER + "=*"));
      if (dirs != null) {
        for (FileStatus s : dirs) {
          if (s.isDirectory()) {
            names.add(unescape(s.getPath().getName().substring(TileRows.LAYER.length() + 1)));
          }
        }
      }
    } catch (IOException e) {
      throw JobException.failed("cannot list the layers of " + dir + ": " + e.getMessage(), e);
    }
    names.sort(null);
    return names;
  }

  /** Spark escapes special characters of partition values in directory names as %XX. */
  private static String unescape(String name) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '%' && i + 2 < name.length()) {
        try {
          out.append((char) Integer.parseInt(name.substring(i + 1, i + 3), 16));
          i += 2;
          continue;
        } catch (NumberFormatException e) {
          // not an escape
        }
      }
      out.append(c);
    }
    return out.toString();
  }

  /**
   * The layer to read when the caller named {@code requested} (or nothing): null for a single-layer
   * output, the only layer, or the named one.
   *
   * @throws JobException (bad input) when a layer is needed but not named, or does not exist
   */
  public String chooseLayer(String requested) {
    if (!layered()) {
      if (requested != null) {
        throw JobException.badInput(dir + " has a single layer; drop --layer " + requested);
      }
      return null;
    }
    List<String> layers = layers();
    if (requested == null) {
      if (layers.size() == 1) {
        return layers.get(0);
      }
      throw JobException.badInput(
          dir + " holds layers " + String.join(", ", layers) + "; choose one with --layer NAME");
    }
    if (!layers.contains(requested)) {
      throw JobException.badInput(
          "no layer '" + requested + "' in " + dir + "; it holds " + String.join(", ", layers));
    }
    return requested;
  }

  /** The rows of one layer (all rows when {@code layer} is null). */
  public Dataset<Row> layer(String layer) {
    return layer == null ? features : features.filter(col(TileRows.LAYER).equalTo(layer));
  }

  /**
   * The bad records of {@code _errors/} (and of any {@code layer=NAME/_errors/}), or an empty
   * dataset of {@link OutputLayout#ERROR_SCHEMA} when there are none (dropmalformed, or a clean
   * run).
   */
  public Dataset<Row> errors() {
    List<String> files;
    try {
      files = OutputLayout.errorFiles(fs, root);
    } catch (IOException e) {
      throw JobException.failed("cannot list the errors of " + dir + ": " + e.getMessage(), e);
    }
    if (files.isEmpty()) {
      return spark.createDataFrame(new ArrayList<Row>(), OutputLayout.ERROR_SCHEMA);
    }
    return spark.read().schema(OutputLayout.ERROR_SCHEMA).parquet(files.toArray(new String[0]));
  }

  /** The text of {@code _manifest.json}, if the output has one. */
  public Optional<String> manifest() {
    Path file = new Path(root, OutputLayout.MANIFEST);
    try (InputStream in = fs.open(file)) {
      return Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw JobException.failed("cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  /**
   * Whether the job left empty tiles out ({@code --skip-empty-tiles}, counted in the manifest): its
   * maps have gaps, read back as NaN.
   */
  public boolean leftEmptyTilesOut() {
    if (leftEmptyTilesOut == null) {
      boolean gaps = false;
      Optional<String> text = manifest();
      if (text.isPresent()) {
        try {
          JsonNode counts = new ObjectMapper().readTree(text.get()).path("counts");
          gaps = counts.path("empty_tiles_skipped").asLong(0) > 0;
        } catch (IOException e) {
          gaps = false; // an unreadable manifest: the coverage check applies
        }
      }
      leftEmptyTilesOut = gaps;
    }
    return leftEmptyTilesOut;
  }

  /** Bytes of the features' Parquet files, layer directories included. */
  public long parquetBytes() {
    try {
      return parquetBytes(root);
    } catch (IOException e) {
      throw JobException.failed("cannot list " + dir + ": " + e.getMessage(), e);
    }
  }

  private long parquetBytes(Path path) throws IOException {
    long total = 0;
    for (FileStatus s : fs.listStatus(path)) {
      String name = s.getPath().getName();
      if (s.isFile() && name.endsWith(".parquet")) {
        total += s.getLen();
      } else if (s.isDirectory() && name.startsWith(TileRows.LAYER + "=")) {
        total += parquetBytes(s.getPath());
      }
    }
    return total;
  }

  /**
   * The {@code path} value that {@code given} names: itself, its fully qualified form (so {@code
   * data/x.png} finds {@code file:/work/data/x.png}), or the one path that ends with {@code
   * /given}.
   *
   * @throws JobException (bad input) when nothing or more than one image matches
   */
  public String resolvePath(String given) {
    if (given == null || given.isBlank()) {
      throw JobException.badInput("--image must name an image");
    }
    String qualified = given;
    try {
      Path path = new Path(given);
      qualified =
          path.getFileSystem(spark.sparkContext().hadoopConfiguration())
              .makeQualified(path)
              .toString();
    } catch (IOException | IllegalArgumentException e) {
      // not a path: only the exact and suffix matches apply
    }
    String suffix = "/" + (given.startsWith("./") ? given.substring(2) : given);
    // One query for all three kinds of match.
    List<String> found = new ArrayList<>();
    for (Row r :
        features
            .select(TileRows.PATH)
            .filter(
                col(TileRows.PATH)
                    .equalTo(given)
                    .or(col(TileRows.PATH).equalTo(qualified))
                    .or(col(TileRows.PATH).endsWith(suffix)))
            .distinct()
            .limit(6)
            .collectAsList()) {
      found.add(r.getString(0));
    }
    if (found.contains(given)) {
      return given;
    }
    if (found.contains(qualified)) {
      return qualified;
    }
    if (found.size() == 1) {
      return found.get(0);
    }
    if (found.size() > 1) {
      found.sort(null);
      throw JobException.badInput(
          "--image "
              + given
              + " matches several images: "
              + String.join(", ", found.subList(0, Math.min(5, found.size())))
              + (found.size() > 5 ? ", ..." : "")
              + "; give more of the path");
    }
    List<String> some = new ArrayList<>();
    for (Row r :
        features.select(TileRows.PATH).distinct().orderBy(TileRows.PATH).limit(3).collectAsList()) {
      some.add(r.getString(0));
    }
    throw JobException.badInput(
        "no image "
            + given
            + " in "
            + dir
            + (some.isEmpty()
                ? ", which holds no features"
                : "; it holds e.g. " + String.join(", ", some)));
  }

  /**
   * The whole feature map of one image, reassembled from its tiles and decoded to float32, with the
   * dtype it was stored in.
   *
   * @param path a {@code path} value, e.g. from {@link #resolvePath}
   * @param layer the layer, or null for a single-layer output
   * @throws JobException (bad input) when the image has no tiles, or its tiles do not cover its map
   *     exactly once
   */
  public FeatureMap featureMap(String path, String layer) {
    refuseEmbeddings();
    List<Row> rows = layer(layer).filter(col(TileRows.PATH).equalTo(path)).collectAsList();
    if (rows.isEmpty()) {
      throw JobException.badInput("no tiles of " + path + " in " + dir);
    }
    MapAssembler assembler = new MapAssembler(TileRows.decode(rows.get(0)));
    for (Row r : rows) {
      assembler.add(TileRows.decode(r));
    }
    return new FeatureMap(path, assembler.finish(), assembler.dtype);
  }

  private void refuseEmbeddings() {
    if (embeddings()) {
      throw JobException.badInput(
          dir
              + " holds embeddings (one row per image or cell), not feature maps: export it to one"
              + " .npy without --image");
    }
  }

  /** One image's feature map, as {@link #featureMaps} streams them. */
  public record FeatureMap(String path, Tensor3 map, String dtype) {}

  /**
   * The feature maps of {@code paths} (or every image when null), one at a time in path order:
   * tiles are grouped by image across Spark partitions, and the driver holds one partition's rows
   * and one map at a time.
   */
  public Iterator<FeatureMap> featureMaps(List<String> paths, String layer) {
    refuseEmbeddings();
    Dataset<Row> rows = layer(layer);
    if (paths != null) {
      rows = rows.filter(col(TileRows.PATH).isin(paths.toArray()));
    }
    if (parquetBytes() <= COLLECT_BYTES) {
      // A small output: one job brings every tile to the driver, sorted there.
      List<Row> all = new ArrayList<>(rows.collectAsList());
      all.sort(
          Comparator.comparing((Row r) -> r.getString(r.fieldIndex(TileRows.PATH)))
              .thenComparingInt(r -> r.getInt(r.fieldIndex(TileRows.Y0)))
              .thenComparingInt(r -> r.getInt(r.fieldIndex(TileRows.X0))));
      return assembleInOrder(all.iterator());
    }
    int partitions = Math.max(1, features.rdd().getNumPartitions());
    // Range partitions by path, sorted within: every image's tiles arrive together, in path order.
    Iterator<Row> sorted =
        rows.repartitionByRange(partitions, col(TileRows.PATH))
            .sortWithinPartitions(TileRows.PATH, TileRows.Y0, TileRows.X0)
            .toLocalIterator();
    return assembleInOrder(sorted);
  }

  /** Maps from rows sorted by path: each run of one path's rows is one map. */
  private Iterator<FeatureMap> assembleInOrder(Iterator<Row> sorted) {
    return new Iterator<>() {
      private TileRows.Tile pending = advance();

      private TileRows.Tile advance() {
        return sorted.hasNext() ? TileRows.decode(sorted.next()) : null;
      }

      @Override
      public boolean hasNext() {
        return pending != null;
      }

      @Override
      public FeatureMap next() {
        if (pending == null) {
          throw new NoSuchElementException();
        }
        String path = pending.path();
        MapAssembler assembler = new MapAssembler(pending);
        while (pending != null && pending.path().equals(path)) {
          assembler.add(pending);
          pending = advance();
        }
        return new FeatureMap(path, assembler.finish(), assembler.dtype);
      }
    };
  }

  /**
   * Puts tiles into one image's map, checking that they cover it exactly once; or, for an output
   * that left empty tiles out, at most once, the gaps NaN.
   */
  private final class MapAssembler {
    private final String path;
    private final Tensor3 map;
    private long covered;
    private String dtype;

    MapAssembler(TileRows.Tile first) {
      this.path = first.path();
      try {
        this.map = Tensor3.zeros(first.channels(), first.outHeight(), first.outWidth());
      } catch (IllegalArgumentException e) {
        throw JobException.badInput(
            "the feature map of "
                + path
                + " is too large to hold in "
                + "memory: "
                + e.getMessage());
      }
      if (leftEmptyTilesOut()) {
        Arrays.fill(map.data(), Float.NaN);
      }
    }

    void add(TileRows.Tile t) {
      int y0 = t.y0();
      int x0 = t.x0();
      int h = t.height();
      int w = t.width();
      int k = t.channels();
      if (k != map.channels()
          || t.outHeight() != map.height()
          || t.outWidth() != map.width()
          || y0 < 0
          || x0 < 0
          || y0 + h > map.height()
          || x0 + w > map.width()) {
        throw JobException.badInput(
            "tiles of " + path + " in " + dir + " disagree about its " + "feature map's shape");
      }
      dtype = t.dtype();
      Precision precision = Precision.parse(dtype);
      byte[] bytes = t.features();
      if (bytes.length != k * h * w * precision.bytesPerValue()) {
        throw JobException.badInput(
            "a tile of "
                + path
                + " has "
                + bytes.length
                + " feature "
                + "bytes, its shape needs "
                + k * h * w * precision.bytesPerValue());
      }
      float[] values = precision.decode(bytes, 0, k * h * w);
      float[] out = map.data();
      for (int c = 0; c < k; c++) {
        for (int y = 0; y < h; y++) {
          System.arraycopy(
              values, (c * h + y) * w, out, (c * map.height() + y0 + y) * map.width() + x0, w);
        }
      }
      covered += (long) h * w;
    }

    Tensor3 finish() {
      long pixels = (long) map.height() * map.width();
      if (covered > pixels || (covered < pixels && !leftEmptyTilesOut())) {
        throw JobException.badInput(
            "tiles of "
                + path
                + " in "
                + dir
                + " cover "
                + covered
                + " of its "
                + pixels
                + " feature-map pixels; is the output complete?");
      }
      return map;
    }
  }
}
