package io.haloconv.cli;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Runs {@link Main} in-process and captures what it prints. */
final class CliRuns {
  private CliRuns() {}

  record Result(int code, String out, String err) {}

  static Result run(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Main.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  /**
   * A valid featurize command of the sample images and bank into {@code output}, with {@code flag
   * value} replacing that flag's default or added.
   */
  static String[] featurize(Path output, String flag, String value) {
    List<String> args = new ArrayList<>(List.of("featurize"));
    for (String[] pair :
        new String[][] {
          {"--input", "data/images"},
          {"--filters", "data/banks/edges.npz"},
          {"--output", output.toString()}
        }) {
      if (!pair[0].equals(flag)) {
        args.add(pair[0]);
        args.add(pair[1]);
      }
    }
    args.add(flag);
    args.add(value);
    return args.toArray(new String[0]);
  }

  static String[] append(String[] args, String... more) {
    String[] all = Arrays.copyOf(args, args.length + more.length);
    System.arraycopy(more, 0, all, args.length, more.length);
    return all;
  }
}
