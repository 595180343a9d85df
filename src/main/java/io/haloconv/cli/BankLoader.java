package io.haloconv.cli;

import io.haloconv.conv.BankFiles;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the {@code --filters} argument: {@code preset:NAME[:C]}, {@code random:K,C,F[,SEED]}, or a
 * {@code .npz}, {@code .safetensors} or {@code .json} file through Hadoop's FileSystem. Every
 * problem becomes a one-line {@link UsageException}.
 */
final class BankLoader {
  /** Bank files larger than this are refused before reading: far beyond any real filter bank. */
  static final long MAX_BANK_BYTES = 1L << 30;

  private BankLoader() {}

  /**
   * @param presetChannels channels a preset is built for when the name gives none
   */
  static FilterBank load(String ref, int presetChannels, Configuration conf) {
    return load(ref, "--filters", presetChannels, conf);
  }

  /**
   * @param label what messages call the value: {@code --filters}, or {@code filters} in a stack
   *     file
   * @param presetChannels channels a preset is built for when the name gives none
   */
  static FilterBank load(String ref, String label, int presetChannels, Configuration conf) {
    try {
      if (FilterBanks.isNamed(ref)) {
        return FilterBanks.named(ref, presetChannels);
      }
      return readFile(ref, label, conf);
    } catch (FilterBanks.BadName e) {
      throw new UsageException(label + " " + e.getMessage());
    } catch (IllegalArgumentException e) {
      throw new UsageException(label + " " + ref + ": " + e.getMessage());
    }
  }

  private static FilterBank readFile(String ref, String label, Configuration conf) {
    String lower = ref.toLowerCase(Locale.ROOT);
    if (!lower.endsWith(".npz") && !lower.endsWith(".safetensors") && !lower.endsWith(".json")) {
      throw new UsageException(
          label
              + " must be a .npz, .safetensors or .json file, preset:NAME "
              + "or random:K,C,F[,SEED], got '"
              + ref
              + "'");
    }
    Path path = new Path(ref);
    try {
      FileSystem fs = path.getFileSystem(conf);
      FileStatus status = fs.getFileStatus(path);
      if (status.isDirectory()) {
        throw new UsageException(label + " " + ref + " is a directory, not a bank file");
      }
      if (status.getLen() > MAX_BANK_BYTES) {
        throw new UsageException(
            label
                + " "
                + ref
                + " is "
                + status.getLen()
                + " bytes, more than the "
                + MAX_BANK_BYTES
                + " a bank file may have");
      }
      try (InputStream in = fs.open(path)) {
        if (lower.endsWith(".json")) {
          return FilterBanks.fromJson(in);
        }
        if (lower.endsWith(".npz")) {
          return BankFiles.fromNpz(in);
        }
        return BankFiles.fromSafeTensors(in);
      }
    } catch (FileNotFoundException e) {
      throw new UsageException(label + " " + ref + " does not exist");
    } catch (IOException e) {
      throw new UsageException(label + " " + ref + ": " + oneLine(e.getMessage()));
    } catch (IllegalArgumentException e) {
      throw new UsageException(label + " " + ref + ": " + oneLine(e.getMessage()));
    } catch (OutOfMemoryError e) {
      // Only a bank whose data is really there gets this far (sizes are checked, and memory
      // follows the bytes read); the failed allocation is garbage again by now.
      throw new UsageException(
          label + " " + ref + ": not enough memory to load the bank; " + "raise --driver-memory");
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
