package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.util.Arrays;

/**
 * Raw decoded channels → the floats a filter sees: unit scaling, then the {@link ChannelMode}
 * conversion, then mean-std, each a flat loop over planar arrays. The rules are documented on
 * {@link ChannelMode} and {@link Normalization}.
 */
final class ChannelPipeline {
  /** ITU-R BT.601 luma weights, as PIL's convert("L") and OpenCV's cvtColor use. */
  private static final float LUMA_R = 0.299f;

  private static final float LUMA_G = 0.587f;
  private static final float LUMA_B = 0.114f;

  private final int sourceChannels;
  private final int outputChannels;
  private final Normalization normalization;

  /** What unit scaling divides by; 1 (nothing to do) for raw and float samples. */
  private final float divisor;

  /** The value of a fully opaque added alpha channel, in the scaled domain. */
  private final float opaque;

  ChannelPipeline(ImageInfo info, ChannelMode mode, Normalization normalization) {
    this.sourceChannels = info.channels();
    this.outputChannels = mode.outputChannels(info.channels());
    normalization.requireChannels(outputChannels);
    this.normalization = normalization;
    float scale = (float) info.unitScale();
    this.divisor = normalization.kind() == Normalization.Kind.RAW ? 1 : scale;
    this.opaque = normalization.kind() == Normalization.Kind.RAW ? scale : 1;
  }

  int outputChannels() {
    return outputChannels;
  }

  /** Converts {@code raw} (which it may modify and return) to the output channels. */
  Tensor3 apply(Tensor3 raw) {
    if (raw.channels() != sourceChannels) {
      throw new IllegalStateException(
          "decoded " + raw.channels() + " channels, expected " + sourceChannels);
    }
    float[] data = raw.data();
    if (divisor != 1) {
      float d = divisor;
      for (int i = 0; i < data.length; i++) {
        data[i] = data[i] / d;
      }
    }
    Tensor3 converted = convert(raw);
    if (normalization.kind() == Normalization.Kind.MEAN_STD) {
      float[] values = converted.data();
      int plane = converted.height() * converted.width();
      for (int c = 0; c < outputChannels; c++) {
        float mean = normalization.mean(c);
        float std = normalization.std(c);
        for (int i = c * plane, end = i + plane; i < end; i++) {
          values[i] = (values[i] - mean) / std;
        }
      }
    }
    return converted;
  }

  private Tensor3 convert(Tensor3 raw) {
    if (outputChannels == sourceChannels) {
      return raw;
    }
    int plane = raw.height() * raw.width();
    float[] in = raw.data();
    Tensor3 out = Tensor3.zeros(outputChannels, raw.height(), raw.width());
    float[] o = out.data();
    boolean sourceColour = sourceChannels >= 3;
    boolean sourceAlpha = sourceChannels == 2 || sourceChannels == 4;
    int alphaPlane = sourceChannels - 1;
    if (outputChannels == 1) {
      if (sourceColour) {
        for (int i = 0; i < plane; i++) {
          o[i] = LUMA_R * in[i] + LUMA_G * in[plane + i] + LUMA_B * in[2 * plane + i];
        }
      } else {
        System.arraycopy(in, 0, o, 0, plane); // gray+alpha: drop alpha
      }
      return out;
    }
    // rgb or rgba: colour planes first.
    if (sourceColour) {
      System.arraycopy(in, 0, o, 0, 3 * plane);
    } else {
      for (int c = 0; c < 3; c++) {
        System.arraycopy(in, 0, o, c * plane, plane);
      }
    }
    if (outputChannels == 4) {
      if (sourceAlpha) {
        System.arraycopy(in, alphaPlane * plane, o, 3 * plane, plane);
      } else {
        Arrays.fill(o, 3 * plane, 4 * plane, opaque);
      }
    }
    return out;
  }
}
