package io.haloconv.conv;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

/**
 * The fast kernel: a register-blocked direct convolution on the Vector API ({@code
 * jdk.incubator.vector}), for every spec of design.md §1.
 *
 * <h2>How the work is laid out</h2>
 *
 * <ul>
 *   <li><b>Stride becomes phases.</b> With stride sh×sw the window is split into sh·sw phase planes
 *       per channel (plane (py, px) holds input rows py, py+sh, … and columns px, px+sw, …). Tap
 *       (ky, kx) of output (oy, ox) then reads plane ((ky·dh) mod sh, (kx·dw) mod sw) at row oy +
 *       ⌊ky·dh/sh⌋ and column ox + ⌊kx·dw/sw⌋: a stride-1 access, so 16 output columns are 16
 *       consecutive floats, one vector load, for any stride and dilation. The split is done one
 *       band of output rows at a time (see Bands), into a buffer that stays in L2, not for the
 *       whole window up front: on the 1024² 7×7 stride-2 RGB layer the whole-window split wrote and
 *       re-read 12 MB and cost about 15% of the call; per band, with the even and odd columns of a
 *       row taken in one pass for stride 2 across, it is about half that, and moving those columns
 *       16 floats at a time (narrowing pairs-as-longs to ints) made the 7×7 layer another 6–7%
 *       faster and a 3×3 stride-2 layer of 16 filters 34–38%. Consecutive bands share the phase
 *       rows of the kernel's halo (3 of every band's 11 on the 7×7 layer); with stride 2 across the
 *       next band moves them within the buffer instead of splitting them from the window again,
 *       1–3% faster on stride-2 layers (2026-12-08). Stride 1 reads the caller's window in place.
 *   <li><b>Positions.</b> An output (oy, ox) has the flat position p = oy·wv + ox in a phase plane
 *       of width wv, and every tap reads {@code src[groupBase + tapOffsets[t] + p]}. A vector
 *       covers VL consecutive positions. Row mode puts vectors at ox = 0, VL, … in every output
 *       row, the last one shifted left to end exactly at the row's end (it recomputes a few
 *       outputs, bitwise identically, instead of running a scalar tail). Flat mode, used when rows
 *       are narrow (56 outputs of a 58-wide window), lets vectors run across row ends, so only the
 *       wv − outW halo columns per row are wasted: vectors store into a band buffer as wide as the
 *       phase plane, and the real columns are copied to the output row by row afterwards. Aligned
 *       flat mode ({@link #alignsFlat}: stride 1, rows of 8 or more vectors but fewer vectors than
 *       taps, blocks of 8 filters) places vectors on the flat output instead, where every store
 *       starts a cache line; the one vector per row that crosses a row's end blends its last lanes
 *       from a second load of the next row's inputs.
 *   <li><b>Register blocking.</b> The main micro-kernel keeps 8 filters × 3 vectors of positions =
 *       24 accumulators in registers; each tap costs 3 vector loads and 8 weight broadcasts (from
 *       memory, no shuffle) for 24 FMAs, 28 of the 32 AVX-512 registers with one broadcast live at
 *       a time. When the 3 vectors are consecutive in one row (all but the group that crosses a
 *       row's end), their loads are constant offsets from one base: C2 folds them into the
 *       addressing and checks the range once per tap instead of three times, which is what makes
 *       this block faster than the 4 × 5 block it replaced (by 2–19% on the RGB and gray layers,
 *       2026-12-06; the list-driven 8 × 3 alone was slower than 4 × 5). Filter remainders use 4×5,
 *       2×8 and 1×12 blocks, still 12–20 independent FMA chains to cover the FMA latency. Weights
 *       are prepacked at construction so that a block's weights for one tap are adjacent. With 16
 *       vector registers (x86 without AVX-512, {@link #SIXTEEN_REGISTERS}) those blocks spill, and
 *       filters go in 6×2, 5×2, 4×2 and 1×12 blocks instead.
 *   <li><b>Bands.</b> Output rows are processed in bands whose input (all channels) fits in about
 *       192 KiB of L2; inside a band every filter block sweeps all positions, so the band's input
 *       (or its phase planes) is reused from cache by every block. Small-C first layers (C = 1 or
 *       3, many filters) get long position sweeps with few taps; pointwise 1×1 convolutions run in
 *       flat mode over whole planes; both are these same loops with different trip counts.
 *   <li><b>Epilogue.</b> For none and relu, bias and relu are applied to the accumulators in
 *       registers, then each is stored once. Leaky_relu, sigmoid and tanh go through a small tile
 *       and {@link #finish}; sigmoid and tanh use {@link Activation}'s scalar code, as the portable
 *       kernel does.
 *   <li><b>Two C2 traps</b>, each of which cost 10× here: accumulators must start from a zero made
 *       in the method (a {@code static final} zero vector makes the loop phi unboxable, so every
 *       FMA allocates), and no vector may be passed to a method C2 does not inline (past its node
 *       budget it stops inlining, and the argument is boxed).
 * </ul>
 *
 * <p>Each output value is {@code acc = 0; acc = fma(w, x, acc)} over channels, tap rows and tap
 * columns in that order, then {@code + bias}, then the activation: the order of {@link ConvKernel}.
 * Lanes, shifted vectors and the scalar path for windows narrower than one vector all follow it, so
 * results are bitwise independent of tiling and threading, and bitwise equal to {@link
 * DirectKernel}.
 *
 * <p>Not thread-safe: it keeps scratch arrays, reused across calls. Use one instance per thread.
 * Only {@link ConvKernels} (reflectively) and {@link FilterLaneKernel} (for narrow windows, itself
 * loaded reflectively) refer to this class, so that JVMs started without the incubator module never
 * link it.
 */
final class VectorConvKernel implements ConvKernel {
  static final VectorSpecies<Float> S = FloatVector.SPECIES_PREFERRED;
  private static final int VL = S.length();

  /** (even, odd) column pairs in one float vector, for the stride-2 split. */
  private static final int PAIRS = VL / 2;

  /** Ints of the float vector's size. */
  private static final VectorSpecies<Integer> INTS = VectorSpecies.of(int.class, S.vectorShape());

  /**
   * True on x86 with vectors of 256 bits or fewer (AVX2): 16 vector registers, where AVX-512 has
   * 32. The 8 × 3, 4 × 5 and 2 × 8 blocks need 26–29 registers and spill on such machines (the
   * layers ran at 0.45–0.52× oneDNN's AVX2 code, 2026-12-07), so there filters go in blocks of 6, 5
   * or 4 filters × 2 vectors and of 1 × 12, 13–15 registers each ({@link #sixteenRegisterBlock}).
   * ARM's NEON has 32 registers and keeps the big blocks.
   */
  static final boolean SIXTEEN_REGISTERS = sixteenRegisters();

  /** Most positions a micro-kernel takes at once; position lists carry that many repeats. */
  private static final int POSITION_GROUP = 12;

  /**
   * The output index mod VL at which a vector store starts a 64-byte cache line, for the output
   * arrays a convolution writes. HotSpot puts a float[]'s first element 16 bytes after the array's
   * start (with compressed class pointers, the default), and G1 puts every array of half a region
   * or more, as output planes of any size are, at the start of a region; so element i lies on a
   * line boundary when 4·i + 16 ≡ 0 (mod 64). A store that straddles two lines costs more: on a
   * machine of half the usual FMA peak, where a 27-tap layer's stores weigh, every store of {@code
   * rgb1024_3to16_3x3} moved onto line boundaries (a timing-only build) ran at 85 GFLOP/s against
   * 80; with the extra vector of {@link #alignsRows} the gain is 1–3 % (docs/performance.md, "On a
   * machine with half the FMA throughput"). Where the guess is wrong (another collector, a small
   * array) the stores are as unaligned as they would be anyway.
   */
  private static final int STORE_PHASE = 12 % VL;

  /**
   * Whether rows of {@code rowVectors} vectors start their stores at {@link #STORE_PHASE}. That
   * takes one more vector per row (the row's head at column 0), which costs a vector FMA per tap
   * and filter, while each aligned store saved about 2.5 vector FMAs' time in the measurement
   * above; so rows align when they have at least as many vectors as there are taps (27-tap RGB
   * layers on rows of 432 columns or more, a 7×7 RGB layer practically never).
   */
  static boolean alignsRows(int rowVectors, int taps) {
    return rowVectors >= taps;
  }

  /**
   * 0, 1, …, VL − 1: compared with a vector's crossing lane, it gives the lanes of the next row.
   */
  private static final float[] LANE_INDEX = laneIndex();

  private static float[] laneIndex() {
    float[] lanes = new float[VL];
    for (int i = 0; i < VL; i++) {
      lanes[i] = i;
    }
    return lanes;
  }

  /**
   * Whether stride-1 windows in row mode place their vectors on the flat output instead of row by
   * row ({@link #alignedFlatPositions}), so that every store starts a cache line: where rows are
   * too narrow for {@link #alignsRows} (fewer vectors than taps), every block is 8 filters × 3
   * vectors (32 registers, a multiple of 8 filters per group), and rows are at least 8 vectors
   * wide, so that the one vector per row that crosses a row's end, which pays a second load and a
   * blend per tap, is rare. On {@code rgb224_3to64_3x3_b8} (14 vectors a row, 27 taps; 1 thread, a
   * machine of 117 GFLOP/s per core) it ran at 84.4 GFLOP/s against 80.6 in row mode, medians of 6
   * alternating JVMs; where rows already align it was no faster (a 4096-wide 5×5 layer ran 3 %
   * slower), so those keep row mode (2026-12-08).
   */
  static boolean alignsFlat(int outWidth, int taps, int filtersPerGroup) {
    int rowVectors = (outWidth + VL - 1) / VL;
    return !SIXTEEN_REGISTERS
        && rowVectors >= 8
        && !alignsRows(rowVectors, taps)
        && filtersPerGroup % 8 == 0;
  }

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
  private int boundBand = -1;
  private int phaseOrigin;
  private int phaseHeight;
  private int phaseWidth;
  private int groupStride;

  private float[] phases = new float[0];
  private int[] positions = new int[0];

  /** Offset within a filter's plane of {@link #destination} where each position's vector goes. */
  private int[] outOffsets = new int[0];

  /**
   * Aligned flat mode only ({@link #alignedFlatPositions}): for a vector that crosses the end of an
   * output row, the lane at which the next row starts ({@code VL} for a vector within one row).
   */
  private int[] crossLane = new int[0];

  /** Whether the current band's positions came from {@link #alignedFlatPositions}. */
  private boolean crossing;

  /** Flat mode's band of outputs, wv wide with the halo columns, before they are dropped. */
  private float[] flatBand = new float[0];

  /** A micro-kernel's finished accumulators on their way to {@link #finish}. */
  private final float[] tile = new float[24 * VL];

  private float[] output;
  private int outPlane;
  private int outWidth;

  /** Where blocks store: the output (row mode) or {@link #flatBand}; filter k at k·plane. */
  private float[] destination;

  private int destinationPlane;

  /** True for none and relu, which micro-kernels apply in registers before their only store. */
  private final boolean fusedEpilogue;

  /** Values ≤ this become +0: 0 for relu; NaN, which no value is ≤, for none. */
  private final float reluFloor;

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
    fusedEpilogue = activationCode == ACT_NONE || activationCode == ACT_RELU;
    reluFloor = activationCode == ACT_RELU ? 0f : Float.NaN;
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
        int s =
            SIXTEEN_REGISTERS
                ? sixteenRegisterBlock(left)
                : left >= 8 ? 8 : left >= 4 ? 4 : left >= 2 ? 2 : 1;
        first[count] = k;
        size[count] = s;
        count++;
        k += s;
      }
    }
    blockFirst = Arrays.copyOf(first, count);
    blockSize = Arrays.copyOf(size, count);
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

  /**
   * The next block for {@code left} filters of a group with 16 registers: the largest of 6 × 2, 5 ×
   * 2 and 4 × 2 after which the rest can still be made of 6s, 5s and 4s (every count from 8 up, and
   * 4, 5, 6), so that no filter goes to the slow 1 × 12 block where a wider one could take it (16
   * filters: 6, 6, 4; 64: ten blocks of 6 and one of 4). Only 1, 2, 3 and 7 filters leave any to 1
   * × 12 (7: 6 and 1).
   */
  static int sixteenRegisterBlock(int left) {
    for (int size = 6; size >= 4; size--) {
      if (left >= size && madeOfFourToSix(left - size)) {
        return size;
      }
    }
    return left >= 6 ? 6 : 1;
  }

  private static boolean madeOfFourToSix(int n) {
    return n == 0 || (n >= 4 && n <= 6) || n >= 8;
  }

  private static boolean sixteenRegisters() {
    String arch = System.getProperty("os.arch", "");
    boolean x86 = arch.equals("amd64") || arch.equals("x86_64") || arch.equals("x86");
    return x86 && VL * Float.SIZE <= 256;
  }

  /** Lanes per vector on this JVM; probing it also proves the incubator module links. */
  static int lanes() {
    return VL;
  }

  @Override
  public void convolve(
      float[] input, int inHeight, int inWidth, float[] output, int outHeight, int outWidth) {
    this.output = output;
    this.outPlane = outHeight * outWidth;
    this.outWidth = outWidth;
    boolean strided = strideHeight != 1 || strideWidth != 1;
    try {
      int wv = (inWidth + strideWidth - 1) / strideWidth;
      int last = (outHeight - 1) * wv + outWidth; // one past the last flat position
      if (last < VL) {
        bind(inHeight, inWidth, 0);
        scalar(strided ? splitPhases(input, inHeight, inWidth, 0, 0) : input, outHeight, outWidth);
        return;
      }
      long rowVectors =
          outWidth >= VL ? (long) outHeight * ((outWidth + VL - 1) / VL) : Long.MAX_VALUE;
      long flatVectors = (last + VL - 1) / VL;
      boolean rowMode = rowVectors <= flatVectors;
      long rowBytes = 4L * channels * strideHeight * inWidth;
      int bandRows = (int) Math.max(1, Math.min(outHeight, BAND_BYTES / rowBytes));
      bind(inHeight, inWidth, strided ? bandRows : 0);
      float[] src = input;
      boolean flatAligned =
          rowMode && !strided && alignsFlat(outWidth, tapOffsets.length, filtersPerGroup);
      crossing = flatAligned;
      if (rowMode) {
        destination = output;
        destinationPlane = outPlane;
      } else {
        // A margin of VL on both sides: a vector may start up to VL before a band shorter than VL,
        // and end up to VL after it when it starts at 0.
        destinationPlane = 2 * VL + bandRows * wv;
        int size = filters * destinationPlane;
        if (flatBand.length < size) {
          flatBand = new float[size];
        }
        destination = flatBand;
      }
      for (int oy0 = 0; oy0 < outHeight; oy0 += bandRows) {
        int oy1 = Math.min(outHeight, oy0 + bandRows);
        // Strided windows are split into phase planes one band at a time: the band's planes stay
        // in L2 while every filter block passes over them, and positions and tap offsets count
        // from the band's first row.
        int base = 0;
        if (strided) {
          base = oy0 * wv;
          // Every band after the first finds the one before it still in the buffer.
          src = splitPhases(input, inHeight, inWidth, oy0 * strideHeight, oy0 > 0 ? bandRows : 0);
        }
        if (rowMode) {
          sweep(src, flatAligned ? alignedFlatPositions(oy0, oy1) : rowPositions(oy0, oy1, base));
        } else {
          sweep(src, flatPositions(oy0, oy1, last, base));
          dropHaloColumns(oy0, oy1);
        }
      }
    } finally {
      this.output = null;
      this.destination = null;
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
            if (crossing && crossLane[j] < VL) {
              cross8x3(src, inBase, wBase, k0, j);
              continue;
            }
            // Three vectors of one row (most groups): constant offsets from one base, which C2
            // folds into the addressing, with one range check per tap instead of three.
            if (positions[j + 1] - positions[j] == VL
                && positions[j + 2] - positions[j + 1] == VL) {
              consec8x3(src, inBase, wBase, k0, j);
            } else {
              block8x3(src, inBase, wBase, k0, j);
            }
          }
          break;
        case 6:
          for (int j = 0; j < n; j += 2) {
            // Two vectors of one row (most pairs): one range check per tap instead of two.
            if (positions[j + 1] - positions[j] == VL) {
              consec6x2(src, inBase, wBase, k0, j);
            } else {
              block6x2(src, inBase, wBase, k0, j);
            }
          }
          break;
        case 5:
          for (int j = 0; j < n; j += 2) {
            block5x2(src, inBase, wBase, k0, j);
          }
          break;
        case 4:
          if (SIXTEEN_REGISTERS) {
            for (int j = 0; j < n; j += 2) {
              block4x2(src, inBase, wBase, k0, j);
            }
          } else {
            for (int j = 0; j < n; j += 5) {
              block4x5(src, inBase, wBase, k0, j);
            }
          }
          break;
        case 2:
          for (int j = 0; j < n; j += 8) {
            block2x8(src, inBase, wBase, k0, j);
          }
          break;
        default:
          for (int j = 0; j < n; j += 12) {
            block1x12(src, inBase, wBase, k0, j);
          }
      }
    }
  }

  /**
   * Recomputes the phase-plane geometry and tap offsets when the window size changes: planes of the
   * whole window ({@code bandRows} 0), or of one band of output rows.
   */
  private void bind(int inHeight, int inWidth, int bandRows) {
    if (inHeight == boundHeight && inWidth == boundWidth && bandRows == boundBand) {
      return;
    }
    phaseHeight =
        bandRows == 0
            ? (inHeight + strideHeight - 1) / strideHeight
            : bandRows + (kernelHeight - 1) * dilationHeight / strideHeight;
    phaseWidth = (inWidth + strideWidth - 1) / strideWidth;
    // A band's vectors may start up to VL before its first position (flat mode), so its planes
    // start VL floats into the buffer.
    phaseOrigin = bandRows == 0 ? 0 : VL;
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
          tapOffsets[t++] =
              phaseOrigin + phase * plane + (y / strideHeight) * phaseWidth + x / strideWidth;
        }
      }
    }
    boundHeight = inHeight;
    boundWidth = inWidth;
    boundBand = bandRows;
  }

  /**
   * Copies window rows y0, y0 + 1, … into phase planes [c][py][px][y'][x'] = input[c][y0 + y'·sh +
   * py][x'·sw + px] after {@link #phaseOrigin} floats, zero where that lies past the window (those
   * values only reach discarded lanes). {@code after} is 0 for the whole window or a call's first
   * band; for a later band it is the band height in output rows, and the buffer still holds the
   * band before, whose last phase rows (the kernel's halo) are this band's first ones: with stride
   * 2 across they are moved, not split again.
   */
  private float[] splitPhases(float[] input, int inHeight, int inWidth, int y0, int after) {
    int sh = strideHeight;
    int sw = strideWidth;
    int hv = phaseHeight;
    int wv = phaseWidth;
    int size = phaseOrigin + channels * sh * sw * hv * wv + VL;
    int keep = after > 0 && after < hv ? hv - after : 0; // phase rows shared with the band before
    if (phases.length < size) {
      phases = new float[size];
    }
    float[] dst = phases;
    int d = phaseOrigin;
    int plane = hv * wv;
    if (sw == 2) {
      // Window rows in memory order (row phases alternating), each row's even and odd columns in
      // one pass: rows y0, y0 + 1, … of a channel are one run of memory, read front to back. Taking
      // all even rows and then all odd ones, as before, read every other row: about 15 % slower
      // from memory for the split alone, and 1–2 % of the 7×7 stride-2 layer on 2 threads
      // (2026-12-07).
      for (int c = 0; c < channels; c++) {
        int channelPlanes = d + c * sh * 2 * plane;
        if (keep > 0) {
          for (int q = 0; q < sh * 2; q++) {
            int p = channelPlanes + q * plane;
            System.arraycopy(dst, p + after * wv, dst, p, keep * wv);
          }
        }
        for (int yv = keep; yv < hv; yv++) {
          for (int py = 0; py < sh; py++) {
            int even = channelPlanes + py * 2 * plane + yv * wv;
            splitPairs(input, inHeight, inWidth, c, y0 + yv * sh + py, dst, even, even + plane);
          }
        }
      }
      return dst;
    }
    for (int c = 0; c < channels; c++) {
      for (int py = 0; py < sh; py++) {
        for (int px = 0; px < sw; px++) {
          for (int yv = 0; yv < hv; yv++) {
            int y = y0 + yv * sh + py;
            if (y >= inHeight) {
              Arrays.fill(dst, d, d + wv, 0f);
              d += wv;
              continue;
            }
            int row = (c * inHeight + y) * inWidth + px;
            int full = (inWidth - px + sw - 1) / sw; // columns x' with x'·sw + px < inWidth
            for (int xv = 0; xv < full; xv++) {
              dst[d + xv] = input[row + xv * sw];
            }
            Arrays.fill(dst, d + full, d + wv, 0f);
            d += wv;
          }
        }
      }
    }
    return dst;
  }

  /**
   * Stride 2 across: window row y of channel c into its even phase plane's row at {@code d0} and
   * its odd one's at {@code d1}, in one pass over the row; zeros for a row past the window.
   */
  private void splitPairs(
      float[] input, int inHeight, int inWidth, int c, int y, float[] dst, int d0, int d1) {
    final int wv = phaseWidth;
    final int pairs = inWidth / 2;
    if (y >= inHeight) {
      Arrays.fill(dst, d0, d0 + wv, 0f);
      Arrays.fill(dst, d1, d1 + wv, 0f);
      return;
    }
    final int row = (c * inHeight + y) * inWidth;
    int xv = 0;
    // VL floats are VL/2 (even, odd) pairs, each pair one long: the even float in its low half,
    // the odd one in its high half (little-endian lanes). Narrowing the longs to ints (vpmovqd)
    // keeps the evens; the same narrowing of the load one float later keeps the odds (no shift:
    // a lanewise shift by a scalar is not always intrinsified on JDK 17). Only bits move, so
    // NaNs and -0 are copied exactly. The narrowed ints fill the low half of a full-size vector,
    // which is stored whole: its high half lands on columns that the next store (or the scalar
    // tail) overwrites, so every store stays inside [0, pairs). Every vector here is full size
    // on purpose: storing a half-size FloatVector would add a second receiver class to
    // FloatVector.intoArray's type profile, which the micro-kernels share, and C2 would then box
    // their stores (2x slower; 2026-12-06).
    for (; xv <= pairs - VL; xv += PAIRS) {
      final int at = row + 2 * xv;
      final LongVector evens = FloatVector.fromArray(S, input, at).reinterpretAsLongs();
      final LongVector odds = FloatVector.fromArray(S, input, at + 1).reinterpretAsLongs();
      ((IntVector) evens.convertShape(VectorOperators.L2I, INTS, 0))
          .reinterpretAsFloats()
          .intoArray(dst, d0 + xv);
      ((IntVector) odds.convertShape(VectorOperators.L2I, INTS, 0))
          .reinterpretAsFloats()
          .intoArray(dst, d1 + xv);
    }
    for (; xv < pairs; xv++) {
      dst[d0 + xv] = input[row + 2 * xv];
      dst[d1 + xv] = input[row + 2 * xv + 1];
    }
    if (pairs < wv) { // odd width: one more even column, and a zero in the odd plane
      dst[d0 + pairs] = input[row + 2 * pairs];
      dst[d1 + pairs] = 0f;
    }
  }

  /**
   * Row mode: vectors at column 0 and then every VL columns of each row, from column VL or, on wide
   * rows ({@link #alignsRows}), from the column whose store starts a cache line; the last one ends
   * at the row's end.
   */
  private int rowPositions(int oy0, int oy1, int base) {
    int rowVectors = (outWidth + VL - 1) / VL;
    boolean align = alignsRows(rowVectors, tapOffsets.length);
    int n = ensurePositions((oy1 - oy0) * (rowVectors + (align ? 1 : 0)));
    int j = 0;
    for (int oy = oy0; oy < oy1; oy++) {
      int p = oy * phaseWidth - base;
      int o = oy * outWidth;
      // A vector at column 0, then every VL columns from the first one whose store starts a cache
      // line (see STORE_PHASE; column VL when not aligning), and the last one ending at the row's
      // end.
      positions[j] = p;
      outOffsets[j] = o;
      j++;
      int first = align ? Math.floorMod(STORE_PHASE - o, VL) : 0;
      for (int x = first == 0 ? VL : first; x < outWidth - VL; x += VL) {
        positions[j] = p + x;
        outOffsets[j] = o + x;
        j++;
      }
      if (outWidth > VL) {
        positions[j] = p + outWidth - VL;
        outOffsets[j] = o + outWidth - VL;
        j++;
      }
    }
    return pad(j, n);
  }

  /**
   * Flat mode: vectors at every VL-th flat position of the band, the last one ending at the last
   * real position. They store into {@link #flatBand} at VL + (p − band start).
   */
  private int flatPositions(int oy0, int oy1, int last, int base) {
    int a = oy0 * phaseWidth;
    int b = Math.min(last, oy1 * phaseWidth);
    int n = ensurePositions((b - a + VL - 1) / VL);
    int j = 0;
    for (int p = a; p < b; p += VL) {
      // The band's last vector ends exactly at the band's end (b ≤ last, so it never reads past
      // the last real position); in a band shorter than a vector it starts at 0.
      int q = Math.max(0, Math.min(p, b - VL));
      positions[j] = q - base;
      outOffsets[j] = VL + q - a;
      j++;
    }
    return pad(j, n);
  }

  /**
   * Aligned flat mode (stride 1, {@link #alignsFlat}): vectors at the band's first output, then at
   * every output whose store starts a cache line (see {@link #STORE_PHASE}), across row ends, and
   * the last one ending at the band's end. Output rows lie back to back in a plane, so a vector's
   * stores need no row structure; only its inputs do: a vector that crosses a row's end takes its
   * lanes from the next row's inputs, {@code phaseWidth − outWidth} further on, from lane {@code
   * crossLane}. Against row mode this saves the straddling stores (about 2.5 FMAs' time each on a
   * machine of 117 GFLOP/s per core) and, on rows whose width is not a multiple of VL, the partial
   * vectors.
   */
  private int alignedFlatPositions(int oy0, int oy1) {
    int start = oy0 * outWidth;
    int end = oy1 * outWidth;
    int n = ensurePositions((end - start) / VL + 3);
    int j = flatVector(0, start);
    int first = start + Math.floorMod(STORE_PHASE - start, VL);
    for (int q = first == start ? start + VL : first; q < end - VL; q += VL) {
      j = flatVector(j, q);
    }
    j = flatVector(j, end - VL);
    // The repeats copy the last vector, which ends at the band's end and so never crosses.
    pad(j, n);
    // Blocks take the vectors three at a time from entry 0, and compute each one on its own, so a
    // group may list them in any order: the crossing one (at most one of three, as rows are 8
    // vectors or wider) goes first, where cross8x3 expects it.
    for (int g = 0; g < j; g += 3) {
      for (int q = g + 1; q <= g + 2 && q < j; q++) {
        if (crossLane[q] < VL) {
          swapEntries(g, q);
        }
      }
    }
    return j;
  }

  private void swapEntries(int a, int b) {
    int p = positions[a];
    positions[a] = positions[b];
    positions[b] = p;
    int o = outOffsets[a];
    outOffsets[a] = outOffsets[b];
    outOffsets[b] = o;
    int l = crossLane[a];
    crossLane[a] = crossLane[b];
    crossLane[b] = l;
  }

  /** Adds the vector of outputs q, q + 1, … (flat in the plane) as entry j; returns j + 1. */
  private int flatVector(int j, int q) {
    int oy = q / outWidth;
    int ox = q - oy * outWidth;
    positions[j] = oy * phaseWidth + ox;
    outOffsets[j] = q;
    int rest = outWidth - ox;
    crossLane[j] = Math.min(rest, VL);
    return j + 1;
  }

  /** Copies the real columns of a flat-mode band to the output, dropping the halo columns. */
  private void dropHaloColumns(int oy0, int oy1) {
    int wv = phaseWidth;
    for (int k = 0; k < filters; k++) {
      int from = k * destinationPlane + VL;
      int to = k * outPlane + oy0 * outWidth;
      for (int oy = oy0; oy < oy1; oy++) {
        System.arraycopy(flatBand, from, output, to, outWidth);
        from += wv;
        to += outWidth;
      }
    }
  }

  private int ensurePositions(int count) {
    int capacity = count + POSITION_GROUP;
    if (positions.length < capacity) {
      positions = new int[capacity];
      outOffsets = new int[capacity];
      crossLane = new int[capacity];
    }
    return capacity;
  }

  /**
   * Repeats the last position after the {@code used} ones, so that a block taking V positions at a
   * time can run past the end: the repeats compute and store the same values again.
   */
  private int pad(int used, int capacity) {
    for (int j = used; j < capacity; j++) {
      positions[j] = positions[used - 1];
      outOffsets[j] = outOffsets[used - 1];
      crossLane[j] = crossLane[used - 1];
    }
    return used;
  }

  /**
   * The epilogue of a block for leaky_relu, sigmoid and tanh: bias, the activation, the store of
   * each accumulator that a micro-kernel left in {@link #tile} (filter i, vector q at (i·vectors +
   * q)·VL). A loop in its own method rather than code in each micro-kernel: C2 stops inlining once
   * a method grows past its node budget, and an accumulator passed to a method that is not inlined
   * is boxed. None and relu, the common cases, are fused into the micro-kernels instead.
   */
  private void finish(int blockFilters, int vectors, int k0, int j) {
    final float[] t = tile;
    final float[] out = destination;
    for (int i = 0; i < blockFilters; i++) {
      final int k = k0 + i;
      final float b = bias[k];
      final int plane = k * destinationPlane;
      for (int q = 0; q < vectors; q++) {
        FloatVector v = FloatVector.fromArray(S, t, (i * vectors + q) * VL).add(b);
        final int at = plane + outOffsets[j + q];
        if (activationCode == ACT_LEAKY) {
          v.blend(v.mul(alpha), v.compare(VectorOperators.LT, 0f)).intoArray(out, at);
        } else if (activationCode == ACT_RELU) {
          // v <= 0 → +0; NaN and positives pass: exactly Activation's scalar relu, -0 included.
          v.blend(0f, v.compare(VectorOperators.LE, 0f)).intoArray(out, at);
        } else {
          v.intoArray(out, at);
          if (activationCode == ACT_SCALAR) {
            activation.apply(out, at, at + VL);
          }
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

  /**
   * 4 filters × 5 vectors: 20 accumulators; per tap 5 loads and 4 broadcasts feed 20 FMAs. With the
   * 5 inputs and 4 weights that is 29 of the 32 vector registers: no spills (8×3 spilled two
   * accumulators per tap and ran 15–25% slower).
   */
  private void block4x5(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    final int p2 = pos[j + 2];
    final int p3 = pos[j + 3];
    final int p4 = pos[j + 4];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero, a0_2 = zero, a0_3 = zero, a0_4 = zero;
    FloatVector a1_0 = zero, a1_1 = zero, a1_2 = zero, a1_3 = zero, a1_4 = zero;
    FloatVector a2_0 = zero, a2_1 = zero, a2_2 = zero, a2_3 = zero, a2_4 = zero;
    FloatVector a3_0 = zero, a3_1 = zero, a3_2 = zero, a3_3 = zero, a3_4 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 4) {
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector x2 = FloatVector.fromArray(S, src, off + p2);
      final FloatVector x3 = FloatVector.fromArray(S, src, off + p3);
      final FloatVector x4 = FloatVector.fromArray(S, src, off + p4);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      a0_2 = b0.fma(x2, a0_2);
      a0_3 = b0.fma(x3, a0_3);
      a0_4 = b0.fma(x4, a0_4);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      a1_2 = b1.fma(x2, a1_2);
      a1_3 = b1.fma(x3, a1_3);
      a1_4 = b1.fma(x4, a1_4);
      final FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
      a2_0 = b2.fma(x0, a2_0);
      a2_1 = b2.fma(x1, a2_1);
      a2_2 = b2.fma(x2, a2_2);
      a2_3 = b2.fma(x3, a2_3);
      a2_4 = b2.fma(x4, a2_4);
      final FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
      a3_0 = b3.fma(x0, a3_0);
      a3_1 = b3.fma(x1, a3_1);
      a3_2 = b3.fma(x2, a3_2);
      a3_3 = b3.fma(x3, a3_3);
      a3_4 = b3.fma(x4, a3_4);
    }
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j];
      final int o1 = at[j + 1];
      final int o2 = at[j + 2];
      final int o3 = at[j + 3];
      final int o4 = at[j + 4];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final FloatVector r0_2 = a0_2.add(c0);
      r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o2);
      final FloatVector r0_3 = a0_3.add(c0);
      r0_3.blend(zero, r0_3.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o3);
      final FloatVector r0_4 = a0_4.add(c0);
      r0_4.blend(zero, r0_4.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o4);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final FloatVector r1_2 = a1_2.add(c1);
      r1_2.blend(zero, r1_2.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o2);
      final FloatVector r1_3 = a1_3.add(c1);
      r1_3.blend(zero, r1_3.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o3);
      final FloatVector r1_4 = a1_4.add(c1);
      r1_4.blend(zero, r1_4.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o4);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(zero, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(zero, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final FloatVector r2_2 = a2_2.add(c2);
      r2_2.blend(zero, r2_2.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o2);
      final FloatVector r2_3 = a2_3.add(c2);
      r2_3.blend(zero, r2_3.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o3);
      final FloatVector r2_4 = a2_4.add(c2);
      r2_4.blend(zero, r2_4.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o4);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(zero, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(zero, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      final FloatVector r3_2 = a3_2.add(c3);
      r3_2.blend(zero, r3_2.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o2);
      final FloatVector r3_3 = a3_3.add(c3);
      r3_3.blend(zero, r3_3.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o3);
      final FloatVector r3_4 = a3_4.add(c3);
      r3_4.blend(zero, r3_4.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o4);
      return;
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a0_2.intoArray(out, 2 * VL);
    a0_3.intoArray(out, 3 * VL);
    a0_4.intoArray(out, 4 * VL);
    a1_0.intoArray(out, 5 * VL);
    a1_1.intoArray(out, 6 * VL);
    a1_2.intoArray(out, 7 * VL);
    a1_3.intoArray(out, 8 * VL);
    a1_4.intoArray(out, 9 * VL);
    a2_0.intoArray(out, 10 * VL);
    a2_1.intoArray(out, 11 * VL);
    a2_2.intoArray(out, 12 * VL);
    a2_3.intoArray(out, 13 * VL);
    a2_4.intoArray(out, 14 * VL);
    a3_0.intoArray(out, 15 * VL);
    a3_1.intoArray(out, 16 * VL);
    a3_2.intoArray(out, 17 * VL);
    a3_3.intoArray(out, 18 * VL);
    a3_4.intoArray(out, 19 * VL);
    finish(4, 5, k0, j);
  }

  /**
   * 4 filters × 2 vectors, on machines with 16 vector registers (AVX2), for what {@link #block5x2}
   * leaves: 8 accumulators, 2 inputs and 4 broadcasts, 14 registers; per tap 2 loads and 4
   * broadcasts feed 8 FMAs. A 4 × 3 block (12 + 3 + 1 = 16 registers) left C2 no room: it kept 3
   * accumulators on the stack and ran no faster than the spilling 8 × 3 one.
   */
  private void block4x2(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero;
    FloatVector a1_0 = zero, a1_1 = zero;
    FloatVector a2_0 = zero, a2_1 = zero;
    FloatVector a3_0 = zero, a3_1 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 4) {
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      final FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
      a2_0 = b2.fma(x0, a2_0);
      a2_1 = b2.fma(x1, a2_1);
      final FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
      a3_0 = b3.fma(x0, a3_0);
      a3_1 = b3.fma(x1, a3_1);
    }
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j];
      final int o1 = at[j + 1];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(zero, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(zero, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(zero, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(zero, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      return;
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a1_0.intoArray(out, 2 * VL);
    a1_1.intoArray(out, 3 * VL);
    a2_0.intoArray(out, 4 * VL);
    a2_1.intoArray(out, 5 * VL);
    a3_0.intoArray(out, 6 * VL);
    a3_1.intoArray(out, 7 * VL);
    finish(4, 2, k0, j);
  }

  /**
   * 5 filters × 2 vectors, on machines with 16 vector registers (AVX2), for filter counts that 6 ×
   * 2 and 4 × 2 alone cannot make (5, 11, 13, 17, …): 10 accumulators, 2 inputs and a broadcast at
   * a time, 13 registers; per tap 2 loads and 5 broadcasts feed 10 FMAs.
   */
  private void block5x2(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero;
    FloatVector a1_0 = zero, a1_1 = zero;
    FloatVector a2_0 = zero, a2_1 = zero;
    FloatVector a3_0 = zero, a3_1 = zero;
    FloatVector a4_0 = zero, a4_1 = zero;
    for (int t = 0, wi = wBase; t < taps.length; t++, wi += 5) {
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      final FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
      a2_0 = b2.fma(x0, a2_0);
      a2_1 = b2.fma(x1, a2_1);
      final FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
      a3_0 = b3.fma(x0, a3_0);
      a3_1 = b3.fma(x1, a3_1);
      final FloatVector b4 = FloatVector.broadcast(S, w[wi + 4]);
      a4_0 = b4.fma(x0, a4_0);
      a4_1 = b4.fma(x1, a4_1);
    }
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j];
      final int o1 = at[j + 1];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(floor, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(floor, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(floor, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(floor, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      final int plane4 = (k0 + 4) * destinationPlane;
      final FloatVector c4 = FloatVector.broadcast(S, bias[k0 + 4]);
      final FloatVector r4_0 = a4_0.add(c4);
      r4_0.blend(floor, r4_0.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o0);
      final FloatVector r4_1 = a4_1.add(c4);
      r4_1.blend(floor, r4_1.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o1);
      return;
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a1_0.intoArray(out, 2 * VL);
    a1_1.intoArray(out, 3 * VL);
    a2_0.intoArray(out, 4 * VL);
    a2_1.intoArray(out, 5 * VL);
    a3_0.intoArray(out, 6 * VL);
    a3_1.intoArray(out, 7 * VL);
    a4_0.intoArray(out, 8 * VL);
    a4_1.intoArray(out, 9 * VL);
    finish(5, 2, k0, j);
  }

  /**
   * 6 filters × 2 vectors, the largest block on machines with 16 vector registers (AVX2): 12
   * accumulators, 2 inputs and a broadcast, 15 registers; per tap 2 loads and 6 broadcasts feed 12
   * FMAs. It fits because its epilogue blends relu's zeros from the floor vector (+0 for relu; NaN,
   * which nothing is ≤, otherwise) rather than from {@code zero}: a zero vector used after the tap
   * loop stays live through it and takes the sixteenth register, and with it this block spilled and
   * ran slower than 4 × 2 (2026-12-07, fourth session). Its weights are indexed as a linear
   * function of the tap, so C2 drops their range checks. Against 5 × 2 and 4 × 2: +4.5 % on
   * rgb224_3to64_3x3_b8 and +10 % on rgb1024_3to16_3x3 (16 filters, which went in four 4 × 2
   * blocks); see docs/performance.md.
   */
  private void block6x2(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int p0 = pos[j];
    final int p1 = pos[j + 1];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero;
    FloatVector a1_0 = zero, a1_1 = zero;
    FloatVector a2_0 = zero, a2_1 = zero;
    FloatVector a3_0 = zero, a3_1 = zero;
    FloatVector a4_0 = zero, a4_1 = zero;
    FloatVector a5_0 = zero, a5_1 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * 6;
      final int off = inBase + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off + p0);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + p1);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      final FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
      a2_0 = b2.fma(x0, a2_0);
      a2_1 = b2.fma(x1, a2_1);
      final FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
      a3_0 = b3.fma(x0, a3_0);
      a3_1 = b3.fma(x1, a3_1);
      final FloatVector b4 = FloatVector.broadcast(S, w[wi + 4]);
      a4_0 = b4.fma(x0, a4_0);
      a4_1 = b4.fma(x1, a4_1);
      final FloatVector b5 = FloatVector.broadcast(S, w[wi + 5]);
      a5_0 = b5.fma(x0, a5_0);
      a5_1 = b5.fma(x1, a5_1);
    }
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j];
      final int o1 = at[j + 1];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(floor, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(floor, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(floor, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(floor, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      final int plane4 = (k0 + 4) * destinationPlane;
      final FloatVector c4 = FloatVector.broadcast(S, bias[k0 + 4]);
      final FloatVector r4_0 = a4_0.add(c4);
      r4_0.blend(floor, r4_0.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o0);
      final FloatVector r4_1 = a4_1.add(c4);
      r4_1.blend(floor, r4_1.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o1);
      final int plane5 = (k0 + 5) * destinationPlane;
      final FloatVector c5 = FloatVector.broadcast(S, bias[k0 + 5]);
      final FloatVector r5_0 = a5_0.add(c5);
      r5_0.blend(floor, r5_0.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o0);
      final FloatVector r5_1 = a5_1.add(c5);
      r5_1.blend(floor, r5_1.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o1);
      return;
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a1_0.intoArray(out, 2 * VL);
    a1_1.intoArray(out, 3 * VL);
    a2_0.intoArray(out, 4 * VL);
    a2_1.intoArray(out, 5 * VL);
    a3_0.intoArray(out, 6 * VL);
    a3_1.intoArray(out, 7 * VL);
    a4_0.intoArray(out, 8 * VL);
    a4_1.intoArray(out, 9 * VL);
    a5_0.intoArray(out, 10 * VL);
    a5_1.intoArray(out, 11 * VL);
    finish(6, 2, k0, j);
  }

  /**
   * {@link #block6x2} for two vectors that lie next to each other in one row (all pairs but the one
   * that crosses a row's end): the second load is a constant offset from the first, and C2 checks
   * the range once per tap instead of twice (+1.5–3 % on the 27-tap RGB layers).
   */
  private void consec6x2(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final float[] w = packedWeights;
    final int[] pos = positions;
    final int base = inBase + pos[j];
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero, a0_1 = zero;
    FloatVector a1_0 = zero, a1_1 = zero;
    FloatVector a2_0 = zero, a2_1 = zero;
    FloatVector a3_0 = zero, a3_1 = zero;
    FloatVector a4_0 = zero, a4_1 = zero;
    FloatVector a5_0 = zero, a5_1 = zero;
    for (int t = 0; t < taps.length; t++) {
      final int wi = wBase + t * 6;
      final int off = base + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + VL);
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      final FloatVector b2 = FloatVector.broadcast(S, w[wi + 2]);
      a2_0 = b2.fma(x0, a2_0);
      a2_1 = b2.fma(x1, a2_1);
      final FloatVector b3 = FloatVector.broadcast(S, w[wi + 3]);
      a3_0 = b3.fma(x0, a3_0);
      a3_1 = b3.fma(x1, a3_1);
      final FloatVector b4 = FloatVector.broadcast(S, w[wi + 4]);
      a4_0 = b4.fma(x0, a4_0);
      a4_1 = b4.fma(x1, a4_1);
      final FloatVector b5 = FloatVector.broadcast(S, w[wi + 5]);
      a5_0 = b5.fma(x0, a5_0);
      a5_1 = b5.fma(x1, a5_1);
    }
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      // Consecutive positions have consecutive outputs (see consec8x3).
      final int o0 = at[j];
      final int o1 = o0 + VL;
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(floor, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(floor, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(floor, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(floor, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(floor, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(floor, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(floor, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(floor, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      final int plane4 = (k0 + 4) * destinationPlane;
      final FloatVector c4 = FloatVector.broadcast(S, bias[k0 + 4]);
      final FloatVector r4_0 = a4_0.add(c4);
      r4_0.blend(floor, r4_0.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o0);
      final FloatVector r4_1 = a4_1.add(c4);
      r4_1.blend(floor, r4_1.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o1);
      final int plane5 = (k0 + 5) * destinationPlane;
      final FloatVector c5 = FloatVector.broadcast(S, bias[k0 + 5]);
      final FloatVector r5_0 = a5_0.add(c5);
      r5_0.blend(floor, r5_0.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o0);
      final FloatVector r5_1 = a5_1.add(c5);
      r5_1.blend(floor, r5_1.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o1);
      return;
    }
    final float[] out = tile;
    a0_0.intoArray(out, 0);
    a0_1.intoArray(out, VL);
    a1_0.intoArray(out, 2 * VL);
    a1_1.intoArray(out, 3 * VL);
    a2_0.intoArray(out, 4 * VL);
    a2_1.intoArray(out, 5 * VL);
    a3_0.intoArray(out, 6 * VL);
    a3_1.intoArray(out, 7 * VL);
    a4_0.intoArray(out, 8 * VL);
    a4_1.intoArray(out, 9 * VL);
    a5_0.intoArray(out, 10 * VL);
    a5_1.intoArray(out, 11 * VL);
    finish(6, 2, k0, j);
  }

  /**
   * 2 filters × 8 vectors, for a group's remaining 2 or 3 filters: 16 accumulators, 26 registers.
   */
  private void block2x8(float[] src, int inBase, int wBase, int k0, int j) {
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
    // A zero made here, not a static constant: C2 cannot unbox a loop phi that starts from a
    // constant vector object, and would allocate a box per FMA.
    final FloatVector zero = FloatVector.zero(S);
    FloatVector a0_0 = zero,
        a0_1 = zero,
        a0_2 = zero,
        a0_3 = zero,
        a0_4 = zero,
        a0_5 = zero,
        a0_6 = zero,
        a0_7 = zero;
    FloatVector a1_0 = zero,
        a1_1 = zero,
        a1_2 = zero,
        a1_3 = zero,
        a1_4 = zero,
        a1_5 = zero,
        a1_6 = zero,
        a1_7 = zero;
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
      final FloatVector b0 = FloatVector.broadcast(S, w[wi]);
      a0_0 = b0.fma(x0, a0_0);
      a0_1 = b0.fma(x1, a0_1);
      a0_2 = b0.fma(x2, a0_2);
      a0_3 = b0.fma(x3, a0_3);
      a0_4 = b0.fma(x4, a0_4);
      a0_5 = b0.fma(x5, a0_5);
      a0_6 = b0.fma(x6, a0_6);
      a0_7 = b0.fma(x7, a0_7);
      final FloatVector b1 = FloatVector.broadcast(S, w[wi + 1]);
      a1_0 = b1.fma(x0, a1_0);
      a1_1 = b1.fma(x1, a1_1);
      a1_2 = b1.fma(x2, a1_2);
      a1_3 = b1.fma(x3, a1_3);
      a1_4 = b1.fma(x4, a1_4);
      a1_5 = b1.fma(x5, a1_5);
      a1_6 = b1.fma(x6, a1_6);
      a1_7 = b1.fma(x7, a1_7);
    }
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j];
      final int o1 = at[j + 1];
      final int o2 = at[j + 2];
      final int o3 = at[j + 3];
      final int o4 = at[j + 4];
      final int o5 = at[j + 5];
      final int o6 = at[j + 6];
      final int o7 = at[j + 7];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final FloatVector r0_2 = a0_2.add(c0);
      r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o2);
      final FloatVector r0_3 = a0_3.add(c0);
      r0_3.blend(zero, r0_3.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o3);
      final FloatVector r0_4 = a0_4.add(c0);
      r0_4.blend(zero, r0_4.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o4);
      final FloatVector r0_5 = a0_5.add(c0);
      r0_5.blend(zero, r0_5.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o5);
      final FloatVector r0_6 = a0_6.add(c0);
      r0_6.blend(zero, r0_6.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o6);
      final FloatVector r0_7 = a0_7.add(c0);
      r0_7.blend(zero, r0_7.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o7);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final FloatVector r1_2 = a1_2.add(c1);
      r1_2.blend(zero, r1_2.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o2);
      final FloatVector r1_3 = a1_3.add(c1);
      r1_3.blend(zero, r1_3.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o3);
      final FloatVector r1_4 = a1_4.add(c1);
      r1_4.blend(zero, r1_4.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o4);
      final FloatVector r1_5 = a1_5.add(c1);
      r1_5.blend(zero, r1_5.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o5);
      final FloatVector r1_6 = a1_6.add(c1);
      r1_6.blend(zero, r1_6.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o6);
      final FloatVector r1_7 = a1_7.add(c1);
      r1_7.blend(zero, r1_7.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o7);
      return;
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
    a1_0.intoArray(out, 8 * VL);
    a1_1.intoArray(out, 9 * VL);
    a1_2.intoArray(out, 10 * VL);
    a1_3.intoArray(out, 11 * VL);
    a1_4.intoArray(out, 12 * VL);
    a1_5.intoArray(out, 13 * VL);
    a1_6.intoArray(out, 14 * VL);
    a1_7.intoArray(out, 15 * VL);
    finish(2, 8, k0, j);
  }

  /**
   * 1 filter × 12 vectors, for a last filter and depthwise groups: 12 independent FMA chains,
   * enough to cover the FMA latency.
   */
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
        a0_11 = zero;
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
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j];
      final int o1 = at[j + 1];
      final int o2 = at[j + 2];
      final int o3 = at[j + 3];
      final int o4 = at[j + 4];
      final int o5 = at[j + 5];
      final int o6 = at[j + 6];
      final int o7 = at[j + 7];
      final int o8 = at[j + 8];
      final int o9 = at[j + 9];
      final int o10 = at[j + 10];
      final int o11 = at[j + 11];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final FloatVector r0_2 = a0_2.add(c0);
      r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o2);
      final FloatVector r0_3 = a0_3.add(c0);
      r0_3.blend(zero, r0_3.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o3);
      final FloatVector r0_4 = a0_4.add(c0);
      r0_4.blend(zero, r0_4.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o4);
      final FloatVector r0_5 = a0_5.add(c0);
      r0_5.blend(zero, r0_5.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o5);
      final FloatVector r0_6 = a0_6.add(c0);
      r0_6.blend(zero, r0_6.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o6);
      final FloatVector r0_7 = a0_7.add(c0);
      r0_7.blend(zero, r0_7.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o7);
      final FloatVector r0_8 = a0_8.add(c0);
      r0_8.blend(zero, r0_8.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o8);
      final FloatVector r0_9 = a0_9.add(c0);
      r0_9.blend(zero, r0_9.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o9);
      final FloatVector r0_10 = a0_10.add(c0);
      r0_10.blend(zero, r0_10.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o10);
      final FloatVector r0_11 = a0_11.add(c0);
      r0_11.blend(zero, r0_11.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o11);
      return;
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

  /**
   * 8 filters × 3 vectors at any 3 positions of the list: the group that crosses a row's end, and
   * flat mode. 24 accumulators, 3 inputs and one broadcast: 28 registers.
   */
  private void block8x3(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final int[] pos = positions;
    final int p0 = pos[j + 0];
    final int p1 = pos[j + 1];
    final int p2 = pos[j + 2];
    final float[] w = packedWeights;
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
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j + 0];
      final int o1 = at[j + 1];
      final int o2 = at[j + 2];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final FloatVector r0_2 = a0_2.add(c0);
      r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o2);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final FloatVector r1_2 = a1_2.add(c1);
      r1_2.blend(zero, r1_2.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o2);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(zero, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(zero, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final FloatVector r2_2 = a2_2.add(c2);
      r2_2.blend(zero, r2_2.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o2);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(zero, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(zero, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      final FloatVector r3_2 = a3_2.add(c3);
      r3_2.blend(zero, r3_2.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o2);
      final int plane4 = (k0 + 4) * destinationPlane;
      final FloatVector c4 = FloatVector.broadcast(S, bias[k0 + 4]);
      final FloatVector r4_0 = a4_0.add(c4);
      r4_0.blend(zero, r4_0.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o0);
      final FloatVector r4_1 = a4_1.add(c4);
      r4_1.blend(zero, r4_1.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o1);
      final FloatVector r4_2 = a4_2.add(c4);
      r4_2.blend(zero, r4_2.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o2);
      final int plane5 = (k0 + 5) * destinationPlane;
      final FloatVector c5 = FloatVector.broadcast(S, bias[k0 + 5]);
      final FloatVector r5_0 = a5_0.add(c5);
      r5_0.blend(zero, r5_0.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o0);
      final FloatVector r5_1 = a5_1.add(c5);
      r5_1.blend(zero, r5_1.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o1);
      final FloatVector r5_2 = a5_2.add(c5);
      r5_2.blend(zero, r5_2.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o2);
      final int plane6 = (k0 + 6) * destinationPlane;
      final FloatVector c6 = FloatVector.broadcast(S, bias[k0 + 6]);
      final FloatVector r6_0 = a6_0.add(c6);
      r6_0.blend(zero, r6_0.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o0);
      final FloatVector r6_1 = a6_1.add(c6);
      r6_1.blend(zero, r6_1.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o1);
      final FloatVector r6_2 = a6_2.add(c6);
      r6_2.blend(zero, r6_2.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o2);
      final int plane7 = (k0 + 7) * destinationPlane;
      final FloatVector c7 = FloatVector.broadcast(S, bias[k0 + 7]);
      final FloatVector r7_0 = a7_0.add(c7);
      r7_0.blend(zero, r7_0.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o0);
      final FloatVector r7_1 = a7_1.add(c7);
      r7_1.blend(zero, r7_1.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o1);
      final FloatVector r7_2 = a7_2.add(c7);
      r7_2.blend(zero, r7_2.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o2);
      return;
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

  /**
   * {@link #block8x3} for a group whose first vector crosses a row's end (aligned flat mode puts
   * the crossing vector of a group first): that vector is two loads and a blend per tap, the same
   * FMAs in the same order. Blending all three vectors instead cost 30 % per group.
   */
  private void cross8x3(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final int[] pos = positions;
    final int p0 = pos[j + 0];
    final int p1 = pos[j + 1];
    final int p2 = pos[j + 2];
    // The next row's inputs lie phaseWidth − outWidth (the halo columns) further on.
    final int d0 = p0 + phaseWidth - outWidth;
    // Lanes at or past the crossing lane come from the next row's inputs.
    final FloatVector lane = FloatVector.fromArray(S, LANE_INDEX, 0);
    final VectorMask<Float> m0 = lane.compare(VectorOperators.GE, (float) crossLane[j + 0]);
    final float[] w = packedWeights;
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
      final FloatVector x0 =
          FloatVector.fromArray(S, src, off + p0)
              .blend(FloatVector.fromArray(S, src, off + d0), m0);
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
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      final int o0 = at[j + 0];
      final int o1 = at[j + 1];
      final int o2 = at[j + 2];
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final FloatVector r0_2 = a0_2.add(c0);
      r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o2);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final FloatVector r1_2 = a1_2.add(c1);
      r1_2.blend(zero, r1_2.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o2);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(zero, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(zero, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final FloatVector r2_2 = a2_2.add(c2);
      r2_2.blend(zero, r2_2.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o2);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(zero, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(zero, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      final FloatVector r3_2 = a3_2.add(c3);
      r3_2.blend(zero, r3_2.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o2);
      final int plane4 = (k0 + 4) * destinationPlane;
      final FloatVector c4 = FloatVector.broadcast(S, bias[k0 + 4]);
      final FloatVector r4_0 = a4_0.add(c4);
      r4_0.blend(zero, r4_0.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o0);
      final FloatVector r4_1 = a4_1.add(c4);
      r4_1.blend(zero, r4_1.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o1);
      final FloatVector r4_2 = a4_2.add(c4);
      r4_2.blend(zero, r4_2.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o2);
      final int plane5 = (k0 + 5) * destinationPlane;
      final FloatVector c5 = FloatVector.broadcast(S, bias[k0 + 5]);
      final FloatVector r5_0 = a5_0.add(c5);
      r5_0.blend(zero, r5_0.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o0);
      final FloatVector r5_1 = a5_1.add(c5);
      r5_1.blend(zero, r5_1.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o1);
      final FloatVector r5_2 = a5_2.add(c5);
      r5_2.blend(zero, r5_2.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o2);
      final int plane6 = (k0 + 6) * destinationPlane;
      final FloatVector c6 = FloatVector.broadcast(S, bias[k0 + 6]);
      final FloatVector r6_0 = a6_0.add(c6);
      r6_0.blend(zero, r6_0.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o0);
      final FloatVector r6_1 = a6_1.add(c6);
      r6_1.blend(zero, r6_1.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o1);
      final FloatVector r6_2 = a6_2.add(c6);
      r6_2.blend(zero, r6_2.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o2);
      final int plane7 = (k0 + 7) * destinationPlane;
      final FloatVector c7 = FloatVector.broadcast(S, bias[k0 + 7]);
      final FloatVector r7_0 = a7_0.add(c7);
      r7_0.blend(zero, r7_0.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o0);
      final FloatVector r7_1 = a7_1.add(c7);
      r7_1.blend(zero, r7_1.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o1);
      final FloatVector r7_2 = a7_2.add(c7);
      r7_2.blend(zero, r7_2.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o2);
      return;
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

  /**
   * 8 filters × 3 consecutive vectors of one row (positions p, p + VL, p + 2·VL): the main
   * micro-kernel. The same FMAs in the same order as {@link #block8x3}; only the addressing
   * differs.
   */
  private void consec8x3(float[] src, int inBase, int wBase, int k0, int j) {
    final int[] taps = tapOffsets;
    final int base = inBase + positions[j];
    final float[] w = packedWeights;
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
      final int off = base + taps[t];
      final FloatVector x0 = FloatVector.fromArray(S, src, off);
      final FloatVector x1 = FloatVector.fromArray(S, src, off + VL);
      final FloatVector x2 = FloatVector.fromArray(S, src, off + 2 * VL);
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
    if (fusedEpilogue) {
      final float[] out = destination;
      final int[] at = outOffsets;
      final FloatVector floor = FloatVector.broadcast(S, reluFloor);
      // Positions and output offsets of one list entry differ by the same amount from the next
      // entry's (rows and flat bands alike), so consecutive positions have consecutive outputs:
      // constant offsets from o0, and C2 checks each plane's range once for its three stores.
      final int o0 = at[j];
      final int o1 = o0 + VL;
      final int o2 = o0 + 2 * VL;
      final int plane0 = k0 * destinationPlane;
      final FloatVector c0 = FloatVector.broadcast(S, bias[k0]);
      final FloatVector r0_0 = a0_0.add(c0);
      r0_0.blend(zero, r0_0.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o0);
      final FloatVector r0_1 = a0_1.add(c0);
      r0_1.blend(zero, r0_1.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o1);
      final FloatVector r0_2 = a0_2.add(c0);
      r0_2.blend(zero, r0_2.compare(VectorOperators.LE, floor)).intoArray(out, plane0 + o2);
      final int plane1 = (k0 + 1) * destinationPlane;
      final FloatVector c1 = FloatVector.broadcast(S, bias[k0 + 1]);
      final FloatVector r1_0 = a1_0.add(c1);
      r1_0.blend(zero, r1_0.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o0);
      final FloatVector r1_1 = a1_1.add(c1);
      r1_1.blend(zero, r1_1.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o1);
      final FloatVector r1_2 = a1_2.add(c1);
      r1_2.blend(zero, r1_2.compare(VectorOperators.LE, floor)).intoArray(out, plane1 + o2);
      final int plane2 = (k0 + 2) * destinationPlane;
      final FloatVector c2 = FloatVector.broadcast(S, bias[k0 + 2]);
      final FloatVector r2_0 = a2_0.add(c2);
      r2_0.blend(zero, r2_0.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o0);
      final FloatVector r2_1 = a2_1.add(c2);
      r2_1.blend(zero, r2_1.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o1);
      final FloatVector r2_2 = a2_2.add(c2);
      r2_2.blend(zero, r2_2.compare(VectorOperators.LE, floor)).intoArray(out, plane2 + o2);
      final int plane3 = (k0 + 3) * destinationPlane;
      final FloatVector c3 = FloatVector.broadcast(S, bias[k0 + 3]);
      final FloatVector r3_0 = a3_0.add(c3);
      r3_0.blend(zero, r3_0.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o0);
      final FloatVector r3_1 = a3_1.add(c3);
      r3_1.blend(zero, r3_1.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o1);
      final FloatVector r3_2 = a3_2.add(c3);
      r3_2.blend(zero, r3_2.compare(VectorOperators.LE, floor)).intoArray(out, plane3 + o2);
      final int plane4 = (k0 + 4) * destinationPlane;
      final FloatVector c4 = FloatVector.broadcast(S, bias[k0 + 4]);
      final FloatVector r4_0 = a4_0.add(c4);
      r4_0.blend(zero, r4_0.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o0);
      final FloatVector r4_1 = a4_1.add(c4);
      r4_1.blend(zero, r4_1.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o1);
      final FloatVector r4_2 = a4_2.add(c4);
      r4_2.blend(zero, r4_2.compare(VectorOperators.LE, floor)).intoArray(out, plane4 + o2);
      final int plane5 = (k0 + 5) * destinationPlane;
      final FloatVector c5 = FloatVector.broadcast(S, bias[k0 + 5]);
      final FloatVector r5_0 = a5_0.add(c5);
      r5_0.blend(zero, r5_0.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o0);
      final FloatVector r5_1 = a5_1.add(c5);
      r5_1.blend(zero, r5_1.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o1);
      final FloatVector r5_2 = a5_2.add(c5);
      r5_2.blend(zero, r5_2.compare(VectorOperators.LE, floor)).intoArray(out, plane5 + o2);
      final int plane6 = (k0 + 6) * destinationPlane;
      final FloatVector c6 = FloatVector.broadcast(S, bias[k0 + 6]);
      final FloatVector r6_0 = a6_0.add(c6);
      r6_0.blend(zero, r6_0.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o0);
      final FloatVector r6_1 = a6_1.add(c6);
      r6_1.blend(zero, r6_1.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o1);
      final FloatVector r6_2 = a6_2.add(c6);
      r6_2.blend(zero, r6_2.compare(VectorOperators.LE, floor)).intoArray(out, plane6 + o2);
      final int plane7 = (k0 + 7) * destinationPlane;
      final FloatVector c7 = FloatVector.broadcast(S, bias[k0 + 7]);
      final FloatVector r7_0 = a7_0.add(c7);
      r7_0.blend(zero, r7_0.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o0);
      final FloatVector r7_1 = a7_1.add(c7);
      r7_1.blend(zero, r7_1.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o1);
      final FloatVector r7_2 = a7_2.add(c7);
      r7_2.blend(zero, r7_2.compare(VectorOperators.LE, floor)).intoArray(out, plane7 + o2);
      return;
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
}
