package io.haloconv.conv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** BatchNorm and bias folding in float64, rounded once, against the formula written out. */
class BankFoldingTest {
  @Test
  void foldEqualsTheFormulaRoundedOnce() {
    Random r = new Random(15);
    int k = 5;
    int per = 2 * 3 * 3;
    double[] w = new double[k * per];
    double[] b = new double[k];
    double[] scale = new double[k];
    double[] shift = new double[k];
    double[] mean = new double[k];
    double[] var = new double[k];
    double[] add = new double[k];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    for (int i = 0; i < k; i++) {
      b[i] = (float) r.nextGaussian();
      scale[i] = (float) (0.5 + r.nextDouble());
      shift[i] = (float) r.nextGaussian();
      mean[i] = (float) r.nextGaussian();
      var[i] = (float) (0.1 + r.nextDouble());
      add[i] = (float) r.nextGaussian();
    }
    FilterBank bank =
        BankFolding.of(k, 2, 3, 3, w, b)
            .batchNorm(scale, shift, mean, var, 1e-3)
            .addBias(add)
            .build();
    for (int f = 0; f < k; f++) {
      double a = scale[f] / Math.sqrt(var[f] + 1e-3);
      for (int i = 0; i < per; i++) {
        assertThat(bank.weight()[f * per + i]).isEqualTo((float) (w[f * per + i] * a));
      }
      assertThat(bank.bias()[f]).isEqualTo((float) ((b[f] - mean[f]) * a + shift[f] + add[f]));
    }
    assertThat(bank.shapeString()).isEqualTo("(5, 2, 3, 3)");
  }

  @Test
  void noAffineMeansScaleOneShiftZero() {
    FilterBank bank =
        BankFolding.of(1, 1, 1, 1, new double[] {2}, null)
            .batchNorm(null, null, new double[] {1}, new double[] {4}, 0)
            .build();
    assertThat(bank.weight()[0]).isEqualTo(1f);
    assertThat(bank.bias()[0]).isEqualTo(-0.5f);
  }

  @Test
  void impossibleStatisticsAreOneLineErrors() {
    BankFolding f = BankFolding.of(2, 1, 1, 1, new double[] {1, 1}, null);
    assertThatThrownBy(
            () -> f.batchNorm(null, null, new double[] {0, 0}, new double[] {1, -1}, 1e-5))
        .hasMessage(
            "running_var[1] + epsilon is -0.99999; it must be finite and > 0 to fold the batch"
                + " normalisation");
    assertThatThrownBy(() -> f.batchNorm(null, null, new double[] {0}, new double[] {1, 1}, 1e-5))
        .hasMessage("running_mean has 1 values, expected one per filter (2)");
    assertThatThrownBy(() -> f.addBias(new double[] {1, 2, 3}))
        .hasMessage("added bias has 3 values, expected one per filter (2)");
    assertThatThrownBy(
            () ->
                BankFolding.of(1, 1, 1, 1, new double[] {1e30}, null)
                    .batchNorm(new double[] {1e30}, null, new double[] {0}, new double[] {1}, 0)
                    .build())
        .hasMessageContaining("every weight must be finite");
  }
}
