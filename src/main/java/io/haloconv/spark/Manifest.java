package io.haloconv.spark;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.haloconv.Version;
import io.haloconv.conv.ConvKernels;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import java.time.Instant;

/**
 * {@code _manifest.json}: the job's spec, the bank's shape and SHA-256, the software version and the
 * counts (DESIGN §3). Written last but one (before {@code _SUCCESS}), so an output with a manifest
 * is complete.
 */
final class Manifest {
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private Manifest() {}

  static String json(JobConfig config, JobResult result, String sparkVersion) {
    ObjectNode root = JSON.createObjectNode();
    ObjectNode software = root.putObject("software");
    software.put("name", "haloconv");
    software.put("version", Version.VERSION);
    software.put("spark", sparkVersion);
    software.put("java", System.getProperty("java.version"));
    software.put("kernel", ConvKernels.implementation());
    root.put("created", Instant.now().toString());
    root.put("input", config.input());
    root.put("output", config.output());

    ConvSpec spec = config.spec();
    ObjectNode s = root.putObject("spec");
    pair(s.putArray("kernel"), spec.kernelHeight(), spec.kernelWidth());
    pair(s.putArray("stride"), spec.strideHeight(), spec.strideWidth());
    pair(s.putArray("dilation"), spec.dilationHeight(), spec.dilationWidth());
    s.put("padding", spec.padding().toString());
    s.put("padding_mode", spec.paddingMode().cliName());
    s.put("groups", spec.groups());
    s.put("activation", spec.activation().toString());
    if (config.tileHeight() > 0) {
      pair(s.putArray("tile"), config.tileHeight(), config.tileWidth());
    } else {
      s.put("tile", "auto");
    }
    s.put("channels", config.channels().cliName());
    s.put("normalize", config.normalization().toString());
    s.put("precision", config.precision().dtype());
    s.put("mode", config.mode().cliName());

    FilterBank bank = config.bank();
    ObjectNode b = root.putObject("bank");
    b.put("source", config.bankSource());
    ArrayNode shape = b.putArray("shape");
    shape.add(bank.filters()).add(bank.channelsPerGroup()).add(bank.kernelHeight())
        .add(bank.kernelWidth());
    b.put("sha256", bank.sha256());

    ObjectNode counts = root.putObject("counts");
    counts.put("files_listed", result.filesListed());
    counts.put("images_written", result.imagesWritten());
    counts.put("images_failed", result.imagesFailed());
    counts.put("tiles", result.tiles());
    counts.put("output_bytes", result.outputBytes());
    counts.put("feature_values", result.featureValues());

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
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException("manifest does not serialise", e);
    }
  }

  private static void pair(ArrayNode array, int a, int b) {
    array.add(a).add(b);
  }

  private static double round(double seconds) {
    return Math.round(seconds * 1000) / 1000.0;
  }
}
