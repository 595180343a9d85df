package io.haloconv.conv;

import java.io.Serializable;

/** The arithmetic of a convolution over one image: both axes resolved. */
public record ConvGeometry(AxisGeometry rows, AxisGeometry cols) implements Serializable {
  public ConvGeometry {
    if (rows == null || cols == null) {
      throw new IllegalArgumentException("rows and cols must be set");
    }
  }

  public int outHeight() {
    return rows.output();
  }

  public int outWidth() {
    return cols.output();
  }
}
