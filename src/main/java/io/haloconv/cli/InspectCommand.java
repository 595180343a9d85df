package io.haloconv.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconv.spark.output.OutputReader;
import io.haloconv.spark.output.OutputStats;
import io.haloconv.spark.output.OutputStats.ChannelStats;
import io.haloconv.spark.output.OutputStats.ErrorGroup;
import io.haloconv.spark.output.OutputStats.LayerCounts;
import java.io.IOException;
import java.io.PrintStream;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;

/**
 * {@code haloconv inspect DIR [--json]}: an output's schema and counts, per-channel statistics of
 * its feature values, its bad records grouped by reason, and its manifest.
 */
final class InspectCommand {
  static final String USAGE = "haloconv inspect DIR [--json] [--master URL] [--conf KEY=VALUE]...";
  private static final Set<String> VALUED = SparkFlags.VALUED;
  private static final Set<String> SWITCHES = Set.of("--json", "--help");
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private InspectCommand() {}

  static int run(String[] argv, PrintStream out, Spark sparkSource) {
    Args args = Args.parse(argv, VALUED, SparkFlags.REPEATABLE, SWITCHES);
    if (args.has("--help")) {
      out.println("usage: " + USAGE);
      return 0;
    }
    String dir = Commands.onePositional(args, "inspect", "DIR");
    SparkFlags flags = SparkFlags.from(args);
    SparkSession spark = sparkSource.start(flags);
    try {
      OutputReader reader = OutputReader.open(spark, dir);
      Report report = Report.of(reader);
      if (args.has("--json")) {
        out.println(report.json());
      } else {
        report.print(out);
      }
      return 0;
    } finally {
      sparkSource.finish(spark);
    }
  }

  /** Everything inspect shows, computed once. */
  record Report(
      OutputReader reader,
      List<StructField> schema,
      boolean layered,
      boolean embeddings,
      List<LayerCounts> counts,
      List<ChannelStats> channels,
      long errorCount,
      List<ErrorGroup> errors,
      Optional<String> manifest,
      long parquetBytes) {

    static Report of(OutputReader reader) {
      boolean layered = reader.layered();
      boolean embeddings = reader.embeddings();
      List<ErrorGroup> errors = OutputStats.errorGroups(reader.errors());
      return new Report(
          reader,
          List.of(reader.features().schema().fields()),
          layered,
          embeddings,
          embeddings
              ? OutputStats.embeddingCounts(reader.features())
              : OutputStats.counts(reader.features(), layered),
          embeddings
              ? OutputStats.embeddingChannels(reader.features())
              : OutputStats.channels(reader.features(), layered),
          errors.stream().mapToLong(ErrorGroup::count).sum(),
          errors,
          reader.manifest(),
          reader.parquetBytes());
    }

    void print(PrintStream out) {
      out.println(
          "haloconv output "
              + reader.dir()
              + (reader.complete()
                  ? ""
                  : "  (no _SUCCESS: the job did not finish, or this is not a haloconv output)"));
      out.println();
      out.println("schema");
      TextTable s = new TextTable("  ", "column", "type");
      for (StructField f : schema) {
        s.row(f.name(), f.dataType().simpleString());
      }
      s.print(out);
      out.println();
      if (embeddings) {
        printEmbeddings(out);
      } else {
        printMaps(out);
      }
      out.println();
      if (errorCount == 0) {
        out.println("errors: none in _errors/" + failedNote());
      } else {
        out.println(
            "errors: "
                + TextTable.count(errorCount)
                + " bad record"
                + (errorCount == 1 ? "" : "s")
                + " in _errors/, by reason");
        TextTable e = new TextTable("  ", "count", "stage", "error", "example");
        for (ErrorGroup g : errors) {
          e.row(
              TextTable.count(g.count()),
              g.stage(),
              g.error(),
              g.examplePath() + ": " + g.exampleMessage());
        }
        e.print(out);
      }
      out.println();
      if (manifest.isEmpty()) {
        out.println("manifest: none (no _manifest.json)");
      } else {
        out.println("manifest (_manifest.json)");
        for (String line : manifest.get().strip().split("\n")) {
          out.println("  " + line);
        }
      }
    }

    private void printMaps(PrintStream out) {
      out.println(
          "counts"
              + (layered ? " per layer" : "")
              + " ("
              + TextTable.bytes(parquetBytes)
              + " of Parquet)");
      TextTable c =
          layered
              ? new TextTable(
                  "  ",
                  "layer",
                  "images",
                  "tiles",
                  "channels",
                  "dtype",
                  "map sizes (HxW)",
                  "values")
              : new TextTable(
                  "  ", "images", "tiles", "channels", "dtype", "map sizes (HxW)", "values");
      if (counts.isEmpty()) {
        out.println("  no features: every image failed, or the input was empty");
      }
      for (LayerCounts n : counts) {
        String sizes =
            n.minHeight()
                + "x"
                + n.minWidth()
                + (n.minHeight() == n.maxHeight() && n.minWidth() == n.maxWidth()
                    ? ""
                    : " .. " + n.maxHeight() + "x" + n.maxWidth());
        String channelText = join(n.channels());
        String dtypeText = String.join(", ", n.dtypes());
        if (layered) {
          c.row(
              n.layer(),
              TextTable.count(n.images()),
              TextTable.count(n.tiles()),
              channelText,
              dtypeText,
              sizes,
              TextTable.count(n.values()));
        } else {
          c.row(
              TextTable.count(n.images()),
              TextTable.count(n.tiles()),
              channelText,
              dtypeText,
              sizes,
              TextTable.count(n.values()));
        }
      }
      if (!counts.isEmpty()) {
        c.print(out);
      }
      out.println();
      out.println(
          "channels (stored values decoded to float32; std over all values of the channel)");
      TextTable t =
          layered
              ? new TextTable("  ", "layer", "channel", "min", "max", "mean", "std", "non-finite")
              : new TextTable("  ", "channel", "min", "max", "mean", "std", "non-finite");
      for (ChannelStats st : channels) {
        Object[] cells = {
          st.channel(),
          TextTable.number(st.min()),
          TextTable.number(st.max()),
          TextTable.number(st.mean()),
          TextTable.number(st.std()),
          TextTable.count(st.nonFinite())
        };
        if (layered) {
          Object[] withLayer = new Object[cells.length + 1];
          withLayer[0] = st.layer();
          System.arraycopy(cells, 0, withLayer, 1, cells.length);
          t.row(withLayer);
        } else {
          t.row(cells);
        }
      }
      if (t.isEmpty()) {
        out.println("  none");
      } else {
        t.print(out);
      }
    }

    /** Counts and per-dimension statistics of an embedding output. */
    private void printEmbeddings(PrintStream out) {
      out.println("embeddings (" + TextTable.bytes(parquetBytes) + " of Parquet)");
      if (counts.isEmpty()) {
        out.println("  no embeddings: every image failed, or the input was empty");
      } else {
        LayerCounts n = counts.get(0);
        TextTable c = new TextTable("  ", "images", "rows", "K", "cell sizes (HxW, input pixels)");
        c.row(
            TextTable.count(n.images()),
            TextTable.count(n.tiles()),
            join(n.channels()),
            n.minHeight()
                + "x"
                + n.minWidth()
                + (n.minHeight() == n.maxHeight() && n.minWidth() == n.maxWidth()
                    ? ""
                    : " .. " + n.maxHeight() + "x" + n.maxWidth()));
        c.print(out);
      }
      out.println();
      out.println("dimensions (std over all rows)");
      TextTable t = new TextTable("  ", "dimension", "min", "max", "mean", "std", "non-finite");
      for (ChannelStats st : channels) {
        t.row(
            st.channel(),
            TextTable.number(st.min()),
            TextTable.number(st.max()),
            TextTable.number(st.mean()),
            TextTable.number(st.std()),
            TextTable.count(st.nonFinite()));
      }
      if (t.isEmpty()) {
        out.println("  none");
      } else {
        t.print(out);
      }
    }

    /** When _errors/ is empty but the manifest counts failures (dropmalformed), say so. */
    private String failedNote() {
      JsonNode m = manifestNode();
      if (m != null && m.path("counts").path("images_failed").asLong(0) > 0) {
        return "; the manifest counts "
            + m.path("counts").path("images_failed").asLong()
            + " failed images (dropmalformed mode keeps no records)";
      }
      return "";
    }

    private JsonNode manifestNode() {
      if (manifest.isEmpty()) {
        return null;
      }
      try {
        return JSON.readTree(manifest.get());
      } catch (IOException e) {
        return null;
      }
    }

    String json() {
      ObjectNode root = JSON.createObjectNode();
      root.put("dir", reader.dir());
      root.put("complete", reader.complete());
      ArrayNode s = root.putArray("schema");
      for (StructField f : schema) {
        s.addObject()
            .put("name", f.name())
            .put("type", f.dataType().simpleString())
            .put("nullable", f.nullable());
      }
      root.put("parquet_bytes", parquetBytes);
      root.put("kind", embeddings ? "embeddings" : "feature_maps");
      ArrayNode c = root.putArray("counts");
      for (LayerCounts n : counts) {
        ObjectNode o = c.addObject();
        if (layered) {
          o.put("layer", n.layer());
        }
        o.put("images", n.images()).put("tiles", n.tiles());
        ArrayNode channelArray = o.putArray("channels");
        n.channels().forEach(channelArray::add);
        ArrayNode dtypeArray = o.putArray("dtypes");
        n.dtypes().forEach(dtypeArray::add);
        o.put("values", n.values());
        o.putArray("min_size").add(n.minHeight()).add(n.minWidth());
        o.putArray("max_size").add(n.maxHeight()).add(n.maxWidth());
      }
      ArrayNode ch = root.putArray("channels");
      for (ChannelStats st : channels) {
        ObjectNode o = ch.addObject();
        if (layered) {
          o.put("layer", st.layer());
        }
        o.put("channel", st.channel()).put("count", st.count()).put("non_finite", st.nonFinite());
        number(o, "min", st.min());
        number(o, "max", st.max());
        number(o, "mean", st.mean());
        number(o, "std", st.std());
      }
      ObjectNode e = root.putObject("errors");
      e.put("total", errorCount);
      ArrayNode groups = e.putArray("groups");
      for (ErrorGroup g : errors) {
        groups
            .addObject()
            .put("stage", g.stage())
            .put("error", g.error())
            .put("count", g.count())
            .put("example_path", g.examplePath())
            .put("example_message", g.exampleMessage());
      }
      JsonNode m = manifestNode();
      if (m != null) {
        root.set("manifest", m);
      } else {
        root.putNull("manifest");
      }
      try {
        return JSON.writeValueAsString(root);
      } catch (IOException ex) {
        throw new IllegalStateException("inspect report does not serialise", ex);
      }
    }

    /** JSON has no NaN: statistics of a channel without finite values are null. */
    private static void number(ObjectNode o, String name, double v) {
      if (Double.isFinite(v)) {
        o.put(name, v);
      } else {
        o.putNull(name);
      }
    }

    private static String join(List<Integer> values) {
      StringBuilder b = new StringBuilder();
      for (Integer v : values) {
        b.append(b.length() == 0 ? "" : ", ").append(v);
      }
      return b.toString();
    }
  }
}
