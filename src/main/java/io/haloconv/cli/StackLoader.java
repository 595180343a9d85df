package io.haloconv.cli;

import io.haloconv.conv.BankFiles;
import io.haloconv.model.OnnxImport;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackFile;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.SafeTensors;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the {@code --layers} stack file (or ONNX model, {@code .onnx}, with {@code --onnx-until})
 * through Hadoop's FileSystem, resolving each conv layer's {@code filters} relative to the stack
 * file (a {@code preset:} bank defaults to the channels the layer receives). Every problem becomes
 * a one-line {@link UsageException} naming the file and the layer.
 */
final class StackLoader {
  /** Stack files are small JSON; anything larger is refused unread. */
  static final long MAX_STACK_BYTES = 16L << 20;

  private StackLoader() {}

  /** ONNX models are weights too; larger than any bank file is refused unread. */
  static final long MAX_MODEL_BYTES = BankLoader.MAX_BANK_BYTES;

  /**
   * @param presetChannels channels a first-layer preset is built for when its name gives none
   */
  static LayerStack load(String file, int presetChannels, Configuration conf) {
    return load(file, null, presetChannels, conf);
  }

  /** True when {@code --layers} names an ONNX model rather than a stack file. */
  static boolean isOnnx(String file) {
    return file.toLowerCase(Locale.ROOT).endsWith(".onnx");
  }

  /**
   * @param onnxUntil with an ONNX model, the node to stop at ({@code --onnx-until}), or null
   * @param presetChannels channels a first-layer preset is built for when its name gives none
   */
  static LayerStack load(String file, String onnxUntil, int presetChannels, Configuration conf) {
    if (onnxUntil != null && !isOnnx(file)) {
      throw new UsageException("--onnx-until needs --layers MODEL.onnx, got --layers " + file);
    }
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        throw new UsageException("--layers " + file + " is a directory, not a stack file");
      }
      long limit = isOnnx(file) ? MAX_MODEL_BYTES : MAX_STACK_BYTES;
      if (status.getLen() > limit) {
        throw new UsageException(
            "--layers "
                + file
                + " is "
                + status.getLen()
                + " bytes, more than the "
                + limit
                + (isOnnx(file) ? " a model" : " a stack file")
                + " may have");
      }
      if (isOnnx(file)) {
        byte[] model;
        try (InputStream in = fs.open(path)) {
          model = in.readAllBytes();
        }
        return OnnxImport.read(model, onnxUntil, file);
      }
      Path dir = path.getParent();
      try (InputStream in = fs.open(path)) {
        return StackFile.read(
            in,
            (filters, channels) -> {
              String ref = filters;
              if (!filters.startsWith("preset:") && !filters.startsWith("random:")) {
                Path bank = new Path(filters);
                if (dir != null && !bank.isAbsolute() && bank.toUri().getScheme() == null) {
                  ref = new Path(dir, filters).toString();
                }
              }
              try {
                return BankLoader.load(
                    ref, "filters", channels > 0 ? channels : presetChannels, conf);
              } catch (UsageException e) {
                throw new IllegalArgumentException(e.getMessage(), e);
              }
            },
            weights -> readWeights(resolve(dir, weights), conf));
      }
    } catch (FileNotFoundException e) {
      throw new UsageException("--layers " + file + " does not exist");
    } catch (IOException e) {
      throw new UsageException("--layers " + file + ": " + oneLine(e.getMessage()));
    } catch (IllegalArgumentException e) {
      throw new UsageException("--layers " + file + ": " + oneLine(e.getMessage()));
    }
  }

  private static String resolve(Path dir, String file) {
    Path p = new Path(file);
    if (dir != null && !p.isAbsolute() && p.toUri().getScheme() == null) {
      return new Path(dir, file).toString();
    }
    return file;
  }

  /** A stack's {@code "weights"}: a safetensors state_dict, read whole, bounded as banks are. */
  private static Map<String, NpyArray> readWeights(String file, Configuration conf) {
    if (!file.toLowerCase(Locale.ROOT).endsWith(".safetensors")) {
      throw new IllegalArgumentException(
          "weights must be a .safetensors file (a PyTorch state_dict), got '" + file + "'");
    }
    Path path = new Path(file);
    try {
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory() || status.getLen() > BankLoader.MAX_BANK_BYTES) {
        throw new IllegalArgumentException(
            "weights "
                + file
                + (status.isDirectory()
                    ? " is a directory"
                    : " is larger than " + BankLoader.MAX_BANK_BYTES + " bytes"));
      }
      try (InputStream in = fs.open(path)) {
        return SafeTensors.read(in, BankFiles.MAX_VALUES);
      }
    } catch (FileNotFoundException e) {
      throw new IllegalArgumentException("weights " + file + " does not exist");
    } catch (IOException e) {
      throw new IllegalArgumentException("weights " + file + ": " + oneLine(e.getMessage()));
    }
  }

  private static String oneLine(String s) {
    if (s == null) {
      return "cannot be read";
    }
    int nl = s.indexOf('\n');
    return nl < 0 ? s : s.substring(0, nl);
  }
}
