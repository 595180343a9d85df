package io.haloconv.io;

import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Npz;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.Golden;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * End-to-end check of the design.md §2 pixel conventions against the golden image cases (the
 * repository's, and ../shared/golden's when present): decode each image with {@code --channels keep
 * --normalize unit}, convolve it with a naive test-only convolution, and compare with the expected
 * feature maps PyTorch computed in float64 from a reference decode. Channel order (RGB, not BGR),
 * palette expansion, alpha and the /255, /65535 scales all show.
 */
class GoldenImagesTest {
  static List<Golden.Case> cases() {
    return Golden.cases("images");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodedImagesConvolveToTheGoldenFeatureMaps(Golden.Case c) throws IOException {
    // This test's own convolution knows zero padding P on every side, stride S and relu only.
    JsonNode spec = c.json().get("spec");
    assertThat(spec.get("padding").isInt() && spec.get("stride").isInt())
        .as("%s: a case for this test has integer stride and padding", c)
        .isTrue();
    assertThat(spec.has("padding_mode") || spec.has("dilation") || spec.has("groups"))
        .as("%s: a case for this test has no padding mode, dilation or groups", c)
        .isFalse();
    int stride = spec.get("stride").asInt();
    int padding = spec.get("padding").asInt();
    String activation = spec.has("activation") ? spec.get("activation").asText() : "none";
    assertThat(activation).as("%s: activation", c).isIn("none", "relu");
    boolean relu = activation.equals("relu");
    ImageInfo info =
        ImageProbe.probe(local(), hadoop(c.file("image")), ImageProbe.DEFAULT_MAX_PIXELS);
    Tensor3 x;
    try (ImageSource source =
        ImageSource.open(local(), info, ChannelMode.KEEP, Normalization.UNIT)) {
      x = source.readAll();
    }
    Map<String, NpyArray> bank;
    try (InputStream in = Files.newInputStream(c.file("filters"))) {
      bank = Npz.read(in);
    }
    NpyArray expected;
    try (InputStream in = Files.newInputStream(c.file("expected"))) {
      expected = Npy.read(in);
    }
    Tensor3 y = conv(x, bank.get("weight"), bank.get("bias").data(), stride, padding, relu);
    assertThat(new int[] {y.channels(), y.height(), y.width()}).containsExactly(expected.shape());
    float[] want = expected.data();
    float[] got = y.data();
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      worst = Math.max(worst, Math.abs(got[i] - want[i]) / (1e-4 + 1e-4 * Math.abs(want[i])));
    }
    assertThat(worst).as("worst error in units of design.md §1's tolerance").isLessThanOrEqualTo(1);
  }

  /** Naive zero-padded cross-correlation in double, for this test only. */
  private static Tensor3 conv(
      Tensor3 x, NpyArray weight, float[] bias, int stride, int padding, boolean relu) {
    int k = weight.dimension(0);
    int c = weight.dimension(1);
    int fh = weight.dimension(2);
    int fw = weight.dimension(3);
    assertThat(x.channels()).isEqualTo(c);
    int oh = (x.height() + 2 * padding - fh) / stride + 1;
    int ow = (x.width() + 2 * padding - fw) / stride + 1;
    Tensor3 y = Tensor3.zeros(k, oh, ow);
    float[] w = weight.data();
    for (int o = 0; o < k; o++) {
      for (int oy = 0; oy < oh; oy++) {
        for (int ox = 0; ox < ow; ox++) {
          double sum = bias[o];
          for (int ci = 0; ci < c; ci++) {
            for (int ky = 0; ky < fh; ky++) {
              int iy = oy * stride - padding + ky;
              if (iy < 0 || iy >= x.height()) {
                continue;
              }
              for (int kx = 0; kx < fw; kx++) {
                int ix = ox * stride - padding + kx;
                if (ix >= 0 && ix < x.width()) {
                  sum += (double) w[((o * c + ci) * fh + ky) * fw + kx] * x.get(ci, iy, ix);
                }
              }
            }
          }
          y.set(o, oy, ox, (float) (relu ? Math.max(0, sum) : sum));
        }
      }
    }
    return y;
  }
}
