package io.haloconv.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.TileSizes;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Checks a stack makes before any image, and per image; pool semantics at the edges. */
class LayerStackTest {
  static ConvLayer conv(String name, FilterBank bank, ConvSpec spec) {
    return new ConvLayer(name, "", bank, spec, false);
  }

  static PoolLayer pool(String name, PoolOp op, int size, int stride, int padding) {
    return new PoolLayer(
        name,
        new PoolSpec(
            op,
            size,
            size,
            stride,
            stride,
            new Padding.Explicit(padding, padding, padding, padding)),
        false);
  }

  @Test
  void smallestImageComposesEveryLayer() {
    FilterBank bank = FilterBanks.random("2,3,5");
    LayerStack stack =
        new LayerStack(
            List.of(
                conv("c", bank, ConvSpec.builder(bank).build()), pool("p", PoolOp.MAX, 2, 2, 0)));
    // conv 5x5 valid: out = in - 4; pool 2: needs 2
    assertThat(stack.minimumInput()).containsExactly(6, 6);
    assertThatThrownBy(() -> stack.geometry(3, 5, 40))
        .hasMessage(
            "layer p: output would be empty: input height 1 + padding 0 is smaller than"
                + " the pool size 2");
  }

  @Test
  void oneLayerStackKeepsTheSingleLayerMessagesAndTileSide() {
    FilterBank bank = FilterBanks.random("16,3,3");
    ConvSpec spec = ConvSpec.builder(bank).padding(1).paddingMode(PaddingMode.REFLECT).build();
    LayerStack stack = LayerStack.of(bank, spec, "random:16,3,3");
    assertThatThrownBy(() -> stack.geometry(3, 1, 10))
        .hasMessage("reflect padding 1 must be < the input height 1");
    assertThat(stack.defaultTileSide(4)).isEqualTo(TileSizes.defaultSide(16, 4));
  }

  @Test
  void defaultTileShrinksUntilIntermediateMapsFit() {
    FilterBank wide = FilterBanks.random("256,3,3");
    FilterBank narrow = FilterBanks.random("4,256,3");
    LayerStack stack =
        new LayerStack(
            List.of(
                conv("wide", wide, ConvSpec.builder(wide).build()),
                pool("p", PoolOp.AVG, 2, 2, 0),
                conv("narrow", narrow, ConvSpec.builder(narrow).build())));
    int side = stack.defaultTileSide(4);
    assertThat(side).isLessThan(TileSizes.defaultSide(4, 4)).isGreaterThanOrEqualTo(16);
    assertThat(side % 16).isZero();
    assertThat(stack.intermediateBytes(side, 3)).isLessThanOrEqualTo(LayerStack.INTERMEDIATE_BYTES);
  }

  @Test
  void poolsKeepTheChannelsAndTakeAny() {
    LayerStack stack =
        new LayerStack(List.of(pool("a", PoolOp.MAX, 2, 2, 1), pool("b", PoolOp.AVG, 3, 1, 1)));
    assertThat(stack.inputChannels()).isEmpty();
    assertThat(stack.geometry(7, 10, 10).outChannels()).isEqualTo(7);
  }

  @Test
  void maxPoolPaddingNeverWinsAndAvgPoolPaddingCountsAsZero() {
    Tensor3 image = Tensor3.wrap(1, 1, 3, new float[] {-1, -2, -3});
    LayerStack max =
        new LayerStack(
            List.of(
                new PoolLayer(
                    "m",
                    new PoolSpec(PoolOp.MAX, 1, 2, 1, 2, new Padding.Explicit(0, 0, 1, 1)),
                    false)));
    assertThat(StackEvaluator.evaluateImage(max, image).get("m").data()).containsExactly(-1, -2);
    LayerStack avg =
        new LayerStack(
            List.of(
                new PoolLayer(
                    "a",
                    new PoolSpec(PoolOp.AVG, 1, 2, 1, 2, new Padding.Explicit(0, 0, 1, 1)),
                    false)));
    assertThat(StackEvaluator.evaluateImage(avg, image).get("a").data())
        .containsExactly(-0.5f, -2.5f);
  }

  @Test
  void poolPaddingIsAtMostHalfTheWindow() {
    assertThatThrownBy(() -> new PoolSpec(PoolOp.MAX, 2, 4, 2, 2, new Padding.Explicit(0, 0, 0, 3)))
        .hasMessage("pool padding must be at most half the pool size, got right 3 for size 4");
    assertThat(new PoolSpec(PoolOp.MAX, 3, 3, 2, 2, Padding.SAME).geometry(5, 6).rows().before())
        .isLessThanOrEqualTo(1);
  }
}
