package io.haloconv.spark.output;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconv.Version;
import io.haloconv.conv.ConvKernels;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.spark.JobConfig;
import io.haloconv.spark.JobResult;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.Layer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.PoolSpec;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code _manifest.json}: the job's spec, the bank's shape and SHA-256, the software version and
 * the counts (design.md §3). Every layer of the stack is described under {@code layers}, with its
 * bank's shape and SHA-256, where its rows are and how many tiles it has; a stack of one conv layer
 * also keeps the single-layer {@code spec} keys and {@code bank}. Written last but one (before
 * {@code _SUCCESS}), so an output with a manifest is complete.
 */
public final class Manifest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Manifest() {}

  /**
   * What a job says about its input beyond {@code input} (its path), as data: keys written right
   * after {@code input} (a null value is JSON null), and whether {@code counts} also gives {@code
   * rows_read} (the Parquet job, whose {@code files_listed} counts rows).
   */
  public record Input(Map<String, String> keys, boolean countsRows) {
    /** Image files: nothing more to say. */
    public static final Input FILES = new Input(Map.of(), false);

    public Input {
      keys = Collections.unmodifiableMap(new LinkedHashMap<>(keys));
    }

    /** {@code --input-format parquet} with its image and (nullable) id column. */
    public static Input parquet(String imageColumn, String idColumn) {
      Map<String, String> keys = new LinkedHashMap<>();
      keys.put("input_format", "parquet");
      keys.put("image_column", imageColumn);
      keys.put("id_column", idColumn);
      return new Input(keys, true);
    }
  }

  /**
   * @param input what the job says about its input beyond its path
   * @param layerTiles tiles computed per written layer, in stack order
   * @param embeddings embedding rows written, or -1 when the stack writes maps
   */
  public static String json(
      JobConfig config,
      Input input,
      JobResult result,
      String sparkVersion,
      long[] layerTiles,
      long embeddings) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode software = root.putObject("software");
    software.put("name", "haloconv");
    software.put("version", Version.VERSION);
    software.put("spark", sparkVersion);
    software.put("java", System.getProperty("java.version"));
    software.put("kernel", ConvKernels.implementation());
    root.put("created", Instant.now().toString());
    root.put("input", config.input());
    input
        .keys()
        .forEach(
            (key, value) -> {
              if (value == null) {
                root.putNull(key);
              } else {
                root.put(key, value);
              }
            });
    if (config.pattern() != null) {
      root.put("pattern", config.pattern());
    }
    root.put("output", config.output());

    LayerStack stack = config.stack();
    ObjectNode s = root.putObject("spec");
    ConvLayer single = stack.size() == 1 && stack.layer(0) instanceof ConvLayer c ? c : null;
    if (single != null) {
      convKeys(s, single.spec());
    }
    if (!config.layersFile().isEmpty()) {
      s.put("layers_file", config.layersFile());
    }
    if (config.tileHeight() > 0) {
      pair(s.putArray("tile"), config.tileHeight(), config.tileWidth());
    } else {
      s.put("tile", "auto");
    }
    s.put("channels", config.channels().cliName());
    s.put("normalize", config.normalization().toString());
    s.put("precision", config.precision().dtype());
    s.put("compression", config.compression().cliName());
    s.put("mode", config.mode().cliName());
    s.put("nodata", config.nodata().toString());
    s.put("skip_empty_tiles", config.emptyTiles() == EmptyTiles.SKIP);

    if (single != null) {
      bank(root.putObject("bank"), single);
    }
    ArrayNode layers = root.putArray("layers");
    int written = 0;
    for (int i = 0; i < stack.size(); i++) {
      Layer layer = stack.layer(i);
      ObjectNode l = layers.addObject();
      l.put("name", layer.name());
      l.put("type", layer.type());
      if (layer instanceof ConvLayer conv) {
        convKeys(l, conv.spec());
        bank(l.putObject("bank"), conv);
      } else {
        PoolSpec pool = ((PoolLayer) layer).pool();
        l.put("op", pool.op().cliName());
        pair(l.putArray("size"), pool.sizeHeight(), pool.sizeWidth());
        pair(l.putArray("stride"), pool.strideHeight(), pool.strideWidth());
        l.put("padding", pool.padding().toString());
      }
      l.put("emit", layer.emit());
      boolean mapWritten = stack.written(i) && stack.embedding().isEmpty();
      l.put("written", mapWritten);
      if (mapWritten) {
        l.put("directory", OutputLayout.directory(stack, i));
        l.put("tiles", written < layerTiles.length ? layerTiles[written] : 0);
        written++;
      }
    }
    stack
        .embedding()
        .ifPresent(
            pool -> {
              // The pool is the stack file's last layer; its rows are the output.
              ObjectNode l = layers.addObject();
              l.put("name", pool.name());
              l.put("type", pool.type());
              l.put("mode", pool.op().cliName());
              if (pool.grid() > 0) {
                l.put("grid", pool.grid());
              }
              if (pool.cell() > 0) {
                l.put("cell", pool.cell());
              }
              l.put("written", true);
              l.put("directory", ".");
              l.put("embeddings", embeddings);
            });

    ObjectNode counts = root.putObject("counts");
    counts.put("files_listed", result.filesListed());
    counts.put("images_written", result.imagesWritten());
    counts.put("images_failed", result.imagesFailed());
    counts.put("tiles", result.tiles());
    counts.put("empty_tiles_skipped", result.emptyTilesSkipped());
    if (embeddings >= 0) {
      counts.put("embeddings", embeddings);
    }
    counts.put("output_bytes", result.outputBytes());
    counts.put("feature_values", result.featureValues());
    if (input.countsRows()) {
      // "files_listed" means rows here: say so under the name a reader of this output expects.
      counts.put("rows_read", result.filesListed());
    }

    ObjectNode times = root.putObject("seconds");
    JobResult.StageTimes t = result.times();
    times.put("total", round(result.seconds()));
    times.put("list", round(t.listSeconds()));
    times.put("probe", round(t.probeSeconds()));
    times.put("convolve_and_write", round(t.writeWallSeconds()));
    times.put("tasks", round(t.taskSeconds()));
    times.put("task_read", round(t.readTaskSeconds()));
    times.put("task_convolve", round(t.convolveTaskSeconds()));
    times.put("task_encode", round(t.encodeTaskSeconds()));
    times.put("task_write_and_other", round(t.otherTaskSeconds()));
    try {
      return JSON.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("manifest does not serialise", e);
    }
  }

  private static void convKeys(ObjectNode s, ConvSpec spec) {
    pair(s.putArray("kernel"), spec.kernelHeight(), spec.kernelWidth());
    pair(s.putArray("stride"), spec.strideHeight(), spec.strideWidth());
    pair(s.putArray("dilation"), spec.dilationHeight(), spec.dilationWidth());
    s.put("padding", spec.padding().toString());
    s.put("padding_mode", spec.paddingMode().cliName());
    s.put("groups", spec.groups());
    s.put("activation", spec.activation().toString());
  }

  private static void bank(ObjectNode b, ConvLayer layer) {
    FilterBank bank = layer.bank();
    b.put("source", layer.source());
    ArrayNode shape = b.putArray("shape");
    shape
        .add(bank.filters())
        .add(bank.channelsPerGroup())
        .add(bank.kernelHeight())
        .add(bank.kernelWidth());
    b.put("sha256", bank.sha256());
  }

  private static void pair(ArrayNode array, int a, int b) {
    array.add(a).add(b);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
