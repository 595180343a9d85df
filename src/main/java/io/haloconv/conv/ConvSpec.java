package io.haloconv.conv;

import java.io.Serializable;

/**
 * One convolution layer as design.md §1 defines it, with PyTorch {@code conv2d} semantics: kernel
 * size, stride, dilation, groups, padding form, padding mode and activation. The filter values live
 * in {@link FilterBank}; this record is the arithmetic.
 */
public record ConvSpec(
    int kernelHeight,
    int kernelWidth,
    int strideHeight,
    int strideWidth,
    int dilationHeight,
    int dilationWidth,
    int groups,
    Padding padding,
    PaddingMode paddingMode,
    Activation activation)
    implements Serializable {

  public ConvSpec {
    requireAtLeastOne("kernel height", kernelHeight);
    requireAtLeastOne("kernel width", kernelWidth);
    requireAtLeastOne("stride", strideHeight);
    requireAtLeastOne("stride", strideWidth);
    requireAtLeastOne("dilation", dilationHeight);
    requireAtLeastOne("dilation", dilationWidth);
    requireAtLeastOne("groups", groups);
    if (padding == null) {
      throw new IllegalArgumentException("padding is null");
    }
    if (paddingMode == null) {
      throw new IllegalArgumentException("padding mode is null");
    }
    if (activation == null) {
      throw new IllegalArgumentException("activation is null");
    }
  }

  private static void requireAtLeastOne(String name, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, got " + value);
    }
  }

  /** A spec with stride 1, dilation 1, one group, no padding, zeros mode and no activation. */
  public static Builder builder(int kernelHeight, int kernelWidth) {
    return new Builder(kernelHeight, kernelWidth);
  }

  /** A builder starting from the kernel size of {@code bank}. */
  public static Builder builder(FilterBank bank) {
    return new Builder(bank.kernelHeight(), bank.kernelWidth());
  }

  /**
   * Resolves padding and output size for an input of {@code height}×{@code width}.
   *
   * @throws IllegalArgumentException when the output would be empty or the padding mode cannot
   *     produce the padding, with a message naming the sizes
   */
  public ConvGeometry geometry(int height, int width) {
    AxisGeometry rows =
        padding.resolve(Padding.Axis.ROWS, height, kernelHeight, strideHeight, dilationHeight);
    AxisGeometry cols =
        padding.resolve(Padding.Axis.COLS, width, kernelWidth, strideWidth, dilationWidth);
    for (AxisGeometry axis : new AxisGeometry[] {rows, cols}) {
      String name = axis == rows ? "height" : "width";
      if (axis.output() < 1) {
        throw new IllegalArgumentException(
            "output would be empty: input "
                + name
                + " "
                + axis.input()
                + " + padding "
                + (axis.before() + axis.after())
                + " is smaller than the kernel's reach "
                + axis.receptiveField());
      }
      paddingMode.checkPadding(name, axis.before(), axis.after(), axis.input());
    }
    return new ConvGeometry(rows, cols);
  }

  /**
   * Checks that {@code bank} has this kernel size and that its filters split into {@code groups}.
   */
  public void checkBank(FilterBank bank) {
    if (bank.kernelHeight() != kernelHeight || bank.kernelWidth() != kernelWidth) {
      throw new IllegalArgumentException(
          "spec kernel "
              + kernelHeight
              + "x"
              + kernelWidth
              + " does not match the bank's "
              + bank.kernelHeight()
              + "x"
              + bank.kernelWidth());
    }
    if (bank.filters() % groups != 0) {
      throw new IllegalArgumentException(
          "groups " + groups + " must divide the bank's " + bank.filters() + " filters");
    }
  }

  /** Input channels an image must have for this spec and {@code bank}: groups × bank channels. */
  public int inputChannels(FilterBank bank) {
    return groups * bank.channelsPerGroup();
  }

  /** Multiply-adds per output pixel per filter. */
  public long macsPerOutput(FilterBank bank) {
    return (long) bank.channelsPerGroup() * kernelHeight * kernelWidth;
  }

  /** Builds a {@link ConvSpec}; every setter validates through the record's constructor. */
  public static final class Builder {
    private final int kernelHeight;
    private final int kernelWidth;
    private int strideHeight = 1;
    private int strideWidth = 1;
    private int dilationHeight = 1;
    private int dilationWidth = 1;
    private int groups = 1;
    private Padding padding = Padding.VALID;
    private PaddingMode paddingMode = PaddingMode.ZEROS;
    private Activation activation = Activation.NONE;

    private Builder(int kernelHeight, int kernelWidth) {
      this.kernelHeight = kernelHeight;
      this.kernelWidth = kernelWidth;
    }

    public Builder stride(int height, int width) {
      this.strideHeight = height;
      this.strideWidth = width;
      return this;
    }

    public Builder stride(int stride) {
      return stride(stride, stride);
    }

    public Builder dilation(int height, int width) {
      this.dilationHeight = height;
      this.dilationWidth = width;
      return this;
    }

    public Builder dilation(int dilation) {
      return dilation(dilation, dilation);
    }

    public Builder groups(int groups) {
      this.groups = groups;
      return this;
    }

    public Builder padding(Padding padding) {
      this.padding = padding;
      return this;
    }

    public Builder padding(int padding) {
      return padding(new Padding.Explicit(padding, padding, padding, padding));
    }

    public Builder paddingMode(PaddingMode paddingMode) {
      this.paddingMode = paddingMode;
      return this;
    }

    public Builder activation(Activation activation) {
      this.activation = activation;
      return this;
    }

    public ConvSpec build() {
      return new ConvSpec(
          kernelHeight,
          kernelWidth,
          strideHeight,
          strideWidth,
          dilationHeight,
          dilationWidth,
          groups,
          padding,
          paddingMode,
          activation);
    }
  }
}
