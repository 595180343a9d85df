package io.haloconv.conv;

import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.NaiveConv;
import io.haloconv.testing.RandomSpecs;

/**
 * Run in a child JVM by {@link ConvKernelsFallbackTest}: prints the kernel {@link ConvKernels}
 * chooses, why the vector kernel is missing, and checks the chosen kernel against the float64
 * reference on random specs. Exits non-zero on any mismatch.
 */
public final class FallbackProbe {
  private FallbackProbe() {}

  public static void main(String[] args) {
    System.out.println("implementation=" + ConvKernels.implementation());
    System.out.println("reason=" + ConvKernels.vectorUnavailableReason());
    RandomSpecs first = RandomSpecs.draw(0);
    try {
      ConvKernels.vector(first.bank(), first.spec());
      System.out.println("vector=created");
    } catch (IllegalStateException e) {
      System.out.println("vector=refused: " + e.getMessage());
    }
    int checked = 0;
    for (long seed = 0; seed < 60; seed++) {
      RandomSpecs p = RandomSpecs.draw(seed);
      Tensor3 got =
          WholeImage.convolve(
              p.image(), p.bank(), p.spec(), ConvKernels.create(p.bank(), p.spec()));
      NaiveConv.assertClose(
          got.data(), NaiveConv.convolve(p.image(), p.bank(), p.spec()), "seed " + seed);
      checked++;
    }
    System.out.println("checked=" + checked + " ok");
  }
}
