package io.haloconv.io;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * Where an image's pixels lie and how large they are, as its file says: a GeoTIFF's affine
 * transform and CRS and GDAL's nodata value, a slide's microns per pixel. Every part is optional.
 *
 * @param transform pixel (column, row) → model (x, y) in GDAL's order {@code x0, dx, rx, y0, ry,
 *     dy}: {@code x = x0 + column·dx + row·rx}, {@code y = y0 + column·ry + row·dy}, for the
 *     pixel's top-left corner; null when the file has no georeference
 * @param epsg the CRS's EPSG code where the GeoKeys name one, else 0
 * @param nodata GDAL_NODATA as written ({@code -9999}, {@code nan}), or null
 * @param micronsPerPixelX width of a pixel in microns (Aperio {@code MPP}, TIFF resolution tags),
 *     or NaN when unknown
 * @param micronsPerPixelY height of a pixel in microns, or NaN
 */
public record Georeference(
    double[] transform, int epsg, String nodata, double micronsPerPixelX, double micronsPerPixelY)
    implements Serializable {
  public Georeference {
    if (transform != null) {
      if (transform.length != 6) {
        throw new IllegalArgumentException("transform must have 6 values, got " + transform.length);
      }
      for (double value : transform) {
        if (!Double.isFinite(value)) {
          throw new IllegalArgumentException(
              "transform values must be finite, got " + Arrays.toString(transform));
        }
      }
      transform = transform.clone();
    }
    if (epsg < 0) {
      throw new IllegalArgumentException("epsg must be >= 0 (0: none), got " + epsg);
    }
    if (!(Double.isNaN(micronsPerPixelX) || micronsPerPixelX > 0)
        || !(Double.isNaN(micronsPerPixelY) || micronsPerPixelY > 0)) {
      throw new IllegalArgumentException(
          "microns per pixel must be > 0 or NaN, got "
              + micronsPerPixelX
              + ", "
              + micronsPerPixelY);
    }
  }

  @Override
  public double[] transform() {
    return transform == null ? null : transform.clone();
  }

  /** The nodata value as a number (NaN for {@code nan}), or empty when absent or not a number. */
  public OptionalDouble nodataValue() {
    if (nodata == null) {
      return OptionalDouble.empty();
    }
    String text = nodata.strip().toLowerCase(Locale.ROOT);
    if (text.equals("nan")) {
      return OptionalDouble.of(Double.NaN);
    }
    try {
      return OptionalDouble.of(Double.parseDouble(text));
    } catch (NumberFormatException e) {
      return OptionalDouble.empty();
    }
  }

  /**
   * The same georeference for a level of {@code width} × {@code height} pixels of a {@code
   * baseWidth} × {@code baseHeight} image (pyramid overviews carry no tags of their own: GDAL
   * scales the base's transform by the size ratio, {@code dx · baseWidth / width}, in that order).
   */
  public Georeference scaled(int baseWidth, int baseHeight, int width, int height) {
    double[] t = null;
    if (transform != null) {
      t = transform.clone();
      t[1] = t[1] * baseWidth / width;
      t[2] = t[2] * baseHeight / height;
      t[4] = t[4] * baseWidth / width;
      t[5] = t[5] * baseHeight / height;
    }
    return new Georeference(
        t,
        epsg,
        nodata,
        micronsPerPixelX * baseWidth / width,
        micronsPerPixelY * baseHeight / height);
  }

  /**
   * The transform, in GDAL's order, of a grid whose pixel (0, 0) has its top-left corner at image
   * position ({@code column}, {@code row}) and whose pixels are {@code columnStep} × {@code
   * rowStep} image pixels; null when the image has no transform. The arithmetic is GDAL's for
   * {@code gdal_translate -srcwin} (the origin moved by {@code column·dx + row·rx}) then {@code
   * -outsize} (each term scaled by the size ratio), so the values are the same doubles GDAL
   * reports.
   */
  public double[] gridTransform(double column, double row, double columnStep, double rowStep) {
    if (transform == null) {
      return null;
    }
    double[] t = transform.clone();
    t[0] += column * transform[1] + row * transform[2];
    t[3] += column * transform[4] + row * transform[5];
    t[1] *= columnStep;
    t[2] *= rowStep;
    t[4] *= columnStep;
    t[5] *= rowStep;
    return t;
  }

  /** {@code "EPSG:code"}, or null when the GeoKeys name no EPSG code. */
  public String crs() {
    return epsg > 0 ? "EPSG:" + epsg : null;
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof Georeference that
        && Arrays.equals(transform, that.transform)
        && epsg == that.epsg
        && Objects.equals(nodata, that.nodata)
        && Double.compare(micronsPerPixelX, that.micronsPerPixelX) == 0
        && Double.compare(micronsPerPixelY, that.micronsPerPixelY) == 0;
  }

  @Override
  public int hashCode() {
    return Objects.hash(
        Arrays.hashCode(transform), epsg, nodata, micronsPerPixelX, micronsPerPixelY);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder();
    if (transform != null) {
      text.append("transform ").append(Arrays.toString(transform));
    }
    if (epsg > 0) {
      text.append(text.isEmpty() ? "" : ", ").append("EPSG:").append(epsg);
    }
    if (nodata != null) {
      text.append(text.isEmpty() ? "" : ", ").append("nodata ").append(nodata);
    }
    if (!Double.isNaN(micronsPerPixelX)) {
      text.append(text.isEmpty() ? "" : ", ")
          .append(
              String.format(
                  Locale.ROOT, "%.4g x %.4g µm/pixel", micronsPerPixelX, micronsPerPixelY));
    }
    return text.toString();
  }
}
