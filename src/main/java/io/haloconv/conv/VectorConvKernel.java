package io.haloconv.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel: a register-blocked direct convolution on the Vector API ({@code
 * jdk.incubator.vector}), for every spec of DESIGN §1.
 *
 * <h2>How the work is laid out</h2>
 *
 * <ul>
 *   <li><b>Stride becomes phases.</b> With stride sh×sw the window is split once per call into
 *       sh·sw phase planes per channel (plane (py, px) holds input rows py, py+sh, … and columns px,
 *       px+sw, …). Tap (ky, kx) of output (oy, ox) then reads plane ((ky·dh) mod sh, (kx·dw) mod
 *       sw) at row oy + ⌊ky·dh/sh⌋ and column ox + ⌊kx·dw/sw⌋: a stride-1 access, so 16 output
 *       columns are 16 consecutive floats, one vector load, for any stride and dilation. Stride 1
 *       reads the caller's window in place.
 *   <li><b>Positions.</b> An output (oy, ox) has the flat position p = oy·wv + ox in a phase plane of
 *       width wv, and every tap reads {@code src[groupBase + tapOffsets[t] + p]}. A vector covers VL
 *       consecutive positions. Row mode puts vectors at ox = 0, VL, … in every output row, the last
 *       one shifted left to end exactly at the row's end (it recomputes a few outputs, bitwise
 *       identically, instead of running a scalar tail). Flat mode, used when rows are narrow (56
 *       outputs of a 58-wide window), lets vectors run across row ends, so only the wv − outW halo
 *       columns per row are wasted; vectors that straddle a row end are scattered lane by lane.
 *   <li><b>Register blocking.</b> A micro-kernel keeps 24 accumulators in registers (AVX-512 has
 *       32): 8 filters × 3 vectors of positions. Each tap costs 3 vector loads and 8 weight
 *       broadcasts for 24 FMAs, well under the two loads per cycle that keep two FMA pipes busy.
 *       Filter remainders use 4×6, 2×12 and 1×12 blocks, still 12–24 independent FMA chains to
 *       cover the FMA latency. Weights are prepacked at construction so that a block's 8 weights
 *       for one tap are adjacent.
 *   <li><b>Bands.</b> Output rows are processed in bands whose input (all channels) fits in about
 *       192 KiB of L2; inside a band every filter block sweeps all positions, so the band's input
 *       is reused from cache by every block. Small-C first layers (C = 1 or 3, many filters) get
 *       long position sweeps with few taps; pointwise 1×1 convolutions run in flat mode over whole
 *       planes; both are these same loops with different trip counts.
 *   <li><b>Epilogue.</b> Bias, then relu or leaky_relu, are applied on the accumulator before its
 *       single store; sigmoid and tanh are applied to the stored values by {@link Activation}, as
 *       the portable kernel does.
 * </ul>
 *
 * <p>Each output value is {@code acc = 0; acc = fma(w, x, acc)} over channels, tap rows and tap
 * columns in that order, then {@code + bias}, then the activation: the order of {@link ConvKernel}.
 * Lanes, shifted vectors and the scalar path for windows narrower than one vector all follow it, so
 * results are bitwise independent of tiling and threading, and bitwise equal to {@link
 * DirectKernel}.
 *
 * <p>Not thread-safe: it keeps scratch arrays, reused across calls. Use one instance per thread.
 * Only {@link ConvKernels} refers to this class, reflectively, so that JVMs started without the
 * incubator module never link it.
 */
final class VectorConvKernel implements ConvKernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();
  /** Widest position group of a micro-kernel; position lists are padded to a multiple of it. */
  private static final int POSITION_GROUP = 12;
  /** Input bytes a band of output rows may span, so that the band stays in L2 across blocks. */
  private static final int BAND_BYTES = 192 * 1024;

  private static final int ACT_NONE = 0;
  private static final int ACT_RELU = 1;
  private static final int ACT_LEAKY = 2;
  /** sigmoid, tanh: applied by {@link Activation} after the store. */
  private static final int ACT_SCALAR = 3;

  private final int filters;
  private final int channelsPerGroup;
  private final int kernelHeight;
  private final int kernelWidth;
  private final int strideHeight;
  private final int strideWidth;
  private final int dilationHeight;
  private final int dilationWidth;
  private final int filtersPerGroup;
  private final int channels;
  private final float[] weight;
  private final float[] bias;
  private final Activation activation;
  private final int activationCode;
  private final float alpha;

  /** Per block: first filter, filter count (8, 4, 2 or 1), offset of its packed weights. */
  private final int[] blockFirst;
  private final int[] blockSize;
  private final int[] blockWeights;
  /** Block b's weight for filter blockFirst[b] + i and tap t is at blockWeights[b] + t·size + i. */
  private final float[] packedWeights;

  /** Offset of tap t = (c·Fh + ky)·Fw + kx from a position, within one group's planes. */
  private final int[] tapOffsets;
  private int boundHeight = -1;
  private int boundWidth = -1;
  private int phaseHeight;
  private int phaseWidth;
  private int groupStride;

  private float[] phases = new float[0];
  private int[] positions = new int[0];
  /** Output offset within a filter's plane of each position's vector, or −1 to scatter by lane. */
  private int[] outOffsets = new int[0];
  private final float[] lanes = new float[VL];
  /** A micro-kernel's finished accumulators on their way to {@link #finish}. */
  private final float[] tile = new float[24 * VL];

  private float[] output;
  private int outPlane;
  private int outWidth;

  VectorConvKernel(FilterBank bank, ConvSpec spec) {
    spec.checkBank(bank);
    filters = bank.filters();
    channelsPerGroup = bank.channelsPerGroup();
    kernelHeight = bank.kernelHeight();
    kernelWidth = bank.kernelWidth();
    strideHeight = spec.strideHeight();
    strideWidth = spec.strideWidth();
    dilationHeight = spec.dilationHeight();
    dilationWidth = spec.dilationWidth();
    filtersPerGroup = filters / spec.groups();
    channels = spec.inputChannels(bank);
    weight = bank.weight();
    bias = bank.bias();
    activation = spec.activation();
    switch (activation.kind()) {
      case NONE:
        activationCode = ACT_NONE;
        break;
      case RELU:
        activationCode = ACT_RELU;
        break;
      case LEAKY_RELU:
        activationCode = ACT_LEAKY;
        break;
      default:
        activationCode = ACT_SCALAR;
    }
    alpha = activation.alpha();
    int taps = channelsPerGroup * kernelHeight * kernelWidth;
    tapOffsets = new int[taps];

    // Blocks never cross a group: a block's filters must read the same input channels.
    int count = 0;
    int[] first = new int[filters];
    int[] size = new int[filters];
    for (int g = 0; g < spec.groups(); g++) {
      int k = g * filtersPerGroup;
      int end = k + filtersPerGroup;
      while (k < end) {
        int left = end - k;
        int s = left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
        first[count] = k;
        size[count] = s;
        count++;
        k += s;
      }
    }
    blockFirst = java.util.Arrays.copyOf(first, count);
    blockSize = java.util.Arrays.copyOf(size, count);
    blockWeights = new int[count];
    packedWeights = new float[filters * taps];
    int at = 0;
    for (int b = 0; b < count; b++) {
      blockWeights[b] = at;
      for (int t = 0; t < taps; t++) {
        for (int i = 0; i < blockSize[b]; i++) {
          packedWeights[at++] = weight[(blockFirst[b] + i) * taps + t];
        }
      }
    }
  }

  /** Lanes per vector on this JVM; probing it also proves the incubator module links. */
  static int lanes() {
    return VL;
  }

  @Override
  public void convolve(
      float[] input, int inHeight, int inWidth, float[] output, int outHeight, int outWidth) {
    bind(inHeight, inWidth);
    float[] src =
        strideHeight == 1 && strideWidth == 1 ? input : splitPhases(input, inHeight, inWidth);
    this.output = output;
    this.outPlane = outHeight * outWidth;
    this.outWidth = outWidth;
    try {
      int wv = phaseWidth;
      int last = (outHeight - 1) * wv + outWidth; // one past the last flat position
      if (last < VL) {
        scalar(src, outHeight, outWidth);
        return;
      }
      long rowVectors = outWidth >= VL ? (long) outHeight * ((outWidth + VL - 1) / VL) : Long.MAX_VALUE;
      long flatVectors = (last + VL - 1) / VL;
      boolean rowMode = rowVectors <= flatVectors;
      long rowBytes = 4L * channels * strideHeight * inWidth;
      int bandRows = (int) Math.max(1, Math.min(outHeight, BAND_BYTES / rowBytes));
      for (int oy0 = 0; oy0 < outHeight; oy0 += bandRows) {
        int oy1 = Math.min(outHeight, oy0 + bandRows);
        int n = rowMode ? rowPositions(oy0, oy1) : flatPositions(oy0, oy1, last);
        sweep(src, n);
      }
    } finally {
      this.output = null;
    }
  }

  /** Runs every filter block over positions [0, n) of the current band. */
  private void sweep(float[] src, int n) {
    for (int b = 0; b < blockFirst.length; b++) {
      int k0 = blockFirst[b];
      int inBase = (k0 / filtersPerGroup) * groupStride;
      int wBase = blockWeights[b];
      switch (blockSize[b]) {
        case 8:
          for (int j = 0; j < n; j += 3) {
            block8x3(src, inBase, wBase, k0, j);
          }
          break;
        case 4:
          for (int j = 0; j < n; j += 6) {
            block4x6(src, inBase, wBase, k0, j);
          }
          break;
        case 2:
          for (int j = 0; j < n; j += 12) {
            block2x12(src, inBase, wBase, k0, j);
          }
          break;
        default:
          for (int j = 0; j < n; j += 12) {
            block1x12(src, inBase, wBase, k0, j);
          }
      }
    }
  }

  /** Recomputes the phase-plane geometry and tap offsets when the window size changes. */
  private void bind(int inHeight, int inWidth) {
    if (inHeight == boundHeight && inWidth == boundWidth) {
      return;
    }
    phaseHeight = (inHeight + strideHeight - 1) / strideHeight;
    phaseWidth = (inWidth + strideWidth - 1) / strideWidth;
    int plane = phaseHeight * phaseWidth;
    int phasesPerChannel = strideHeight * strideWidth;
    groupStride = channelsPerGroup * phasesPerChannel * plane;
    int t = 0;
    for (int c = 0; c < channelsPerGroup; c++) {
      for (int ky = 0; ky < kernelHeight; ky++) {
        int y = ky * dilationHeight;
        for (int kx = 0; kx < kernelWidth; kx++) {
          int x = kx * dilationWidth;
          int phase = (c * strideHeight + y % strideHeight) * strideWidth + x % strideWidth;
          tapOffsets[t++] = phase * plane + (y / strideHeight) * phaseWidth + x / strideWidth;
        }
      }
    }
    boundHeight = inHeight;
    boundWidth = inWidth;
  }

  /**
   * Copies the window into phase planes [c][py][px][y'][x'] = input[c][y'·sh + py][x'·sw + px],
   * zero where that lies past the window (those values only reach discarded lanes).
   */
  private float[] splitPhases(float[] input, int inHeight, int inWidth) {
    int sh = strideHeight;
    int sw = strideWidth;
    int hv = phaseHeight;
    int wv = phaseWidth;
    int size = channels * sh * sw * hv * wv;
    if (phases.length < size) {
      phases = new float[size];
    }
    float[] dst = phases;
    int d = 0;
    for (int c = 0; c < channels; c++) {
      for (int py = 0; py < sh; py++) {
        for (int px = 0; px < sw; px++) {
          for (int yv = 0; yv < hv; yv++) {
            int y = yv * sh + py;
            if (y >= inHeight) {
              java.util.Arrays.fill(dst, d, d + wv, 0f);
              d += wv;
              continue;
            }
            int row = (c * inHeight + y) * inWidth + px;
            int full = (inWidth - px + sw - 1) / sw; // columns x' with x'·sw + px < inWidth
            for (int xv = 0; xv < full; xv++) {
              dst[d + xv] = input[row + xv * sw];
            }
            java.util.Arrays.fill(dst, d + full, d + wv, 0f);
            d += wv;
          }
        }
      }
    }
    return dst;
  }

  /** Row mode: vectors at ox = 0, VL, … of each row, the last one ending at the row's end. */
  private int rowPositions(int oy0, int oy1) {
    int perRow = (outWidth + VL - 1) / VL;
    int n = ensurePositions((oy1 - oy0) * perRow);
    int j = 0;
    for (int oy = oy0; oy < oy1; oy++) {
      int p = oy * phaseWidth;
      int o = oy * outWidth;
      for (int ox = 0; ox < perRow; ox++) {
        int x = Math.min(ox * VL, outWidth - VL);
        positions[j] = p + x;
        outOffsets[j] = o + x;
        j++;
      }
    }
    return pad(j, n);
  }

  /** Flat mode: vectors at every VL-th flat position of the band, the last one ending at its end. */
  private int flatPositions(int oy0, int oy1, int last) {
    int a = oy0 * phaseWidth;
    int b = Math.min(last, oy1 * phaseWidth);
    int n = ensurePositions((b - a + VL - 1) / VL);
    int j = 0;
    for (int p = a; p < b; p += VL) {
      int q = Math.min(p, last - VL); // never read past the last real position
      positions[j] = q;
      int oy = q / phaseWidth;
      int ox = q - oy * phaseWidth;
      outOffsets[j] = ox + VL <= outWidth ? oy * outWidth + ox : -1;
      j++;
    }
    return pad(j, n);
  }

  private int ensurePositions(int count) {
    int capacity = (count + POSITION_GROUP - 1) / POSITION_GROUP * POSITION_GROUP;
    if (positions.length < capacity) {
      positions = new int[capacity];
      outOffsets = new int[capacity];
    }
    return capacity;
  }

  /** Repeats the last position up to a whole group: the repeats store the same values again. */
  private int pad(int used, int capacity) {
    for (int j = used; j < capacity; j++) {
      positions[j] = positions[used - 1];
      outOffsets[j] = outOffsets[used - 1];
    }
    return capacity;
  }

  /**
   * The epilogue of a block: bias, then relu or leaky_relu, then the one store of each accumulator
   * that a micro-kernel left in {@link #tile} (filter i, vector q at (i·vectors + q)·VL). A loop in
   * its own method rather than code repeated in each micro-kernel: C2 stops inlining once a method
   * grows past its node budget, and an accumulator passed to a method that is not inlined is
   * boxed. The detour through the tile costs one L1 store and load per accumulator.
   */
  private void finish(int blockFilters, int vectors, int k0, int j) {
    final float[] t = tile;
    for (int i = 0; i < blockFilters; i++) {
      final int k = k0 + i;
      final float b = bias[k];
      final int plane = k * outPlane;
      for (int q = 0; q < vectors; q++) {
        FloatVector v = FloatVector.fromArray(S, t, (i * vectors + q) * VL).add(b);
        if (activationCode == ACT_RELU) {
          // v <= 0 → +0; NaN and positives pass: exactly Activation's scalar relu, -0 included.
          v = v.blend(0f, v.compare(VectorOperators.LE, 0f));
        } else if (activationCode == ACT_LEAKY) {
          v = v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f));
        }
        final int o = outOffsets[j + q];
        if (o >= 0) {
          v.intoArray(output, plane + o);
          if (activationCode == ACT_SCALAR) {
            activation.apply(output, plane + o, plane + o + VL);
          }
        } else {
          scatter(v, k, positions[j + q]);
        }
      }
    }
  }

  /** Stores the lanes of a flat-mode vector that land on real outputs, skipping halo columns. */
  private void scatter(FloatVector v, int k, int p) {
    v.intoArray(lanes, 0);
    int wv = phaseWidth;
    int base = k * outPlane;
    for (int l = 0; l < VL; l++) {
      int q = p + l;
      int oy = q / wv;
      int ox = q - oy * wv;
      if (ox < outWidth) {
        int at = base + oy * outWidth + ox;
        output[at] = lanes[l];
        if (activationCode == ACT_SCALAR) {
          activation.apply(output, at, at + 1);
        }
      }
    }
  }

  /** Windows with fewer outputs than one vector: the same order of FMAs, one output at a time. */
  private void scalar(float[] src, int outHeight, int outWidth) {
    int taps = tapOffsets.length;
    for (int k = 0; k < filters; k++) {
      int inBase = (k / filtersPerGroup) * groupStride;
      int w0 = k * taps;
      for (int oy = 0; oy < outHeight; oy++) {
        for (int ox = 0; ox < outWidth; ox++) {
          int p = inBase + oy * phaseWidth + ox;
          float acc = 0f;
          for (int t = 0; t < taps; t++) {
            acc = Math.fma(weight[w0 + t], src[p + tapOffsets[t]], acc);
          }
          float v = acc + bias[k];
          if (activationCode == ACT_RELU) {
            v = v > 0f ? v : (v != v ? v : 0f);
          } else if (activationCode == ACT_LEAKY) {
            v = v >= 0f ? v : v * alpha;
          }
          int at = (k * outHeight + oy) * outWidth + ox;
          output[at] = v;
          if (activationCode == ACT_SCALAR) {
            activation.apply(output, at, at + 1);
          }
        }
      }
    }
  }

  // The micro-kernels. Each keeps its accumulators in named locals (C2 keeps them in registers;
  // an array of vectors would not be). Tap loop outermost inside the block: one pass over the
  // taps produces finished outputs, so nothing is reloaded or stored before the epilogue.

  /** 8 filters × 3 vectors: 24 accumulators; per tap 3 loads and 8 broadcasts feed 24 FMAs. */
  private void block8x3(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    final int p2 = pos[j + 2];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero;
    FloatVector a2_0 = zero, a2_1 = zero, a2_2 = zero;
    FloatVector a3_0 = zero, a3_1 = zero, a3_2 = zero;
    FloatVector a4_0 = zero, a4_1 = zero, a4_2 = zero;
    FloatVector a5_0 = zero, a5_1 = zero, a5_2 = zero;
    FloatVector a6_0 = zero, a6_1 = zero, a6_2 = zero;
    FloatVector a7_0 = zero, a7_1 = zero, a7_2 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 8) {
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector x2 = FloatVector.fromArray(S, src, off + p2);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      a0_2 = b0.fma(x2, a0_2);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      a1_2 = b1.fma(x2, a1_2);
      final FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
      a2_0 = b2.fma(x0, a2_0);
      a2_1 = b2.fma(x1, a2_1);
      a2_2 = b2.fma(x2, a2_2);
      final FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
      a3_0 = b3.fma(x0, a3_0);
      a3_1 = b3.fma(x1, a3_1);
      a3_2 = b3.fma(x2, a3_2);
      final FloatVector b4 = FloatVector.broadcast(S, w[wi + 4]);
      a4_0 = b4.fma(x0, a4_0);
      a4_1 = b4.fma(x1, a4_1);
      a4_2 = b4.fma(x2, a4_2);
      final FloatVector b5 = FloatVector.broadcast(S, w[wi + 5]);
      a5_0 = b5.fma(x0, a5_0);
      a5_1 = b5.fma(x1, a5_1);
      a5_2 = b5.fma(x2, a5_2);
      final FloatVector b6 = FloatVector.broadcast(S, w[wi + 6]);
      a6_0 = b6.fma(x0, a6_0);
      a6_1 = b6.fma(x1, a6_1);
      a6_2 = b6.fma(x2, a6_2);
      final FloatVector b7 = FloatVector.broadcast(S, w[wi + 7]);
      a7_0 = b7.fma(x0, a7_0);
      a7_1 = b7.fma(x1, a7_1);
      a7_2 = b7.fma(x2, a7_2);
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a0_2.intoArray(out, 2 * VL);
    a1_0.intoArray(out, 3 * VL);
    a1_1.intoArray(out, 4 * VL);
    a1_2.intoArray(out, 5 * VL);
    a2_0.intoArray(out, 6 * VL);
    a2_1.intoArray(out, 7 * VL);
    a2_2.intoArray(out, 8 * VL);
    a3_0.intoArray(out, 9 * VL);
    a3_1.intoArray(out, 10 * VL);
    a3_2.intoArray(out, 11 * VL);
    a4_0.intoArray(out, 12 * VL);
    a4_1.intoArray(out, 13 * VL);
    a4_2.intoArray(out, 14 * VL);
    a5_0.intoArray(out, 15 * VL);
    a5_1.intoArray(out, 16 * VL);
    a5_2.intoArray(out, 17 * VL);
    a6_0.intoArray(out, 18 * VL);
    a6_1.intoArray(out, 19 * VL);
    a6_2.intoArray(out, 20 * VL);
    a7_0.intoArray(out, 21 * VL);
    a7_1.intoArray(out, 22 * VL);
    a7_2.intoArray(out, 23 * VL);
    finish(8, 3, k0, j);
  }

  /** 4 filters × 6 vectors: 24 accumulators; per tap 6 loads and 4 broadcasts feed 24 FMAs. */
  private void block4x6(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    final int p2 = pos[j + 2];
    final int p3 = pos[j + 3];
    final int p4 = pos[j + 4];
    final int p5 = pos[j + 5];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero, a0_5 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero, a1_3 = zero, a1_4 = zero, a1_5 = zero;
    FloatVector a2_0 = zero, a2_1 = zero, a2_2 = zero, a2_3 = zero, a2_4 = zero, a2_5 = zero;
    FloatVector a3_0 = zero, a3_1 = zero, a3_2 = zero, a3_3 = zero, a3_4 = zero, a3_5 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 4) {
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector x2 = FloatVector.fromArray(S, src, off + p2);
      final FloatVector x3 = FloatVector.fromArray(S, src, off + p3);
      final FloatVector x4 = FloatVector.fromArray(S, src, off + p4);
      final FloatVector x5 = FloatVector.fromArray(S, src, off + p5);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      a0_2 = b0.fma(x2, a0_2);
      a0_3 = b0.fma(x3, a0_3);
      a0_4 = b0.fma(x4, a0_4);
      a0_5 = b0.fma(x5, a0_5);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      a1_2 = b1.fma(x2, a1_2);
      a1_3 = b1.fma(x3, a1_3);
      a1_4 = b1.fma(x4, a1_4);
      a1_5 = b1.fma(x5, a1_5);
      final FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
      a2_0 = b2.fma(x0, a2_0);
      a2_1 = b2.fma(x1, a2_1);
      a2_2 = b2.fma(x2, a2_2);
      a2_3 = b2.fma(x3, a2_3);
      a2_4 = b2.fma(x4, a2_4);
      a2_5 = b2.fma(x5, a2_5);
      final FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
      a3_0 = b3.fma(x0, a3_0);
      a3_1 = b3.fma(x1, a3_1);
      a3_2 = b3.fma(x2, a3_2);
      a3_3 = b3.fma(x3, a3_3);
      a3_4 = b3.fma(x4, a3_4);
      a3_5 = b3.fma(x5, a3_5);
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a0_2.intoArray(out, 2 * VL);
    a0_3.intoArray(out, 3 * VL);
    a0_4.intoArray(out, 4 * VL);
    a0_5.intoArray(out, 5 * VL);
    a1_0.intoArray(out, 6 * VL);
    a1_1.intoArray(out, 7 * VL);
    a1_2.intoArray(out, 8 * VL);
    a1_3.intoArray(out, 9 * VL);
    a1_4.intoArray(out, 10 * VL);
    a1_5.intoArray(out, 11 * VL);
    a2_0.intoArray(out, 12 * VL);
    a2_1.intoArray(out, 13 * VL);
    a2_2.intoArray(out, 14 * VL);
    a2_3.intoArray(out, 15 * VL);
    a2_4.intoArray(out, 16 * VL);
    a2_5.intoArray(out, 17 * VL);
    a3_0.intoArray(out, 18 * VL);
    a3_1.intoArray(out, 19 * VL);
    a3_2.intoArray(out, 20 * VL);
    a3_3.intoArray(out, 21 * VL);
    a3_4.intoArray(out, 22 * VL);
    a3_5.intoArray(out, 23 * VL);
    finish(4, 6, k0, j);
  }

  /** 2 filters × 12 vectors: 24 accumulators; per tap 12 loads and 2 broadcasts feed 24 FMAs. */
  private void block2x12(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    final int p2 = pos[j + 2];
    final int p3 = pos[j + 3];
    final int p4 = pos[j + 4];
    final int p5 = pos[j + 5];
    final int p6 = pos[j + 6];
    final int p7 = pos[j + 7];
    final int p8 = pos[j + 8];
    final int p9 = pos[j + 9];
    final int p10 = pos[j + 10];
    final int p11 = pos[j + 11];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero, a0_5 = zero, a0_6 = zero, a0_7 = zero, a0_8 = zero, a0_9 = zero, a0_10 = zero, a0_11 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero, a1_3 = zero, a1_4 = zero, a1_5 = zero, a1_6 = zero, a1_7 = zero, a1_8 = zero, a1_9 = zero, a1_10 = zero, a1_11 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 2) {
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector x2 = FloatVector.fromArray(S, src, off + p2);
      final FloatVector x3 = FloatVector.fromArray(S, src, off + p3);
      final FloatVector x4 = FloatVector.fromArray(S, src, off + p4);
      final FloatVector x5 = FloatVector.fromArray(S, src, off + p5);
      final FloatVector x6 = FloatVector.fromArray(S, src, off + p6);
      final FloatVector x7 = FloatVector.fromArray(S, src, off + p7);
      final FloatVector x8 = FloatVector.fromArray(S, src, off + p8);
      final FloatVector x9 = FloatVector.fromArray(S, src, off + p9);
      final FloatVector x10 = FloatVector.fromArray(S, src, off + p10);
      final FloatVector x11 = FloatVector.fromArray(S, src, off + p11);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      a0_2 = b0.fma(x2, a0_2);
      a0_3 = b0.fma(x3, a0_3);
      a0_4 = b0.fma(x4, a0_4);
      a0_5 = b0.fma(x5, a0_5);
      a0_6 = b0.fma(x6, a0_6);
      a0_7 = b0.fma(x7, a0_7);
      a0_8 = b0.fma(x8, a0_8);
      a0_9 = b0.fma(x9, a0_9);
      a0_10 = b0.fma(x10, a0_10);
      a0_11 = b0.fma(x11, a0_11);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      a1_2 = b1.fma(x2, a1_2);
      a1_3 = b1.fma(x3, a1_3);
      a1_4 = b1.fma(x4, a1_4);
      a1_5 = b1.fma(x5, a1_5);
      a1_6 = b1.fma(x6, a1_6);
      a1_7 = b1.fma(x7, a1_7);
      a1_8 = b1.fma(x8, a1_8);
      a1_9 = b1.fma(x9, a1_9);
      a1_10 = b1.fma(x10, a1_10);
      a1_11 = b1.fma(x11, a1_11);
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a0_2.intoArray(out, 2 * VL);
    a0_3.intoArray(out, 3 * VL);
    a0_4.intoArray(out, 4 * VL);
    a0_5.intoArray(out, 5 * VL);
    a0_6.intoArray(out, 6 * VL);
    a0_7.intoArray(out, 7 * VL);
    a0_8.intoArray(out, 8 * VL);
    a0_9.intoArray(out, 9 * VL);
    a0_10.intoArray(out, 10 * VL);
    a0_11.intoArray(out, 11 * VL);
    a1_0.intoArray(out, 12 * VL);
    a1_1.intoArray(out, 13 * VL);
    a1_2.intoArray(out, 14 * VL);
    a1_3.intoArray(out, 15 * VL);
    a1_4.intoArray(out, 16 * VL);
    a1_5.intoArray(out, 17 * VL);
    a1_6.intoArray(out, 18 * VL);
    a1_7.intoArray(out, 19 * VL);
    a1_8.intoArray(out, 20 * VL);
    a1_9.intoArray(out, 21 * VL);
    a1_10.intoArray(out, 22 * VL);
    a1_11.intoArray(out, 23 * VL);
    finish(2, 12, k0, j);
  }

  /** 1 filter × 12 vectors: 12 independent FMA chains, enough to cover FMA latency on two pipes. */
  private void block1x12(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    final int p2 = pos[j + 2];
    final int p3 = pos[j + 3];
    final int p4 = pos[j + 4];
    final int p5 = pos[j + 5];
    final int p6 = pos[j + 6];
    final int p7 = pos[j + 7];
    final int p8 = pos[j + 8];
    final int p9 = pos[j + 9];
    final int p10 = pos[j + 10];
    final int p11 = pos[j + 11];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero, a0_5 = zero, a0_6 = zero, a0_7 = zero, a0_8 = zero, a0_9 = zero, a0_10 = zero, a0_11 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 1) {
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector x2 = FloatVector.fromArray(S, src, off + p2);
      final FloatVector x3 = FloatVector.fromArray(S, src, off + p3);
      final FloatVector x4 = FloatVector.fromArray(S, src, off + p4);
      final FloatVector x5 = FloatVector.fromArray(S, src, off + p5);
      final FloatVector x6 = FloatVector.fromArray(S, src, off + p6);
      final FloatVector x7 = FloatVector.fromArray(S, src, off + p7);
      final FloatVector x8 = FloatVector.fromArray(S, src, off + p8);
      final FloatVector x9 = FloatVector.fromArray(S, src, off + p9);
      final FloatVector x10 = FloatVector.fromArray(S, src, off + p10);
      final FloatVector x11 = FloatVector.fromArray(S, src, off + p11);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      a0_2 = b0.fma(x2, a0_2);
      a0_3 = b0.fma(x3, a0_3);
      a0_4 = b0.fma(x4, a0_4);
      a0_5 = b0.fma(x5, a0_5);
      a0_6 = b0.fma(x6, a0_6);
      a0_7 = b0.fma(x7, a0_7);
      a0_8 = b0.fma(x8, a0_8);
      a0_9 = b0.fma(x9, a0_9);
      a0_10 = b0.fma(x10, a0_10);
      a0_11 = b0.fma(x11, a0_11);
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a0_2.intoArray(out, 2 * VL);
    a0_3.intoArray(out, 3 * VL);
    a0_4.intoArray(out, 4 * VL);
    a0_5.intoArray(out, 5 * VL);
    a0_6.intoArray(out, 6 * VL);
    a0_7.intoArray(out, 7 * VL);
    a0_8.intoArray(out, 8 * VL);
    a0_9.intoArray(out, 9 * VL);
    a0_10.intoArray(out, 10 * VL);
    a0_11.intoArray(out, 11 * VL);
    finish(1, 12, k0, j);
  }
}
