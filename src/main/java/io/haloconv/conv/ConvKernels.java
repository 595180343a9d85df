package io.haloconv.conv;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.management.ManagementFactory;
import java.util.Locale;

/**
 * Chooses the kernel implementation once per JVM, as Lucene's {@code VectorizationProvider} does:
 * the Vector API kernels ({@code vector}) where the {@code jdk.incubator.vector} module is in the
 * boot layer and the CPU has vector FMA, else the portable {@link DirectKernel} ({@code direct}).
 * Of the Vector API kernels, {@link #create} gives the filter-lane one for deep layers (see {@code
 * FilterLaneKernel.preferred}) and the output-column one otherwise.
 *
 * <p>The system property {@code haloconv.kernel} overrides the choice: {@code auto} (the default),
 * {@code direct}, or {@code vector}, which fails when the Vector API cannot be used.
 *
 * <p>Only this class names the vector kernel, and only reflectively, so a JVM started without
 * {@code --add-modules jdk.incubator.vector} loads it, links nothing from the incubator module, and
 * runs the portable kernel.
 */
public final class ConvKernels {
  private static final String PROPERTY = "haloconv.kernel";
  private static final String VECTOR_CLASS = "io.haloconv.conv.VectorConvKernel";
  private static final String LANES_CLASS = "io.haloconv.conv.FilterLaneKernel";

  /** The vector kernel's constructor, or null with {@link #VECTOR_ABSENT_REASON} saying why. */
  private static final MethodHandle VECTOR_CONSTRUCTOR;

  private static final String VECTOR_ABSENT_REASON;

  /** The filter-lane kernel's constructor and its {@code preferred(FilterBank, ConvSpec)} rule. */
  private static final MethodHandle LANES_CONSTRUCTOR;

  private static final MethodHandle LANES_PREFERRED;

  static {
    MethodHandle constructor = null;
    MethodHandle lanesConstructor = null;
    MethodHandle lanesPreferred = null;
    String reason = null;
    try {
      if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
        reason = "the JVM was started without --add-modules jdk.incubator.vector";
      } else if (!fastFma()) {
        reason = "this CPU or JVM has no fused multiply-add (UseFMA is off)";
      } else {
        Class<?> type = Class.forName(VECTOR_CLASS);
        MethodHandles.Lookup lookup = MethodHandles.lookup();
        int lanes =
            (int) lookup.findStatic(type, "lanes", MethodType.methodType(int.class)).invoke();
        if (lanes < 4) {
          reason = "the preferred float vector has only " + lanes + " lanes";
        } else {
          constructor =
              lookup.findConstructor(
                  type, MethodType.methodType(void.class, FilterBank.class, ConvSpec.class));
          Class<?> lanesType = Class.forName(LANES_CLASS);
          lanesConstructor =
              lookup.findConstructor(
                  lanesType, MethodType.methodType(void.class, FilterBank.class, ConvSpec.class));
          lanesPreferred =
              lookup.findStatic(
                  lanesType,
                  "preferred",
                  MethodType.methodType(boolean.class, FilterBank.class, ConvSpec.class));
        }
      }
    } catch (Throwable e) { // LinkageError, reflection, or anything the probe throws
      reason = "the Vector API failed to load: " + e;
      constructor = null;
      lanesConstructor = null;
      lanesPreferred = null;
    }
    VECTOR_CONSTRUCTOR = constructor;
    LANES_CONSTRUCTOR = lanesConstructor;
    LANES_PREFERRED = lanesPreferred;
    VECTOR_ABSENT_REASON = reason;
  }

  private ConvKernels() {}

  /** A new kernel instance for {@code bank} and {@code spec}; one per thread. */
  public static ConvKernel create(FilterBank bank, ConvSpec spec) {
    spec.checkBank(bank);
    if (implementation().equals("vector")) {
      return lanesPreferred(bank, spec) ? filterLanes(bank, spec) : vector(bank, spec);
    }
    return new DirectKernel(bank, spec);
  }

  /**
   * The filter-lane Vector API kernel, for specs with one group and a horizontal stride of 1 or 2;
   * {@link #create} picks it for deep and strided layers.
   *
   * @throws IllegalStateException when this JVM cannot run it, saying why
   * @throws IllegalArgumentException when it cannot run this spec
   */
  public static ConvKernel filterLanes(FilterBank bank, ConvSpec spec) {
    spec.checkBank(bank);
    if (LANES_CONSTRUCTOR == null) {
      throw new IllegalStateException("vector kernel unavailable: " + VECTOR_ABSENT_REASON);
    }
    try {
      return (ConvKernel) LANES_CONSTRUCTOR.invoke(bank, spec);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("filter-lane kernel failed to start", e);
    }
  }

  /** Whether {@link #create} gives the filter-lane kernel for this bank and spec. */
  static boolean lanesPreferred(FilterBank bank, ConvSpec spec) {
    if (LANES_PREFERRED == null) {
      return false;
    }
    try {
      return (boolean) LANES_PREFERRED.invoke(bank, spec);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("filter-lane kernel rule failed", e);
    }
  }

  /** The portable kernel, whatever the JVM offers; for differential tests and benchmarks. */
  public static ConvKernel direct(FilterBank bank, ConvSpec spec) {
    spec.checkBank(bank);
    return new DirectKernel(bank, spec);
  }

  /**
   * The output-column Vector API kernel.
   *
   * @throws IllegalStateException when this JVM cannot run it, saying why
   */
  public static ConvKernel vector(FilterBank bank, ConvSpec spec) {
    spec.checkBank(bank);
    if (VECTOR_CONSTRUCTOR == null) {
      throw new IllegalStateException("vector kernel unavailable: " + VECTOR_ABSENT_REASON);
    }
    try {
      return (ConvKernel) VECTOR_CONSTRUCTOR.invoke(bank, spec);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable e) {
      throw new IllegalStateException("vector kernel failed to start", e);
    }
  }

  /** True when this JVM can run the Vector API kernel. */
  public static boolean vectorAvailable() {
    return VECTOR_CONSTRUCTOR != null;
  }

  /** Why the Vector API kernel is unavailable, or empty when it is available. */
  public static String vectorUnavailableReason() {
    return VECTOR_ABSENT_REASON == null ? "" : VECTOR_ABSENT_REASON;
  }

  /**
   * The name of the implementation {@link #create} returns, {@code vector} or {@code direct}, for
   * logs and the manifest.
   *
   * @throws IllegalArgumentException when {@code haloconv.kernel} names no implementation
   */
  public static String implementation() {
    String wanted = System.getProperty(PROPERTY, "auto").trim().toLowerCase(Locale.ROOT);
    switch (wanted) {
      case "auto":
        return vectorAvailable() ? "vector" : "direct";
      case "direct":
      case "vector":
        return wanted;
      default:
        throw new IllegalArgumentException(
            PROPERTY + " must be auto, direct or vector, got '" + wanted + "'");
    }
  }

  /**
   * Whether HotSpot intrinsifies fused multiply-add. Without it the Vector API's {@code fma} falls
   * back to a software {@code Math.fma} per lane, far slower than the portable kernel.
   */
  private static boolean fastFma() {
    try {
      return Boolean.parseBoolean(
          ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class)
              .getVMOption("UseFMA")
              .getValue());
    } catch (RuntimeException | LinkageError e) {
      return true; // not HotSpot, or no jdk.management: let the lane count decide
    }
  }
}
