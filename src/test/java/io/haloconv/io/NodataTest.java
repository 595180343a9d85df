package io.haloconv.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.tensor.Tensor3;
import org.junit.jupiter.api.Test;

/** {@code --nodata}: which images get a mask, and which pixels it marks (any band, or NaN). */
class NodataTest {
  private static ImageInfo image(SampleFormat format, int bits, String nodata) {
    ImageInfo info =
        new ImageInfo(
            "file:/x.tif", ImageFormat.TIFF, 4, 2, 3, bits, PixelLayout.RGB, format, 4, 2, 100);
    return nodata == null
        ? info
        : info.withGeoreference(new Georeference(null, 0, nodata, Double.NaN, Double.NaN));
  }

  @Test
  void policiesPickTheFilesValueAValueOrNothing() {
    ImageInfo bytes = image(SampleFormat.UNSIGNED_INTEGER, 8, null);
    ImageInfo bytesWithNodata = image(SampleFormat.UNSIGNED_INTEGER, 8, "0");
    ImageInfo floats = image(SampleFormat.FLOAT, 32, "-9999");
    assertThat(NodataPolicy.AUTO.maskFor(bytes)).isNull();
    assertThat(NodataPolicy.AUTO.maskFor(bytesWithNodata)).isEqualTo(new NodataMask(0f, false));
    assertThat(NodataPolicy.AUTO.maskFor(floats)).isEqualTo(new NodataMask(-9999f, true));
    assertThat(NodataPolicy.parse("255").maskFor(bytes)).isEqualTo(new NodataMask(255f, false));
    assertThat(NodataPolicy.parse("7").maskFor(floats)).isEqualTo(new NodataMask(7f, true));
    assertThat(NodataPolicy.parse("nan").maskFor(bytes)).isEqualTo(new NodataMask(Float.NaN, true));
    assertThat(NodataPolicy.parse(" NONE ").maskFor(floats)).isNull();
    assertThat(NodataPolicy.parse("-9999").toString()).isEqualTo("-9999.0");
    assertThatThrownBy(() -> NodataPolicy.parse("zero"))
        .hasMessage("nodata must be auto, none, nan or a number, got 'zero'");
  }

  @Test
  void aPixelIsMaskedWhenAnyBandEqualsNodataOrIsNaN() {
    // 3 bands, 2x4 pixels: band 0 hits pixel 0, band 1 pixel 5, band 2 pixels 0 and 7 (NaN).
    float[] data = new float[24];
    java.util.Arrays.fill(data, 3f);
    data[0] = -1;
    data[8 + 5] = -1;
    data[16] = -1;
    data[16 + 7] = Float.NaN;
    Tensor3 raw = Tensor3.wrap(3, 2, 4, data);
    float[] mask = new float[8];
    java.util.Arrays.fill(mask, 9f); // stale values are overwritten
    assertThat(new NodataMask(-1f, true).mark(raw, mask)).isEqualTo(3);
    assertThat(mask).containsExactly(1, 0, 0, 0, 0, 1, 0, 1);
    assertThat(new NodataMask(-1f, false).mark(raw, mask)).isEqualTo(2);
    assertThat(mask).containsExactly(1, 0, 0, 0, 0, 1, 0, 0);
    Tensor3 values = Tensor3.wrap(3, 2, 4, data.clone());
    NodataMask.zero(values, mask);
    assertThat(values.get(1, 0, 0)).isZero();
    assertThat(values.get(2, 1, 1)).isZero();
    assertThat(values.get(1, 0, 1)).isEqualTo(3f);
  }
}
