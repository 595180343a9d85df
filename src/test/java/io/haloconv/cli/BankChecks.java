package io.haloconv.cli;

import java.nio.file.Path;

/**
 * Run by {@link BadBanksTest} in a JVM with a small heap: for each bank file named after the first
 * argument (an output directory that must not exist), runs {@code featurize} of the sample images
 * with it and prints the exit code and the error line.
 */
public final class BankChecks {
  private BankChecks() {}

  public static void main(String[] args) {
    Path output = Path.of(args[0]);
    for (int i = 1; i < args.length; i++) {
      CliRuns.Result r = CliRuns.run(CliRuns.featurize(output, "--filters", args[i]));
      System.out.println("exit " + r.code() + ": " + r.err().strip());
    }
  }
}
