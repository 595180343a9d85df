package io.haloconv.conv;

import java.util.Locale;

/**
 * Chooses the kernel implementation once per JVM. The system property {@code haloconv.kernel}
 * ({@code direct} or {@code auto}, the default) overrides the choice, for tests and benchmarks.
 */
public final class ConvKernels {
  private static final String PROPERTY = "haloconv.kernel";

  private ConvKernels() {}

  /** A new kernel instance for {@code bank} and {@code spec}; one per thread. */
  public static ConvKernel create(FilterBank bank, ConvSpec spec) {
    spec.checkBank(bank);
    return new DirectKernel(bank, spec);
  }

  /** The name of the implementation {@link #create} returns, for logs and the manifest. */
  public static String implementation() {
    String wanted = System.getProperty(PROPERTY, "auto").toLowerCase(Locale.ROOT);
    return wanted.equals("auto") ? "direct" : wanted;
  }
}
