package io.haloconv.spark.output;

import static java.util.Objects.requireNonNull;

import io.haloconv.io.Georeference;
import io.haloconv.stack.MapRegion;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Precision;

/**
 * A written part of a tile, what one feature row is made of ({@link TileRows#row}, {@link
 * TileRows#internalRow}): rows [y0, y0+height) × columns [x0, x0+width) of layer {@code layer}'s
 * map in the image {@code path}, its {@code channels} planes already encoded at {@code precision}.
 *
 * <p>Holds {@code features} itself, not a copy: the internal row hands this very array to the
 * Parquet writer, and a tile's features can be 16 MB. Nobody changes the array once it is encoded.
 *
 * @param path the image's path or id, the row's {@code path}
 * @param geometry the image's stack geometry: the map sizes ({@code out_height}, {@code out_width})
 *     and, with {@code georeference}, where the map's pixels lie on the image
 * @param layer the layer's index in the stack, in [0, layers)
 * @param features channel by channel, row by row, {@code precision.bytesPerValue()} bytes a value
 * @param georeference the image's georeference, or null when it has none
 * @param validFraction the share of the part's pixels whose receptive field holds no masked input,
 *     in [0, 1]
 */
public record TilePart(
    String path,
    StackGeometry geometry,
    int layer,
    int y0,
    int x0,
    int height,
    int width,
    int channels,
    byte[] features,
    Precision precision,
    Georeference georeference,
    double validFraction) {
  public TilePart {
    requireNonNull(path, "path is null");
    requireNonNull(geometry, "geometry is null");
    requireNonNull(features, "features is null");
    requireNonNull(precision, "precision is null");
    int layers = geometry.stack().size();
    if (layer < 0 || layer >= layers) {
      throw new IllegalArgumentException(
          "layer must be in [0, " + layers + "), got " + layer + " for " + path);
    }
    int level = layer + 1;
    int mapHeight = geometry.height(level);
    int mapWidth = geometry.width(level);
    if (height < 1 || width < 1) {
      throw new IllegalArgumentException(
          "tile part must be at least 1x1, got " + height + "x" + width + " for " + path);
    }
    // Long sums: y0 + height may pass Integer.MAX_VALUE on bad input.
    if (y0 < 0 || x0 < 0 || (long) y0 + height > mapHeight || (long) x0 + width > mapWidth) {
      throw new IllegalArgumentException(
          "tile part rows ["
              + y0
              + ", "
              + ((long) y0 + height)
              + ") and columns ["
              + x0
              + ", "
              + ((long) x0 + width)
              + ") must lie in layer "
              + layer
              + "'s "
              + mapHeight
              + "x"
              + mapWidth
              + " map for "
              + path);
    }
    int mapChannels = geometry.channels(level);
    if (channels != mapChannels) {
      throw new IllegalArgumentException(
          "channels must be layer "
              + layer
              + "'s "
              + mapChannels
              + ", got "
              + channels
              + " for "
              + path);
    }
    long bytes = (long) channels * height * width * precision.bytesPerValue();
    if (features.length != bytes) {
      throw new IllegalArgumentException(
          "features must hold "
              + bytes
              + " bytes ("
              + channels
              + "x"
              + height
              + "x"
              + width
              + " "
              + precision.dtype()
              + "), got "
              + features.length
              + " for "
              + path);
    }
    // !(>= && <=) also refuses NaN.
    if (!(validFraction >= 0 && validFraction <= 1)) {
      throw new IllegalArgumentException(
          "valid fraction must be in [0, 1], got " + validFraction + " for " + path);
    }
  }

  /**
   * {@code region} of the image {@code path}, its values encoded at {@code precision} ({@link
   * TileRows#features}), every pixel valid until {@link #withValidFraction} says otherwise.
   *
   * @param georeference the image's georeference, or null when it has none
   */
  public static TilePart encode(
      String path,
      StackGeometry geometry,
      MapRegion region,
      Precision precision,
      Georeference georeference) {
    return new TilePart(
        path,
        geometry,
        region.layer(),
        region.y0(),
        region.x0(),
        region.height(),
        region.width(),
        region.channels(),
        TileRows.features(region, precision),
        precision,
        georeference,
        1.0);
  }

  /** The same part (the same feature array) with valid fraction {@code fraction}. */
  public TilePart withValidFraction(double fraction) {
    return new TilePart(
        path,
        geometry,
        layer,
        y0,
        x0,
        height,
        width,
        channels,
        features,
        precision,
        georeference,
        fraction);
  }
}
