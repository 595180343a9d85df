package io.haloconv.testing;

import io.haloconv.conv.AxisGeometry;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;

/**
 * The convolution written straight from design.md §1 in float64, sharing no code with the
 * production path but the spec's output-size arithmetic: every output pixel sums its taps, each tap
 * looks its pixel up through the padding mode. Used only by tests, as the independent reference.
 */
public final class NaiveConv {
  private NaiveConv() {}

  public static double[] convolve(Tensor3 image, FilterBank bank, ConvSpec spec) {
    ConvGeometry g = spec.geometry(image.height(), image.width());
    AxisGeometry rows = g.rows();
    AxisGeometry cols = g.cols();
    int outH = g.outHeight();
    int outW = g.outWidth();
    int k = bank.filters();
    int cg = bank.channelsPerGroup();
    int perGroup = k / spec.groups();
    PaddingMode mode = spec.paddingMode();
    double[] out = new double[k * outH * outW];
    for (int f = 0; f < k; f++) {
      int group = f / perGroup;
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          double acc = bank.bias()[f];
          for (int c = 0; c < cg; c++) {
            for (int ky = 0; ky < bank.kernelHeight(); ky++) {
              int sy =
                  mode.sourceIndex(
                      oy * rows.stride() - rows.before() + ky * rows.dilation(), image.height());
              if (sy == PaddingMode.ZERO) {
                continue;
              }
              for (int kx = 0; kx < bank.kernelWidth(); kx++) {
                int sx =
                    mode.sourceIndex(
                        ox * cols.stride() - cols.before() + kx * cols.dilation(), image.width());
                if (sx == PaddingMode.ZERO) {
                  continue;
                }
                acc += (double) bank.weight(f, c, ky, kx) * image.get(group * cg + c, sy, sx);
              }
            }
          }
          out[(f * outH + oy) * outW + ox] = activate(spec, acc);
        }
      }
    }
    return out;
  }

  private static double activate(ConvSpec spec, double v) {
    switch (spec.activation().kind()) {
      case NONE:
        return v;
      case RELU:
        return Math.max(v, 0);
      case LEAKY_RELU:
        return v >= 0 ? v : v * spec.activation().alpha();
      case SIGMOID:
        return 1 / (1 + Math.exp(-v));
      case TANH:
        return Math.tanh(v);
      default:
        throw new AssertionError();
    }
  }

  /** Asserts |got − want| ≤ 1e-4 + 1e-4·|want| everywhere (design.md §1), naming the first miss. */
  public static void assertClose(float[] got, double[] want, String what) {
    if (got.length != want.length) {
      throw new AssertionError(what + ": " + got.length + " values, expected " + want.length);
    }
    for (int i = 0; i < got.length; i++) {
      double tol = 1e-4 + 1e-4 * Math.abs(want[i]);
      if (!(Math.abs(got[i] - want[i]) <= tol)) {
        throw new AssertionError(
            what + ": value " + i + " is " + got[i] + ", expected " + want[i] + " ± " + tol);
      }
    }
  }

  public static void assertClose(float[] got, float[] want, String what) {
    double[] w = new double[want.length];
    for (int i = 0; i < w.length; i++) {
      w[i] = want[i];
    }
    assertClose(got, w, what);
  }
}
