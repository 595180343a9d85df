package io.haloconv.conv;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The kernel for deep and strided layers: lanes over <em>filters</em>, not output columns, on the
 * Vector API ({@code jdk.incubator.vector}).
 *
 * <h2>How the work is laid out</h2>
 *
 * <ul>
 *   <li><b>Filter lanes.</b> A vector holds one tap's weights for VL consecutive filters (a filter
 *       block, prepacked at construction as oneDNN's {@code OIhw16o}: block, tap, filter). Each
 *       input value is broadcast once and feeds one FMA per filter block. A micro-kernel keeps 2
 *       blocks × 14 positions = 28 accumulators; per tap that is 2 weight loads and 14 broadcasts
 *       (loads from L1) for 28 FMAs, where {@link VectorConvKernel}'s 8 × 3 block needs 11 loads
 *       for 24 FMAs and re-reads the input once per 8 filters. With 16 vector registers (AVX2) it
 *       keeps 2 blocks × 6 positions instead ({@link #P}).
 *   <li><b>Positions.</b> A block's 14 (or 6) positions are consecutive outputs of one output row,
 *       so their inputs are {@code stride} floats apart: constant offsets from one base, which C2
 *       folds into the addressing and whose range checks it merges (micro-kernels exist for strides
 *       1 and 2, so stride 2 needs no phase-split copy). The last block of a row is shifted left to
 *       end at the row's end and recomputes a few outputs, bitwise identically. When the window
 *       rows are exactly the output rows (stride 1, window as wide as the output: 1×1 layers, and
 *       k×1 ones), positions run flat across rows instead.
 *   <li><b>Order of the loops.</b> Position blocks outside, filter blocks inside: a position
 *       block's input (C × tap rows × ~16 floats) stays in L1 while every filter block passes over
 *       it, and the weights stream from L2.
 *   <li><b>Epilogue.</b> Bias (a vector of VL filters' biases) and relu are applied in registers;
 *       the accumulators go through a small tile to the K×H×W output (a transpose). Leaky_relu,
 *       sigmoid and tanh run through {@link Activation} over the finished output, as {@link
 *       DirectKernel} applies them after the bias.
 * </ul>
 *
 * <p>Each output value is {@code acc = 0; acc = fma(w, x, acc)} over channels, tap rows and tap
 * columns in that order (the tap loop is that order, and a lane is one filter), then {@code +
 * bias}, then the activation: the order of {@link ConvKernel}, so results are bitwise equal to
 * {@link DirectKernel} and independent of tiling and threading. Windows with rows narrower than the
 * short step (7 outputs, 4 with 16 registers) go to a {@link VectorConvKernel}, which keeps the
 * same order.
 *
 * <p>Takes specs with one group and a horizontal stride of 1 or 2 ({@link #supports}). Not
 * thread-safe: it keeps scratch arrays. Only {@link ConvKernels} refers to this class,
 * reflectively.
 */
final class FilterLaneKernel implements ConvKernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

  /**
   * Positions per micro-kernel. With 32 vector registers (AVX-512) and 2 filter blocks that is 28
   * accumulators, 2 weights and a broadcast: 31 of the 32. 4 blocks × 6 positions (fewer broadcasts
   * per FMA) measured 10–20% slower, and 4 × 7 does not fit. With 16 (AVX2) it is 2 × 6: 12
   * accumulators, 2 weights and a broadcast or two (C2 alternates two), which fits only because the
   * epilogue blends with the relu floor instead of a zero vector kept live past the loop (with the
   * zero, one accumulator went through the stack every tap and the kernel ran at half speed). Tap
   * rows of 3 taps per step (fewer range checks and loop steps per FMA) were slower in either form
   * C2 allows: with 2 × 6 it shares the broadcasts of one input between taps and spills, and 1
   * block × 8, 9 or 10 positions, taking each input once for all 3 taps, ran 3–25% slower than 2 ×
   * 6 on c64_56_3x3_b8 (2026-12-07).
   */
  private static final int P = VectorConvKernel.SIXTEEN_REGISTERS ? 6 : 14;

  /**
   * Positions of the short step that ends a run, and the fewest a run may have ({@link
   * #takesRuns}).
   */
  private static final int SHORT = P == 6 ? 4 : 7;

  /** Positions of a flat run: every filter group passes over them while they sit in L1. */
  private static final int FLAT_RUN = 42;

  private static final int ACT_NONE = 0;
  private static final int ACT_RELU = 1;

  /** leaky_relu, sigmoid, tanh: applied by {@link Activation} to the finished output. */
  private static final int ACT_AFTER = 2;

  private final FilterBank bank;
  private final ConvSpec spec;
  private final int filters;
  private final int channels;
  private final int kernelHeight;
  private final int kernelWidth;
  private final int strideHeight;
  private final int strideWidth;
  private final int dilationHeight;
  private final int dilationWidth;
  private final Activation activation;
  private final int activationCode;

  /** Values ≤ this become +0: 0 for relu; NaN, which no value is ≤, otherwise. */
  private final float reluFloor;

  /**
   * Filter blocks in groups of two (one for an odd last block): group g covers filters from
   * groupFirst[g], groupBlocks[g] blocks of VL, its weights packed from groupWeights[g] as [tap]
   * [block] [VL filters], zero past the last filter.
   */
  private final int[] groupFirst;

  private final int[] groupBlocks;
  private final int[] groupWeights;
  private final float[] packedWeights;

  /** Bias per filter, zero past the last one, so that a block's biases are one vector. */
  private final float[] packedBias;

  /** Offset of tap t = (c·Fh + ky)·Fw + kx from a position's input offset. */
  private final int[] tapOffsets;

  /** One micro-kernel's finished outputs: block i, position q, filter f at (i·P + q)·VL + f. */
  private final float[] tile = new float[2 * P * VL];

  private int boundHeight = -1;
  private int boundWidth = -1;
  private float[] output;
  private int outPlane;

  /** For windows whose rows are narrower than the short step; made on first use. */
  private ConvKernel narrow;

  FilterLaneKernel(FilterBank bank, ConvSpec spec) {
    spec.checkBank(bank);
    if (!supports(bank, spec)) {
      throw new IllegalArgumentException("filter-lane kernel cannot run " + spec);
    }
    this.bank = bank;
    this.spec = spec;
    filters = bank.filters();
    channels = bank.channelsPerGroup();
    kernelHeight = bank.kernelHeight();
    kernelWidth = bank.kernelWidth();
    strideHeight = spec.strideHeight();
    strideWidth = spec.strideWidth();
    dilationHeight = spec.dilationHeight();
    dilationWidth = spec.dilationWidth();
    activation = spec.activation();
    switch (activation.kind()) {
      case NONE:
        activationCode = ACT_NONE;
        break;
      case RELU:
        activationCode = ACT_RELU;
        break;
      default:
        activationCode = ACT_AFTER;
    }
    reluFloor = activationCode == ACT_RELU ? 0f : Float.NaN;
    int taps = channels * kernelHeight * kernelWidth;
    tapOffsets = new int[taps];
    int blocks = (filters + VL - 1) / VL;
    int groups = 0;
    for (int b = 0; b < blocks; groups++) {
      int left = blocks - b;
      b += left >= 2 ? 2 : 1;
    }
    groupFirst = new int[groups];
    groupBlocks = new int[groups];
    groupWeights = new int[groups];
    packedWeights = new float[blocks * VL * taps];
    packedBias = new float[blocks * VL];
    System.arraycopy(bank.bias(), 0, packedBias, 0, filters);
    float[] weight = bank.weight();
    int at = 0;
    for (int g = 0, b = 0; g < groups; g++) {
      int left = blocks - b;
      groupFirst[g] = b * VL;
      groupBlocks[g] = left >= 2 ? 2 : 1;
      groupWeights[g] = at;
      b += groupBlocks[g];
      for (int t = 0; t < taps; t++) {
        for (int i = 0; i < groupBlocks[g]; i++) {
          for (int f = 0; f < VL; f++) {
            int k = groupFirst[g] + i * VL + f;
            packedWeights[at++] = k < filters ? weight[k * taps + t] : 0f;
          }
        }
      }
    }
  }

  /** True for the specs this kernel runs: one group, horizontal stride 1 or 2. */
  static boolean supports(FilterBank bank, ConvSpec spec) {
    return spec.groups() == 1 && (spec.strideWidth() == 1 || spec.strideWidth() == 2);
  }

  /**
   * The rule {@link ConvKernels#create} follows: this kernel where it is faster than {@link
   * VectorConvKernel}, measured on the shapes in docs/performance.md.
   */
  static boolean preferred(FilterBank bank, ConvSpec spec) {
    if (!supports(bank, spec) || bank.filters() < VL) {
      return false;
    }
    // Per output the transpose to NCHW costs about a cycle, the FMAs C·Fh·Fw / 32 cycles: with
    // C ≥ 16 (144 taps and more for 3×3) the FMAs dominate; with 27 taps they do not.
    if (!VectorConvKernel.SIXTEEN_REGISTERS) {
      return bank.channelsPerGroup() >= 16;
    }
    // With 16 registers the output-column kernel's blocks are smaller and carry more loads and
    // range checks per FMA, so what counts is the taps per output, wherever they come from:
    // against its 6 × 2 block this kernel lost at 72 and 75 taps (8 channels 3×3, RGB 5×5: 0.91×,
    // 0.92×) and won at 144–576 (16 and 64 channels 3×3: 1.03–1.05×), 147 (the 7×7 RGB layer:
    // 1.06×) and 200 (8 channels 5×5: 1.08×), -XX:UseAVX=2, 2026-12-07.
    return bank.channelsPerGroup() * bank.kernelHeight() * bank.kernelWidth() >= 144;
  }

  /** Lanes per vector on this JVM. */
  static int lanes() {
    return VL;
  }

  /** Positions per micro-kernel on this JVM: 14 with 32 vector registers, 6 with 16. */
  static int positionsPerBlock() {
    return P;
  }

  @Override
  public void convolve(
      float[] input, int inHeight, int inWidth, float[] output, int outHeight, int outWidth) {
    boolean flat = strideHeight == 1 && strideWidth == 1 && inWidth == outWidth;
    if (!takesRuns(flat ? outHeight * outWidth : outWidth)) {
      if (narrow == null) {
        narrow = new VectorConvKernel(bank, spec);
      }
      narrow.convolve(input, inHeight, inWidth, output, outHeight, outWidth);
      return;
    }
    bind(inHeight, inWidth);
    this.output = output;
    this.outPlane = outHeight * outWidth;
    try {
      if (flat) {
        // Runs of FLAT_RUN positions (or all of them); the last one is what is left, in steps that
        // end exactly where they can (196 positions: 4 runs of 42 and one of 28, not a fifth run of
        // 42 shifted back over 14 done ones), or a full step shifted back where what is left is
        // too short for any: that recomputes some outputs, bitwise identically.
        int total = outPlane;
        for (int r0 = 0; r0 < total; r0 += FLAT_RUN) {
          int length = Math.min(FLAT_RUN, total - r0);
          int start = r0;
          if (!takesRuns(length)) {
            length = P;
            start = total - P;
          }
          run(input, start, start, length);
        }
      } else {
        int rowStep = strideHeight * inWidth;
        for (int oy = 0; oy < outHeight; oy++) {
          run(input, oy * rowStep, oy * outWidth, outWidth);
        }
      }
    } finally {
      this.output = null;
    }
    if (activationCode == ACT_AFTER) {
      activation.apply(output, 0, filters * outPlane);
    }
  }

  /**
   * Every filter group over a run of {@code length} ≥ P consecutive positions whose first input is
   * at {@code in} (the next ones {@code strideWidth} apart) and first output at {@code out}. Each
   * group steps through the run with its micro-kernel's positions, the last step shifted back to
   * end at the run's end.
   */
  private void run(float[] src, int in, int out, int length) {
    final int sw = strideWidth;
    for (int g = 0; g < groupFirst.length; g++) {
      final int k0 = groupFirst[g];
      final int w0 = groupWeights[g];
      final int blocks = groupBlocks[g];
      for (int q0 = 0; q0 < length; ) {
        final int positions = stepAt(q0, length);
        final int q = Math.min(q0, length - positions);
        step(src, in + q * sw, w0, k0, out + q, blocks, positions);
        q0 += positions;
      }
    }
  }

  /**
   * The positions of the step at {@code q0} of a run of {@code length} ≥ {@link #SHORT} outputs:
   * full steps of P while they fit; then, for a rest of at most SHORT outputs (or a run shorter
   * than P), a short step; otherwise a full step shifted back over outputs already done. The short
   * step (4 positions after 6-position ones, 7 after 14) spares most of the recomputing: rows of 14
   * outputs (c128_28_3x3_s2_b8) compute 16 outputs with 6-position steps, not 18; rows of 19
   * compute 21 with 14-position steps, not 28; rows of 7 (a 7² map) take one step of 7.
   */
  static int stepAt(int q0, int length) {
    int rest = length - q0;
    return rest >= P || (rest > SHORT && length >= P) ? P : SHORT;
  }

  /**
   * Whether runs of {@code length} outputs go through this kernel's steps rather than {@link
   * #narrow}: runs of a full step or more, runs of exactly one short step, and shorter runs whose
   * two short steps recompute at most a fifth more than the run. With 14-position steps that is
   * rows of 7, 12, 13 and 14 or more: 512 channels on 7² maps ran 2.1× faster than through the
   * output-column kernel, 256 channels on 13² 1.25× and on 12² 1.07×, while on 8², 10² and 11² they
   * ran 5–15 % slower (and on 9² 10 % faster, a measurement the rule does not follow; 1 thread,
   * AVX-512, 2026-12-07). With 6-position steps: rows of 4 and 6 or more.
   */
  static boolean takesRuns(int length) {
    return length >= P || length == SHORT || 10 * SHORT <= 6 * length;
  }

  /** One micro-kernel call: {@code blocks} filter blocks × {@code positions} positions. */
  private void step(float[] src, int base, int w0, int k0, int out, int blocks, int positions) {
    final boolean two = blocks == 2;
    if (positions == 14) {
      if (strideWidth == 1) {
        if (two) {
          s1b2p14(src, base, w0, k0, out);
        } else {
          s1b1p14(src, base, w0, k0, out);
        }
      } else if (two) {
        s2b2p14(src, base, w0, k0, out);
      } else {
        s2b1p14(src, base, w0, k0, out);
      }
    } else if (positions == 6) {
      if (strideWidth == 1) {
        if (two) {
          s1b2p6(src, base, w0, k0, out);
        } else {
          s1b1p6(src, base, w0, k0, out);
        }
      } else if (two) {
        s2b2p6(src, base, w0, k0, out);
      } else {
        s2b1p6(src, base, w0, k0, out);
      }
    } else if (positions == 7) {
      if (strideWidth == 1) {
        if (two) {
          s1b2p7(src, base, w0, k0, out);
        } else {
          s1b1p7(src, base, w0, k0, out);
        }
      } else if (two) {
        s2b2p7(src, base, w0, k0, out);
      } else {
        s2b1p7(src, base, w0, k0, out);
      }
    } else if (strideWidth == 1) {
      if (two) {
        s1b2p4(src, base, w0, k0, out);
      } else {
        s1b1p4(src, base, w0, k0, out);
      }
    } else if (two) {
      s2b2p4(src, base, w0, k0, out);
    } else {
      s2b1p4(src, base, w0, k0, out);
    }
  }

  /** Recomputes the tap offsets when the window size changes. */
  private void bind(int inHeight, int inWidth) {
    if (inHeight == boundHeight && inWidth == boundWidth) {
      return;
    }
    int t = 0;
    for (int c = 0; c < channels; c++) {
      for (int ky = 0; ky < kernelHeight; ky++) {
        for (int kx = 0; kx < kernelWidth; kx++) {
          tapOffsets[t++] = (c * inHeight + ky * dilationHeight) * inWidth + kx * dilationWidth;
        }
      }
    }
    boundHeight = inHeight;
    boundWidth = inWidth;
  }

  /**
   * Moves a micro-kernel's tile to the K×H×W output: block i's filter f, position q goes to
   * output[(k0 + i·VL + f)·plane + out + q]. Filters past the last (zero padding of the packed
   * weights) are dropped.
   */
  private void scatter14(int k0, int blocks, int out) {
    final float[] t = tile;
    final float[] o = output;
    for (int i = 0; i < blocks; i++) {
      final int kb = k0 + i * VL;
      final int valid = Math.min(VL, filters - kb);
      for (int f = 0; f < valid; f++) {
        // Unrolled over the 14 positions: constant offsets, whose range checks C2 merges.
        final int d = (kb + f) * outPlane + out;
        final int s = i * P * VL + f;
        o[d] = t[s];
        o[d + 1] = t[s + 1 * VL];
        o[d + 2] = t[s + 2 * VL];
        o[d + 3] = t[s + 3 * VL];
        o[d + 4] = t[s + 4 * VL];
        o[d + 5] = t[s + 5 * VL];
        o[d + 6] = t[s + 6 * VL];
        o[d + 7] = t[s + 7 * VL];
        o[d + 8] = t[s + 8 * VL];
        o[d + 9] = t[s + 9 * VL];
        o[d + 10] = t[s + 10 * VL];
        o[d + 11] = t[s + 11 * VL];
        o[d + 12] = t[s + 12 * VL];
        o[d + 13] = t[s + 13 * VL];
      }
    }
  }

  /** {@link #scatter14} for 6 positions. */
  private void scatter6(int k0, int blocks, int out) {
    final float[] t = tile;
    final float[] o = output;
    for (int i = 0; i < blocks; i++) {
      final int kb = k0 + i * VL;
      final int valid = Math.min(VL, filters - kb);
      for (int f = 0; f < valid; f++) {
        final int d = (kb + f) * outPlane + out;
        final int s = i * 6 * VL + f;
        o[d] = t[s];
        o[d + 1] = t[s + 1 * VL];
        o[d + 2] = t[s + 2 * VL];
        o[d + 3] = t[s + 3 * VL];
        o[d + 4] = t[s + 4 * VL];
        o[d + 5] = t[s + 5 * VL];
      }
    }
  }

  /**
   * {@link #scatter14} for a run's short step ({@code positions} of 4 or 7), at most two per run
   * and filter group: a plain loop, where the full steps' scatters are unrolled.
   */
  private void scatterLast(int k0, int blocks, int out, int positions) {
    final float[] t = tile;
    final float[] o = output;
    for (int i = 0; i < blocks; i++) {
      final int kb = k0 + i * VL;
      final int valid = Math.min(VL, filters - kb);
      for (int f = 0; f < valid; f++) {
        final int d = (kb + f) * outPlane + out;
        final int s = i * positions * VL + f;
        for (int q = 0; q < positions; q++) {
          o[d + q] = t[s + q * VL];
        }
      }
    }
  }

  // The micro-kernels, generated (one per stride, block count and position count): named locals
  // for the accumulators, which C2 keeps in registers; the tap loop outermost, so one pass over
  // the taps finishes the outputs. The 6-position ones, for 16 registers, index the weights as a
  // linear function of the tap (C2 then drops their range checks) and blend relu's zeros from
  // the floor vector (see P).

  /** 2 block(s) of VL filters × 14 positions 1 input column(s) apart: 28 accumulators. */
  private void s1b2p14(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero,
        a0_7 = zero,
        a0_8 = zero,
        a0_9 = zero,
        a0_10 = zero,
        a0_11 = zero,
        a0_12 = zero,
        a0_13 = zero;
    FloatVector a1_0 = zero,
        a1_1 = zero,
        a1_2 = zero,
        a1_3 = zero,
        a1_4 = zero,
        a1_5 = zero,
        a1_6 = zero,
        a1_7 = zero,
        a1_8 = zero,
        a1_9 = zero,
        a1_10 = zero,
        a1_11 = zero,
        a1_12 = zero,
        a1_13 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 2 * VL) {
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 4]);
      a0_4 = w0.fma(x4, a0_4);
      a1_4 = w1.fma(x4, a1_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 5]);
      a0_5 = w0.fma(x5, a0_5);
      a1_5 = w1.fma(x5, a1_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 6]);
      a0_6 = w0.fma(x6, a0_6);
      a1_6 = w1.fma(x6, a1_6);
      final FloatVector x7 = FloatVector.broadcast(S, src[off + 7]);
      a0_7 = w0.fma(x7, a0_7);
      a1_7 = w1.fma(x7, a1_7);
      final FloatVector x8 = FloatVector.broadcast(S, src[off + 8]);
      a0_8 = w0.fma(x8, a0_8);
      a1_8 = w1.fma(x8, a1_8);
      final FloatVector x9 = FloatVector.broadcast(S, src[off + 9]);
      a0_9 = w0.fma(x9, a0_9);
      a1_9 = w1.fma(x9, a1_9);
      final FloatVector x10 = FloatVector.broadcast(S, src[off + 10]);
      a0_10 = w0.fma(x10, a0_10);
      a1_10 = w1.fma(x10, a1_10);
      final FloatVector x11 = FloatVector.broadcast(S, src[off + 11]);
      a0_11 = w0.fma(x11, a0_11);
      a1_11 = w1.fma(x11, a1_11);
      final FloatVector x12 = FloatVector.broadcast(S, src[off + 12]);
      a0_12 = w0.fma(x12, a0_12);
      a1_12 = w1.fma(x12, a1_12);
      final FloatVector x13 = FloatVector.broadcast(S, src[off + 13]);
      a0_13 = w0.fma(x13, a0_13);
      a1_13 = w1.fma(x13, a1_13);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(zero, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(zero, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(zero, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(zero, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r0_7 = a0_7.add(c0);
    r0_7.blend(zero, r0_7.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r0_8 = a0_8.add(c0);
    r0_8.blend(zero, r0_8.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r0_9 = a0_9.add(c0);
    r0_9.blend(zero, r0_9.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r0_10 = a0_10.add(c0);
    r0_10.blend(zero, r0_10.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r0_11 = a0_11.add(c0);
    r0_11.blend(zero, r0_11.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    final FloatVector r0_12 = a0_12.add(c0);
    r0_12.blend(zero, r0_12.compare(VectorOperators.LE, floor)).intoArray(tl, 12 * VL);
    final FloatVector r0_13 = a0_13.add(c0);
    r0_13.blend(zero, r0_13.compare(VectorOperators.LE, floor)).intoArray(tl, 13 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 14 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 15 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(zero, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 16 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(zero, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 17 * VL);
    final FloatVector r1_4 = a1_4.add(c1);
    r1_4.blend(zero, r1_4.compare(VectorOperators.LE, floor)).intoArray(tl, 18 * VL);
    final FloatVector r1_5 = a1_5.add(c1);
    r1_5.blend(zero, r1_5.compare(VectorOperators.LE, floor)).intoArray(tl, 19 * VL);
    final FloatVector r1_6 = a1_6.add(c1);
    r1_6.blend(zero, r1_6.compare(VectorOperators.LE, floor)).intoArray(tl, 20 * VL);
    final FloatVector r1_7 = a1_7.add(c1);
    r1_7.blend(zero, r1_7.compare(VectorOperators.LE, floor)).intoArray(tl, 21 * VL);
    final FloatVector r1_8 = a1_8.add(c1);
    r1_8.blend(zero, r1_8.compare(VectorOperators.LE, floor)).intoArray(tl, 22 * VL);
    final FloatVector r1_9 = a1_9.add(c1);
    r1_9.blend(zero, r1_9.compare(VectorOperators.LE, floor)).intoArray(tl, 23 * VL);
    final FloatVector r1_10 = a1_10.add(c1);
    r1_10.blend(zero, r1_10.compare(VectorOperators.LE, floor)).intoArray(tl, 24 * VL);
    final FloatVector r1_11 = a1_11.add(c1);
    r1_11.blend(zero, r1_11.compare(VectorOperators.LE, floor)).intoArray(tl, 25 * VL);
    final FloatVector r1_12 = a1_12.add(c1);
    r1_12.blend(zero, r1_12.compare(VectorOperators.LE, floor)).intoArray(tl, 26 * VL);
    final FloatVector r1_13 = a1_13.add(c1);
    r1_13.blend(zero, r1_13.compare(VectorOperators.LE, floor)).intoArray(tl, 27 * VL);
    scatter14(k0, 2, out);
  }

  /** 1 block(s) of VL filters × 14 positions 1 input column(s) apart: 14 accumulators. */
  private void s1b1p14(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero,
        a0_7 = zero,
        a0_8 = zero,
        a0_9 = zero,
        a0_10 = zero,
        a0_11 = zero,
        a0_12 = zero,
        a0_13 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 1 * VL) {
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 4]);
      a0_4 = w0.fma(x4, a0_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 5]);
      a0_5 = w0.fma(x5, a0_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 6]);
      a0_6 = w0.fma(x6, a0_6);
      final FloatVector x7 = FloatVector.broadcast(S, src[off + 7]);
      a0_7 = w0.fma(x7, a0_7);
      final FloatVector x8 = FloatVector.broadcast(S, src[off + 8]);
      a0_8 = w0.fma(x8, a0_8);
      final FloatVector x9 = FloatVector.broadcast(S, src[off + 9]);
      a0_9 = w0.fma(x9, a0_9);
      final FloatVector x10 = FloatVector.broadcast(S, src[off + 10]);
      a0_10 = w0.fma(x10, a0_10);
      final FloatVector x11 = FloatVector.broadcast(S, src[off + 11]);
      a0_11 = w0.fma(x11, a0_11);
      final FloatVector x12 = FloatVector.broadcast(S, src[off + 12]);
      a0_12 = w0.fma(x12, a0_12);
      final FloatVector x13 = FloatVector.broadcast(S, src[off + 13]);
      a0_13 = w0.fma(x13, a0_13);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(zero, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(zero, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(zero, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(zero, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r0_7 = a0_7.add(c0);
    r0_7.blend(zero, r0_7.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r0_8 = a0_8.add(c0);
    r0_8.blend(zero, r0_8.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r0_9 = a0_9.add(c0);
    r0_9.blend(zero, r0_9.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r0_10 = a0_10.add(c0);
    r0_10.blend(zero, r0_10.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r0_11 = a0_11.add(c0);
    r0_11.blend(zero, r0_11.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    final FloatVector r0_12 = a0_12.add(c0);
    r0_12.blend(zero, r0_12.compare(VectorOperators.LE, floor)).intoArray(tl, 12 * VL);
    final FloatVector r0_13 = a0_13.add(c0);
    r0_13.blend(zero, r0_13.compare(VectorOperators.LE, floor)).intoArray(tl, 13 * VL);
    scatter14(k0, 1, out);
  }

  /** 2 block(s) of VL filters × 14 positions 2 input column(s) apart: 28 accumulators. */
  private void s2b2p14(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero,
        a0_7 = zero,
        a0_8 = zero,
        a0_9 = zero,
        a0_10 = zero,
        a0_11 = zero,
        a0_12 = zero,
        a0_13 = zero;
    FloatVector a1_0 = zero,
        a1_1 = zero,
        a1_2 = zero,
        a1_3 = zero,
        a1_4 = zero,
        a1_5 = zero,
        a1_6 = zero,
        a1_7 = zero,
        a1_8 = zero,
        a1_9 = zero,
        a1_10 = zero,
        a1_11 = zero,
        a1_12 = zero,
        a1_13 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 2 * VL) {
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 8]);
      a0_4 = w0.fma(x4, a0_4);
      a1_4 = w1.fma(x4, a1_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 10]);
      a0_5 = w0.fma(x5, a0_5);
      a1_5 = w1.fma(x5, a1_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 12]);
      a0_6 = w0.fma(x6, a0_6);
      a1_6 = w1.fma(x6, a1_6);
      final FloatVector x7 = FloatVector.broadcast(S, src[off + 14]);
      a0_7 = w0.fma(x7, a0_7);
      a1_7 = w1.fma(x7, a1_7);
      final FloatVector x8 = FloatVector.broadcast(S, src[off + 16]);
      a0_8 = w0.fma(x8, a0_8);
      a1_8 = w1.fma(x8, a1_8);
      final FloatVector x9 = FloatVector.broadcast(S, src[off + 18]);
      a0_9 = w0.fma(x9, a0_9);
      a1_9 = w1.fma(x9, a1_9);
      final FloatVector x10 = FloatVector.broadcast(S, src[off + 20]);
      a0_10 = w0.fma(x10, a0_10);
      a1_10 = w1.fma(x10, a1_10);
      final FloatVector x11 = FloatVector.broadcast(S, src[off + 22]);
      a0_11 = w0.fma(x11, a0_11);
      a1_11 = w1.fma(x11, a1_11);
      final FloatVector x12 = FloatVector.broadcast(S, src[off + 24]);
      a0_12 = w0.fma(x12, a0_12);
      a1_12 = w1.fma(x12, a1_12);
      final FloatVector x13 = FloatVector.broadcast(S, src[off + 26]);
      a0_13 = w0.fma(x13, a0_13);
      a1_13 = w1.fma(x13, a1_13);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(zero, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(zero, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(zero, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(zero, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r0_7 = a0_7.add(c0);
    r0_7.blend(zero, r0_7.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r0_8 = a0_8.add(c0);
    r0_8.blend(zero, r0_8.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r0_9 = a0_9.add(c0);
    r0_9.blend(zero, r0_9.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r0_10 = a0_10.add(c0);
    r0_10.blend(zero, r0_10.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r0_11 = a0_11.add(c0);
    r0_11.blend(zero, r0_11.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    final FloatVector r0_12 = a0_12.add(c0);
    r0_12.blend(zero, r0_12.compare(VectorOperators.LE, floor)).intoArray(tl, 12 * VL);
    final FloatVector r0_13 = a0_13.add(c0);
    r0_13.blend(zero, r0_13.compare(VectorOperators.LE, floor)).intoArray(tl, 13 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 14 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 15 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(zero, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 16 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(zero, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 17 * VL);
    final FloatVector r1_4 = a1_4.add(c1);
    r1_4.blend(zero, r1_4.compare(VectorOperators.LE, floor)).intoArray(tl, 18 * VL);
    final FloatVector r1_5 = a1_5.add(c1);
    r1_5.blend(zero, r1_5.compare(VectorOperators.LE, floor)).intoArray(tl, 19 * VL);
    final FloatVector r1_6 = a1_6.add(c1);
    r1_6.blend(zero, r1_6.compare(VectorOperators.LE, floor)).intoArray(tl, 20 * VL);
    final FloatVector r1_7 = a1_7.add(c1);
    r1_7.blend(zero, r1_7.compare(VectorOperators.LE, floor)).intoArray(tl, 21 * VL);
    final FloatVector r1_8 = a1_8.add(c1);
    r1_8.blend(zero, r1_8.compare(VectorOperators.LE, floor)).intoArray(tl, 22 * VL);
    final FloatVector r1_9 = a1_9.add(c1);
    r1_9.blend(zero, r1_9.compare(VectorOperators.LE, floor)).intoArray(tl, 23 * VL);
    final FloatVector r1_10 = a1_10.add(c1);
    r1_10.blend(zero, r1_10.compare(VectorOperators.LE, floor)).intoArray(tl, 24 * VL);
    final FloatVector r1_11 = a1_11.add(c1);
    r1_11.blend(zero, r1_11.compare(VectorOperators.LE, floor)).intoArray(tl, 25 * VL);
    final FloatVector r1_12 = a1_12.add(c1);
    r1_12.blend(zero, r1_12.compare(VectorOperators.LE, floor)).intoArray(tl, 26 * VL);
    final FloatVector r1_13 = a1_13.add(c1);
    r1_13.blend(zero, r1_13.compare(VectorOperators.LE, floor)).intoArray(tl, 27 * VL);
    scatter14(k0, 2, out);
  }

  /** 1 block(s) of VL filters × 14 positions 2 input column(s) apart: 14 accumulators. */
  private void s2b1p14(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero,
        a0_7 = zero,
        a0_8 = zero,
        a0_9 = zero,
        a0_10 = zero,
        a0_11 = zero,
        a0_12 = zero,
        a0_13 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 1 * VL) {
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 8]);
      a0_4 = w0.fma(x4, a0_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 10]);
      a0_5 = w0.fma(x5, a0_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 12]);
      a0_6 = w0.fma(x6, a0_6);
      final FloatVector x7 = FloatVector.broadcast(S, src[off + 14]);
      a0_7 = w0.fma(x7, a0_7);
      final FloatVector x8 = FloatVector.broadcast(S, src[off + 16]);
      a0_8 = w0.fma(x8, a0_8);
      final FloatVector x9 = FloatVector.broadcast(S, src[off + 18]);
      a0_9 = w0.fma(x9, a0_9);
      final FloatVector x10 = FloatVector.broadcast(S, src[off + 20]);
      a0_10 = w0.fma(x10, a0_10);
      final FloatVector x11 = FloatVector.broadcast(S, src[off + 22]);
      a0_11 = w0.fma(x11, a0_11);
      final FloatVector x12 = FloatVector.broadcast(S, src[off + 24]);
      a0_12 = w0.fma(x12, a0_12);
      final FloatVector x13 = FloatVector.broadcast(S, src[off + 26]);
      a0_13 = w0.fma(x13, a0_13);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(zero, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(zero, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(zero, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(zero, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r0_7 = a0_7.add(c0);
    r0_7.blend(zero, r0_7.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r0_8 = a0_8.add(c0);
    r0_8.blend(zero, r0_8.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r0_9 = a0_9.add(c0);
    r0_9.blend(zero, r0_9.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r0_10 = a0_10.add(c0);
    r0_10.blend(zero, r0_10.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r0_11 = a0_11.add(c0);
    r0_11.blend(zero, r0_11.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    final FloatVector r0_12 = a0_12.add(c0);
    r0_12.blend(zero, r0_12.compare(VectorOperators.LE, floor)).intoArray(tl, 12 * VL);
    final FloatVector r0_13 = a0_13.add(c0);
    r0_13.blend(zero, r0_13.compare(VectorOperators.LE, floor)).intoArray(tl, 13 * VL);
    scatter14(k0, 1, out);
  }

  /** 2 block(s) of VL filters × 6 positions 1 input column(s) apart: 12 accumulators. */
  private void s1b2p6(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero, a0_5 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero, a1_3 = zero, a1_4 = zero, a1_5 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (2 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 4]);
      a0_4 = w0.fma(x4, a0_4);
      a1_4 = w1.fma(x4, a1_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 5]);
      a0_5 = w0.fma(x5, a0_5);
      a1_5 = w1.fma(x5, a1_5);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(floor, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(floor, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r1_4 = a1_4.add(c1);
    r1_4.blend(floor, r1_4.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r1_5 = a1_5.add(c1);
    r1_5.blend(floor, r1_5.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    scatter6(k0, 2, out);
  }

  /** 1 block(s) of VL filters × 6 positions 1 input column(s) apart: 6 accumulators. */
  private void s1b1p6(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero, a0_5 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (1 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 4]);
      a0_4 = w0.fma(x4, a0_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 5]);
      a0_5 = w0.fma(x5, a0_5);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    scatter6(k0, 1, out);
  }

  /** 2 block(s) of VL filters × 6 positions 2 input column(s) apart: 12 accumulators. */
  private void s2b2p6(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero, a0_5 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero, a1_3 = zero, a1_4 = zero, a1_5 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (2 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 8]);
      a0_4 = w0.fma(x4, a0_4);
      a1_4 = w1.fma(x4, a1_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 10]);
      a0_5 = w0.fma(x5, a0_5);
      a1_5 = w1.fma(x5, a1_5);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(floor, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(floor, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r1_4 = a1_4.add(c1);
    r1_4.blend(floor, r1_4.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r1_5 = a1_5.add(c1);
    r1_5.blend(floor, r1_5.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    scatter6(k0, 2, out);
  }

  /** 1 block(s) of VL filters × 6 positions 2 input column(s) apart: 6 accumulators. */
  private void s2b1p6(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero, a0_5 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (1 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 8]);
      a0_4 = w0.fma(x4, a0_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 10]);
      a0_5 = w0.fma(x5, a0_5);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    scatter6(k0, 1, out);
  }

  /** 2 block(s) of VL filters × 4 positions 1 input column(s) apart: 8 accumulators. */
  private void s1b2p4(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero, a1_3 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (2 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(floor, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(floor, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    scatterLast(k0, 2, out, 4);
  }

  /** 1 block(s) of VL filters × 4 positions 1 input column(s) apart: 4 accumulators. */
  private void s1b1p4(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (1 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    scatterLast(k0, 1, out, 4);
  }

  /** 2 block(s) of VL filters × 4 positions 2 input column(s) apart: 8 accumulators. */
  private void s2b2p4(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero, a1_3 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (2 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(floor, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(floor, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    scatterLast(k0, 2, out, 4);
  }

  /** 1 block(s) of VL filters × 4 positions 2 input column(s) apart: 4 accumulators. */
  private void s2b1p4(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (1 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    scatterLast(k0, 1, out, 4);
  }

  /** 2 block(s) of VL filters × 7 positions 1 input column(s) apart: 14 accumulators. */
  private void s1b2p7(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero;
    FloatVector a1_0 = zero,
        a1_1 = zero,
        a1_2 = zero,
        a1_3 = zero,
        a1_4 = zero,
        a1_5 = zero,
        a1_6 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (2 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 4]);
      a0_4 = w0.fma(x4, a0_4);
      a1_4 = w1.fma(x4, a1_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 5]);
      a0_5 = w0.fma(x5, a0_5);
      a1_5 = w1.fma(x5, a1_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 6]);
      a0_6 = w0.fma(x6, a0_6);
      a1_6 = w1.fma(x6, a1_6);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(floor, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(floor, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(floor, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r1_4 = a1_4.add(c1);
    r1_4.blend(floor, r1_4.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    final FloatVector r1_5 = a1_5.add(c1);
    r1_5.blend(floor, r1_5.compare(VectorOperators.LE, floor)).intoArray(tl, 12 * VL);
    final FloatVector r1_6 = a1_6.add(c1);
    r1_6.blend(floor, r1_6.compare(VectorOperators.LE, floor)).intoArray(tl, 13 * VL);
    scatterLast(k0, 2, out, 7);
  }

  /** 1 block(s) of VL filters × 7 positions 1 input column(s) apart: 7 accumulators. */
  private void s1b1p7(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (1 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 1]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 2]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 3]);
      a0_3 = w0.fma(x3, a0_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 4]);
      a0_4 = w0.fma(x4, a0_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 5]);
      a0_5 = w0.fma(x5, a0_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 6]);
      a0_6 = w0.fma(x6, a0_6);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(floor, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    scatterLast(k0, 1, out, 7);
  }

  /** 2 block(s) of VL filters × 7 positions 2 input column(s) apart: 14 accumulators. */
  private void s2b2p7(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero;
    FloatVector a1_0 = zero,
        a1_1 = zero,
        a1_2 = zero,
        a1_3 = zero,
        a1_4 = zero,
        a1_5 = zero,
        a1_6 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (2 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector w1 = FloatVector.fromArray(S, w, wi + 1 * VL);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      a1_0 = w1.fma(x0, a1_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      a1_1 = w1.fma(x1, a1_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      a1_2 = w1.fma(x2, a1_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
      a1_3 = w1.fma(x3, a1_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 8]);
      a0_4 = w0.fma(x4, a0_4);
      a1_4 = w1.fma(x4, a1_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 10]);
      a0_5 = w0.fma(x5, a0_5);
      a1_5 = w1.fma(x5, a1_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 12]);
      a0_6 = w0.fma(x6, a0_6);
      a1_6 = w1.fma(x6, a1_6);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector c1 = FloatVector.fromArray(S, packedBias, k0 + 1 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(floor, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    final FloatVector r1_0 = a1_0.add(c1);
    r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(tl, 7 * VL);
    final FloatVector r1_1 = a1_1.add(c1);
    r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(tl, 8 * VL);
    final FloatVector r1_2 = a1_2.add(c1);
    r1_2.blend(floor, r1_2.compare(VectorOperators.LE, floor)).intoArray(tl, 9 * VL);
    final FloatVector r1_3 = a1_3.add(c1);
    r1_3.blend(floor, r1_3.compare(VectorOperators.LE, floor)).intoArray(tl, 10 * VL);
    final FloatVector r1_4 = a1_4.add(c1);
    r1_4.blend(floor, r1_4.compare(VectorOperators.LE, floor)).intoArray(tl, 11 * VL);
    final FloatVector r1_5 = a1_5.add(c1);
    r1_5.blend(floor, r1_5.compare(VectorOperators.LE, floor)).intoArray(tl, 12 * VL);
    final FloatVector r1_6 = a1_6.add(c1);
    r1_6.blend(floor, r1_6.compare(VectorOperators.LE, floor)).intoArray(tl, 13 * VL);
    scatterLast(k0, 2, out, 7);
  }

  /** 1 block(s) of VL filters × 7 positions 2 input column(s) apart: 7 accumulators. */
  private void s2b1p7(float[] src, int base, int wBase, int k0, int out) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * (1 * VL);
      final int off = base + taps[t];
      final FloatVector w0 = FloatVector.fromArray(S, w, wi);
      final FloatVector x0 = FloatVector.broadcast(S, src[off]);
      a0_0 = w0.fma(x0, a0_0);
      final FloatVector x1 = FloatVector.broadcast(S, src[off + 2]);
      a0_1 = w0.fma(x1, a0_1);
      final FloatVector x2 = FloatVector.broadcast(S, src[off + 4]);
      a0_2 = w0.fma(x2, a0_2);
      final FloatVector x3 = FloatVector.broadcast(S, src[off + 6]);
      a0_3 = w0.fma(x3, a0_3);
      final FloatVector x4 = FloatVector.broadcast(S, src[off + 8]);
      a0_4 = w0.fma(x4, a0_4);
      final FloatVector x5 = FloatVector.broadcast(S, src[off + 10]);
      a0_5 = w0.fma(x5, a0_5);
      final FloatVector x6 = FloatVector.broadcast(S, src[off + 12]);
      a0_6 = w0.fma(x6, a0_6);
    }
    final float[] tl = tile;
    final FloatVector c0 = FloatVector.fromArray(S, packedBias, k0 + 0 * VL);
    final FloatVector floor = FloatVector.broadcast(S, reluFloor);
    final FloatVector r0_0 = a0_0.add(c0);
    r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(tl, 0 * VL);
    final FloatVector r0_1 = a0_1.add(c0);
    r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(tl, 1 * VL);
    final FloatVector r0_2 = a0_2.add(c0);
    r0_2.blend(floor, r0_2.compare(VectorOperators.LE, floor)).intoArray(tl, 2 * VL);
    final FloatVector r0_3 = a0_3.add(c0);
    r0_3.blend(floor, r0_3.compare(VectorOperators.LE, floor)).intoArray(tl, 3 * VL);
    final FloatVector r0_4 = a0_4.add(c0);
    r0_4.blend(floor, r0_4.compare(VectorOperators.LE, floor)).intoArray(tl, 4 * VL);
    final FloatVector r0_5 = a0_5.add(c0);
    r0_5.blend(floor, r0_5.compare(VectorOperators.LE, floor)).intoArray(tl, 5 * VL);
    final FloatVector r0_6 = a0_6.add(c0);
    r0_6.blend(floor, r0_6.compare(VectorOperators.LE, floor)).intoArray(tl, 6 * VL);
    scatterLast(k0, 1, out, 7);
  }
}
