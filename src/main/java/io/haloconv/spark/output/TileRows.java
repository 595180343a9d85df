package io.haloconv.spark.output;

import io.haloconv.io.Georeference;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.MapRegion;
import io.haloconv.stack.OutputGrid;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Precision;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The feature-row format of design.md §3, in one place: its schema, how a tile of a written layer
 * becomes a row (the writer) and how a row becomes a tile again (the reader). Every other class
 * names columns through these constants.
 */
public final class TileRows {
  public static final String PATH = "path";
  public static final String Y0 = "y0";
  public static final String X0 = "x0";
  public static final String HEIGHT = "height";
  public static final String WIDTH = "width";
  public static final String CHANNELS = "channels";
  public static final String OUT_HEIGHT = "out_height";
  public static final String OUT_WIDTH = "out_width";
  public static final String DTYPE = "dtype";
  public static final String FEATURES = "features";

  /** The affine transform of the tile's pixel grid, GDAL's order; null without georeference. */
  public static final String TRANSFORM = "transform";

  /** The CRS as {@code EPSG:code}; null when the file names none. */
  public static final String CRS = "crs";

  /** Microns per output pixel across a row; null when the file does not say. */
  public static final String MPP_X = "mpp_x";

  /** Microns per output pixel down a column; null when the file does not say. */
  public static final String MPP_Y = "mpp_y";

  /** The share of the tile's pixels whose receptive field holds no masked (nodata) input. */
  public static final String VALID_FRACTION = "valid_fraction";

  /** The partition column of outputs with several written layers (design.md §6). */
  public static final String LAYER = "layer";

  /** The columns every feature row has, in order; a reader refuses a dataset without one. */
  public static final List<String> REQUIRED =
      List.of(PATH, Y0, X0, HEIGHT, WIDTH, CHANNELS, OUT_HEIGHT, OUT_WIDTH, DTYPE, FEATURES);

  /**
   * One row per output tile: design.md §3's columns, then the georeferencing and nodata columns
   * (issue 13), which are nullable and only ever added after them.
   */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(PATH, DataTypes.StringType, false),
            DataTypes.createStructField(Y0, DataTypes.IntegerType, false),
            DataTypes.createStructField(X0, DataTypes.IntegerType, false),
            DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, false),
            DataTypes.createStructField(WIDTH, DataTypes.IntegerType, false),
            DataTypes.createStructField(CHANNELS, DataTypes.IntegerType, false),
            DataTypes.createStructField(OUT_HEIGHT, DataTypes.IntegerType, false),
            DataTypes.createStructField(OUT_WIDTH, DataTypes.IntegerType, false),
            DataTypes.createStructField(DTYPE, DataTypes.StringType, false),
            DataTypes.createStructField(FEATURES, DataTypes.BinaryType, false),
            DataTypes.createStructField(
                TRANSFORM, DataTypes.createArrayType(DataTypes.DoubleType, false), true),
            DataTypes.createStructField(CRS, DataTypes.StringType, true),
            DataTypes.createStructField(MPP_X, DataTypes.DoubleType, true),
            DataTypes.createStructField(MPP_Y, DataTypes.DoubleType, true),
            DataTypes.createStructField(VALID_FRACTION, DataTypes.DoubleType, true),
          });

  /** {@link #SCHEMA} plus the layer name, for rows of a stack with emitted layers. */
  public static final StructType LAYERED_SCHEMA =
      SCHEMA.add(DataTypes.createStructField(LAYER, DataTypes.StringType, false));

  private TileRows() {}

  /** Whether rows of {@code stack} carry the {@link #LAYER} column. */
  public static boolean layered(LayerStack stack) {
    return stack.emitsLayers();
  }

  public static StructType schema(LayerStack stack) {
    return layered(stack) ? LAYERED_SCHEMA : SCHEMA;
  }

  /**
   * One written layer's part of a tile as a row, with its layer's name where layers are emitted:
   * the region's values encoded at {@code precision}, channel by channel, row by row; no
   * georeference, every pixel valid.
   */
  public static Row encode(String path, StackGeometry g, MapRegion region, Precision precision) {
    return encode(path, g, region, precision, null, 1.0);
  }

  /**
   * {@link #encode(String, StackGeometry, MapRegion, Precision)} with the tile's georeferencing
   * ({@code geo}'s transform moved to the tile's pixel grid, {@link StackGeometry#outputGrid}) and
   * its valid fraction.
   *
   * @param geo the image's georeference, or null when it has none
   */
  public static Row encode(
      String path,
      StackGeometry g,
      MapRegion region,
      Precision precision,
      Georeference geo,
      double validFraction) {
    return row(TilePart.encode(path, g, region, precision, geo).withValidFraction(validFraction));
  }

  /** The region's values encoded at {@code precision}, channel by channel, row by row. */
  public static byte[] features(MapRegion region, Precision precision) {
    int bytesPerValue = precision.bytesPerValue();
    byte[] bytes = new byte[region.size() * bytesPerValue];
    int at = 0;
    for (int c = 0; c < region.channels(); c++) {
      for (int y = 0; y < region.height(); y++) {
        int from = region.offset(c, y);
        precision.encode(region.data(), from, from + region.width(), bytes, at);
        at += region.width() * bytesPerValue;
      }
    }
    return bytes;
  }

  /** The row of a written part of a tile, its features already encoded. */
  public static Row row(TilePart part) {
    return RowFactory.create(values(part));
  }

  /**
   * {@link #row}'s values in Spark's internal form: strings as {@link UTF8String}, the transform as
   * {@link ArrayData}, and the part's features array itself, not a copy. The featurize job hands
   * these to the Parquet writer ({@link OutputLayout#frame}), which then reads the features from
   * this array rather than converting the row first (one copy of up to 16 MB less per row).
   */
  public static InternalRow internalRow(TilePart part) {
    Object[] values = values(part);
    for (int i = 0; i < values.length; i++) {
      if (values[i] instanceof String s) {
        values[i] = UTF8String.fromString(s);
      } else if (values[i] instanceof double[] d) {
        values[i] = UnsafeArrayData.fromPrimitiveArray(d);
      }
    }
    return new GenericInternalRow(values);
  }

  /** The values of {@link #row}, in {@link #schema} order, as external Java values. */
  private static Object[] values(TilePart part) {
    StackGeometry g = part.geometry();
    Georeference geo = part.georeference();
    int level = part.layer() + 1;
    double[] transform = null;
    String crs = null;
    Double mppX = null;
    Double mppY = null;
    if (geo != null) {
      OutputGrid grid = g.outputGrid(level);
      transform =
          geo.gridTransform(
              grid.column(part.x0()), grid.row(part.y0()), grid.colStride(), grid.rowStride());
      crs = geo.crs();
      if (!Double.isNaN(geo.micronsPerPixelX())) {
        mppX = geo.micronsPerPixelX() * grid.colStride();
        mppY = geo.micronsPerPixelY() * grid.rowStride();
      }
    }
    LayerStack stack = g.stack();
    Object[] values = new Object[schema(stack).size()];
    values[0] = part.path();
    values[1] = part.y0();
    values[2] = part.x0();
    values[3] = part.height();
    values[4] = part.width();
    values[5] = part.channels();
    values[6] = g.height(level);
    values[7] = g.width(level);
    values[8] = part.precision().dtype();
    values[9] = part.features();
    values[10] = transform;
    values[11] = crs;
    values[12] = mppX;
    values[13] = mppY;
    values[14] = part.validFraction();
    if (layered(stack)) {
      values[15] = stack.layer(part.layer()).name();
    }
    return values;
  }

  /** The first required column {@code schema} lacks, or null when it has them all. */
  public static String missingColumn(StructType schema) {
    List<String> names = List.of(schema.fieldNames());
    for (String required : REQUIRED) {
      if (!names.contains(required)) {
        return required;
      }
    }
    return null;
  }

  /**
   * A feature row read back: where its tile lies in its image's map and the encoded values. Nothing
   * is checked here; the reader checks tiles against each other.
   */
  public record Tile(
      String path,
      int y0,
      int x0,
      int height,
      int width,
      int channels,
      int outHeight,
      int outWidth,
      String dtype,
      byte[] features) {}

  /** Reads a row of any schema holding the required columns, by name. */
  public static Tile decode(Row r) {
    return new Tile(
        r.getString(r.fieldIndex(PATH)),
        r.getInt(r.fieldIndex(Y0)),
        r.getInt(r.fieldIndex(X0)),
        r.getInt(r.fieldIndex(HEIGHT)),
        r.getInt(r.fieldIndex(WIDTH)),
        r.getInt(r.fieldIndex(CHANNELS)),
        r.getInt(r.fieldIndex(OUT_HEIGHT)),
        r.getInt(r.fieldIndex(OUT_WIDTH)),
        r.getString(r.fieldIndex(DTYPE)),
        (byte[]) r.get(r.fieldIndex(FEATURES)));
  }
}
