package io.haloconv.spark.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.RegionReader;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A written part of a tile holds its feature array itself, refuses values out of their range with a
 * message naming the value, and {@link TilePart#encode} takes a region's place and values.
 */
class TilePartTest {
  /** 4 filters of 3×3 over 3 channels, same padding: a 9×11 image has a 4×9×11 map. */
  private static final FilterBank BANK = FilterBanks.random(4, 3, 3, 5);

  private static final LayerStack STACK =
      LayerStack.of(BANK, ConvSpec.builder(BANK).padding(Padding.SAME).build(), "random");

  private static final StackGeometry G = STACK.geometry(3, 9, 11);

  /** A 2×3 part of the 4-channel map at (y0, x0), with the features its size needs. */
  private static TilePart part(int y0, int x0, byte[] features, double validFraction) {
    return new TilePart(
        "a.png", G, 0, y0, x0, 2, 3, 4, features, Precision.FLOAT16, null, validFraction);
  }

  @Test
  void aPartHoldsItsFeatureArrayAndAnotherValidFractionKeepsIt() {
    byte[] features = new byte[4 * 2 * 3 * 2];
    TilePart part = part(7, 8, features, 1.0);
    assertThat(part.features()).isSameAs(features);
    TilePart half = part.withValidFraction(0.5);
    assertThat(half.features()).isSameAs(features);
    assertThat(half.validFraction()).isEqualTo(0.5);
    assertThat(half.withValidFraction(1.0)).isEqualTo(part);
  }

  @Test
  void valuesOutOfTheirRangeAreRefusedWithTheirRange() {
    byte[] features = new byte[4 * 2 * 3 * 2];
    assertThatThrownBy(() -> part(8, 0, features, 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "tile part rows [8, 10) and columns [0, 3) must lie in layer 0's 9x11 map for a.png");
    assertThatThrownBy(() -> part(-1, 0, features, 1.0))
        .hasMessage(
            "tile part rows [-1, 1) and columns [0, 3) must lie in layer 0's 9x11 map for a.png");
    assertThatThrownBy(() -> part(0, 0, new byte[47], 1.0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("features must hold 48 bytes (4x2x3 float16), got 47 for a.png");
    assertThatThrownBy(() -> part(0, 0, features, 1.5))
        .hasMessage("valid fraction must be in [0, 1], got 1.5 for a.png");
    assertThatThrownBy(() -> part(0, 0, features, Double.NaN))
        .hasMessage("valid fraction must be in [0, 1], got NaN for a.png");
    assertThatThrownBy(
            () ->
                new TilePart("a.png", G, 1, 0, 0, 2, 3, 4, features, Precision.FLOAT16, null, 1.0))
        .hasMessage("layer must be in [0, 1), got 1 for a.png");
    assertThatThrownBy(
            () ->
                new TilePart("a.png", G, 0, 0, 0, 2, 3, 3, features, Precision.FLOAT16, null, 1.0))
        .hasMessage("channels must be layer 0's 4, got 3 for a.png");
    assertThatThrownBy(
            () ->
                new TilePart(
                    "a.png", G, 0, 0, 0, 0, 3, 4, new byte[0], Precision.FLOAT16, null, 1.0))
        .hasMessage("tile part must be at least 1x1, got 0x3 for a.png");
    assertThatThrownBy(
            () -> new TilePart(null, G, 0, 0, 0, 2, 3, 4, features, Precision.FLOAT16, null, 1.0))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("path is null");
  }

  @Test
  void encodedRegionsCarryTheirPlaceAndTheWholeMapsValuesAsLittleEndianFloats() throws Exception {
    Random random = new Random(3);
    Tensor3 image = Tensor3.zeros(3, 9, 11);
    for (int i = 0; i < image.data().length; i++) {
      image.data()[i] = random.nextFloat();
    }
    Tensor3 whole = StackEvaluator.evaluateImage(STACK, image).values().iterator().next();
    List<TilePart> parts = new ArrayList<>();
    new StackEvaluator(STACK)
        .evaluate(
            G,
            G.plan(4, 5, 3, 6),
            RegionReader.of(image),
            region -> parts.add(TilePart.encode("b.tif", G, region, Precision.FLOAT32, null)));
    assertThat(parts).hasSize(1);
    TilePart part = parts.get(0);
    assertThat(new int[] {part.layer(), part.y0(), part.x0(), part.height(), part.width()})
        .containsExactly(0, 4, 5, 3, 6);
    assertThat(part.channels()).isEqualTo(4);
    assertThat(part.validFraction()).isEqualTo(1.0);
    assertThat(part.path()).isEqualTo("b.tif");
    ByteBuffer bytes = ByteBuffer.wrap(part.features()).order(ByteOrder.LITTLE_ENDIAN);
    assertThat(bytes.remaining()).isEqualTo(4 * 3 * 6 * 4);
    for (int c = 0; c < 4; c++) {
      for (int y = 0; y < 3; y++) {
        for (int x = 0; x < 6; x++) {
          assertThat(bytes.getFloat()).isEqualTo(whole.get(c, 4 + y, 5 + x));
        }
      }
    }
  }
}
