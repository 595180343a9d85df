package io.haloconv.io.tiff;

import io.haloconv.io.Georeference;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.ImageReadException.Stage;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a directory's georeferencing the way GDAL does (GeoTIFF 1.1, GDAL's GTiff driver): the
 * affine transform from ModelTransformation, else from ModelPixelScale and ModelTiepoint, shifted
 * half a pixel for PixelIsPoint rasters; the EPSG code from the GeoKeys; GDAL_NODATA as text; and a
 * slide's microns per pixel from Aperio's ImageDescription or the TIFF resolution tags.
 */
final class GeoTiff {
  private static final int GT_MODEL_TYPE = 1024;
  private static final int GT_RASTER_TYPE = 1025;
  private static final int GEOGRAPHIC_TYPE = 2048;
  private static final int PROJECTED_CS_TYPE = 3072;
  private static final int USER_DEFINED = 32767;
  private static final int RASTER_PIXEL_IS_POINT = 2;
  private static final Pattern APERIO_MPP = Pattern.compile("\\|\\s*MPP\\s*=\\s*([0-9.eE+-]+)");

  private GeoTiff() {}

  static String tagName(int tag) {
    return switch (tag) {
      case 33550 -> "ModelPixelScale (tag 33550)";
      case 33922 -> "ModelTiepoint (tag 33922)";
      case 34264 -> "ModelTransformation (tag 34264)";
      case 34735 -> "GeoKeyDirectory (tag 34735)";
      case 34736 -> "GeoDoubleParams (tag 34736)";
      case 34737 -> "GeoAsciiParams (tag 34737)";
      case 42113 -> "GDAL_NODATA (tag 42113)";
      default -> "tag " + tag;
    };
  }

  /**
   * {@code dir}'s georeference, or null when it has none.
   *
   * @throws ImageReadException (PROBE, CORRUPT) when the GeoTIFF tags are malformed: outside the
   *     file, a key directory shorter than it says, a key pointing past its parameters
   */
  static Georeference read(TiffDirectory dir) throws ImageReadException {
    if (dir.geoProblem != null) {
      throw new ImageReadException(Stage.PROBE, dir.geoProblem);
    }
    int modelType = 0;
    int rasterType = 1;
    int epsg = 0;
    if (dir.geoKeys != null) {
      long[] keys = dir.geoKeys;
      if (keys.length < 4 || keys.length < 4 + 4 * keys[3]) {
        throw new ImageReadException(
            Stage.PROBE,
            "malformed GeoTIFF: the GeoKeyDirectory holds "
                + keys.length
                + " values, "
                + (keys.length < 4
                    ? "fewer than its header"
                    : "its " + keys[3] + " keys need more"));
      }
      int projected = 0;
      int geographic = 0;
      for (int k = 0; k < keys[3]; k++) {
        int at = 4 + 4 * k;
        int id = (int) keys[at];
        long location = keys[at + 1];
        long count = keys[at + 2];
        long value = keys[at + 3];
        if (location != 0) {
          long available =
              location == 34736 && dir.geoDoubles != null
                  ? dir.geoDoubles.length
                  : location == 34736 ? 0 : Long.MAX_VALUE;
          if (value + count > available) {
            throw new ImageReadException(
                Stage.PROBE,
                "malformed GeoTIFF: GeoKey "
                    + id
                    + " points to values "
                    + value
                    + " to "
                    + (value + count)
                    + " of GeoDoubleParams, which holds "
                    + (location == 34736 ? available : 0));
          }
          continue; // doubles and ASCII keys name no EPSG code
        }
        switch (id) {
          case GT_MODEL_TYPE -> modelType = (int) value;
          case GT_RASTER_TYPE -> rasterType = (int) value;
          case GEOGRAPHIC_TYPE -> geographic = (int) value;
          case PROJECTED_CS_TYPE -> projected = (int) value;
          default -> {}
        }
      }
      int code = modelType == 2 ? geographic : projected != 0 ? projected : geographic;
      epsg = code > 0 && code != USER_DEFINED ? code : 0;
    }
    double[] transform = transform(dir);
    if (transform != null && rasterType == RASTER_PIXEL_IS_POINT) {
      // The tie point names a pixel's centre: GDAL moves it to the corner.
      transform[0] -= 0.5 * transform[1] + 0.5 * transform[2];
      transform[3] -= 0.5 * transform[4] + 0.5 * transform[5];
    }
    double[] mpp = micronsPerPixel(dir);
    String nodata = dir.gdalNodata == null ? null : dir.gdalNodata.strip();
    if (transform == null && epsg == 0 && nodata == null && Double.isNaN(mpp[0])) {
      return null;
    }
    try {
      return new Georeference(transform, epsg, nodata, mpp[0], mpp[1]);
    } catch (IllegalArgumentException e) {
      throw new ImageReadException(Stage.PROBE, "malformed GeoTIFF: " + e.getMessage(), e);
    }
  }

  private static double[] transform(TiffDirectory dir) throws ImageReadException {
    double[] m = dir.modelTransformation;
    if (m != null) {
      if (m.length < 16) {
        throw new ImageReadException(
            Stage.PROBE,
            "malformed GeoTIFF: ModelTransformation has " + m.length + " values, not 16");
      }
      return new double[] {m[3], m[0], m[1], m[7], m[4], m[5]};
    }
    double[] scale = dir.pixelScale;
    double[] tie = dir.tiepoints;
    if (tie == null || scale == null) {
      return null;
    }
    if (tie.length < 6 || scale.length < 2) {
      throw new ImageReadException(
          Stage.PROBE,
          "malformed GeoTIFF: ModelTiepoint has "
              + tie.length
              + " values and ModelPixelScale "
              + scale.length);
    }
    // Raster point (i, j) is model point (x, y): x0 = x − i·sx, y0 = y + j·sy (rows go south).
    return new double[] {
      tie[3] - tie[0] * scale[0], scale[0], 0, tie[4] + tie[1] * scale[1], 0, -scale[1]
    };
  }

  /** Aperio's {@code |MPP = 0.499} first, else XResolution/YResolution in inches or centimetres. */
  private static double[] micronsPerPixel(TiffDirectory dir) {
    if (dir.description != null && dir.description.startsWith("Aperio")) {
      Matcher m = APERIO_MPP.matcher(dir.description);
      if (m.find()) {
        try {
          double mpp = Double.parseDouble(m.group(1));
          if (mpp > 0 && Double.isFinite(mpp)) {
            return new double[] {mpp, mpp};
          }
        } catch (NumberFormatException e) {
          // not a number: fall through to the resolution tags
        }
      }
    }
    double micronsPerUnit =
        switch (dir.resolutionUnit) {
          case 2 -> 25_400;
          case 3 -> 10_000;
          default -> Double.NaN;
        };
    double x = micronsPerUnit / dir.xResolution;
    double y = micronsPerUnit / (Double.isNaN(dir.yResolution) ? dir.xResolution : dir.yResolution);
    // 72 or 96 dots per inch, what writers put when they know nothing, say nothing about pixels.
    boolean placeholder =
        dir.resolutionUnit == 2
            && (dir.xResolution == 72 || dir.xResolution == 96 || dir.xResolution == 1);
    if (!(x > 0) || !(y > 0) || !Double.isFinite(x) || !Double.isFinite(y) || placeholder) {
      return new double[] {Double.NaN, Double.NaN};
    }
    return new double[] {x, y};
  }

  static String describe(double value) {
    return String.format(Locale.ROOT, "%g", value);
  }
}
