package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ConvSpecTest {

  @Test
  void outputSizeFollowsTheFloorFormula() {
    ConvSpec spec = ConvSpec.builder(7, 7).stride(2).padding(3).build();
    ConvGeometry g = spec.geometry(31, 29);
    assertThat(g.outHeight()).isEqualTo(16);
    assertThat(g.outWidth()).isEqualTo(15);
  }

  @Test
  void samePaddingFollowsTensorFlowRule() {
    // in 16, stride 2, F 3: out 8, total max(7*2+3-16,0)=1 -> before 0, after 1
    ConvSpec spec = ConvSpec.builder(3, 3).stride(2).padding(Padding.SAME).build();
    ConvGeometry g = spec.geometry(16, 20);
    assertThat(g.rows().before()).isZero();
    assertThat(g.rows().after()).isEqualTo(1);
    assertThat(g.outHeight()).isEqualTo(8);
    assertThat(g.outWidth()).isEqualTo(10);
    // even kernel 4, stride 1: total 3 -> before 1, after 2
    ConvGeometry even = ConvSpec.builder(4, 4).padding(Padding.SAME).build().geometry(15, 15);
    assertThat(even.rows().before()).isEqualTo(1);
    assertThat(even.rows().after()).isEqualTo(2);
    assertThat(even.outHeight()).isEqualTo(15);
    // odd F, stride 1: (F-1)/2 each side
    ConvGeometry odd =
        ConvSpec.builder(5, 5).dilation(1).padding(Padding.SAME).build().geometry(9, 9);
    assertThat(odd.rows().before()).isEqualTo(2);
    assertThat(odd.rows().after()).isEqualTo(2);
  }

  @Test
  void emptyOutputIsRefusedWithSizes() {
    ConvSpec spec = ConvSpec.builder(5, 5).build();
    assertThatThrownBy(() -> spec.geometry(3, 10))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "output would be empty: input height 3 + padding 0 is smaller than the kernel's reach 5");
  }

  @Test
  void reflectPaddingMustBeSmallerThanInputAsInPyTorch() {
    ConvSpec spec = ConvSpec.builder(5, 5).padding(3).paddingMode(PaddingMode.REFLECT).build();
    assertThatThrownBy(() -> spec.geometry(3, 10))
        .hasMessage("reflect padding 3 must be < the input height 3");
    assertThat(spec.geometry(4, 10).outHeight()).isEqualTo(6);
  }

  @Test
  void paddingModesMapLikePyTorch() {
    // F.pad([0,1,2,3], (2,2), mode) -> reflect 2,1,0,1,2,3,2,1; replicate 0,0,0..3,3,3; circular
    // 2,3,0..3,0,1
    int[] reflect = new int[8];
    int[] replicate = new int[8];
    int[] circular = new int[8];
    int[] zeros = new int[8];
    for (int i = 0; i < 8; i++) {
      reflect[i] = PaddingMode.REFLECT.sourceIndex(i - 2, 4);
      replicate[i] = PaddingMode.REPLICATE.sourceIndex(i - 2, 4);
      circular[i] = PaddingMode.CIRCULAR.sourceIndex(i - 2, 4);
      zeros[i] = PaddingMode.ZEROS.sourceIndex(i - 2, 4);
    }
    assertThat(reflect).containsExactly(2, 1, 0, 1, 2, 3, 2, 1);
    assertThat(replicate).containsExactly(0, 0, 0, 1, 2, 3, 3, 3);
    assertThat(circular).containsExactly(2, 3, 0, 1, 2, 3, 0, 1);
    assertThat(zeros).containsExactly(-1, -1, 0, 1, 2, 3, -1, -1);
  }

  @Test
  void paddingParsesEveryCliForm() {
    assertThat(Padding.parse("2")).isEqualTo(new Padding.Explicit(2, 2, 2, 2));
    assertThat(Padding.parse("1,2")).isEqualTo(new Padding.Explicit(1, 1, 2, 2));
    assertThat(Padding.parse("0,2,1,0")).isEqualTo(new Padding.Explicit(0, 2, 1, 0));
    assertThat(Padding.parse("same")).isEqualTo(Padding.SAME);
    assertThat(Padding.parse("valid")).isEqualTo(Padding.VALID);
    assertThatThrownBy(() -> Padding.parse("1,2,3"))
        .hasMessage("padding must be P, PH,PW, T,B,L,R, same or valid, got '1,2,3'");
    assertThatThrownBy(() -> Padding.parse("-1"))
        .hasMessage("padding must be >= 0 on every side, got -1,-1,-1,-1");
  }

  @Test
  void constructorNamesTheBadValue() {
    assertThatThrownBy(() -> ConvSpec.builder(3, 3).stride(0).build())
        .hasMessage("stride must be >= 1, got 0");
    assertThatThrownBy(() -> ConvSpec.builder(3, 3).dilation(-2).build())
        .hasMessage("dilation must be >= 1, got -2");
    assertThatThrownBy(() -> ConvSpec.builder(3, 3).groups(0).build())
        .hasMessage("groups must be >= 1, got 0");
  }

  @Test
  void activationParsesAndPrintsBack() {
    assertThat(Activation.parse("relu")).isEqualTo(Activation.RELU);
    assertThat(Activation.parse("leaky_relu:0.1").alpha()).isEqualTo(0.1f);
    assertThat(Activation.parse("leaky_relu:0.1").toString()).isEqualTo("leaky_relu:0.1");
    assertThat(Activation.parse("tanh").apply(100f)).isEqualTo(1f);
    assertThat(Activation.RELU.apply(-3f)).isEqualTo(0f);
    assertThatThrownBy(() -> Activation.parse("gelu"))
        .hasMessage("activation must be none, relu, leaky_relu:ALPHA, sigmoid or tanh, got 'gelu'");
  }
}
