package io.haloconv.spark.output;

import io.haloconv.stack.CellStats;
import io.haloconv.stack.LayerStack;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The embedding-row format (issue 15), beside {@link TileRows}: what a stack ending in a {@code
 * global_pool} or {@code grid_pool} writes instead of tiles, one row per image and cell. Its
 * schema, the partial rows tile tasks hand to the aggregation, and how a merged cell becomes a row
 * and a row a cell again.
 */
public final class EmbeddingRows {
  public static final String PATH = TileRows.PATH;
  public static final String CELL_ROW = "cell_row";
  public static final String CELL_COL = "cell_col";
  public static final String Y0 = TileRows.Y0;
  public static final String X0 = TileRows.X0;
  public static final String HEIGHT = TileRows.HEIGHT;
  public static final String WIDTH = TileRows.WIDTH;
  public static final String PIXELS = "pixels";
  public static final String CHANNELS = TileRows.CHANNELS;
  public static final String EMBEDDING = "embedding";

  /** The columns every embedding row has, in order. */
  public static final List<String> REQUIRED =
      List.of(PATH, CELL_ROW, CELL_COL, Y0, X0, HEIGHT, WIDTH, PIXELS, CHANNELS, EMBEDDING);

  /**
   * One row per image and cell: the cell's grid position, its box in input pixels ({@code y0},
   * {@code x0}, {@code height}, {@code width}), the map pixels it pooled and its K values.
   */
  public static final StructType SCHEMA =
      new StructType(
          new StructField[] {
            DataTypes.createStructField(PATH, DataTypes.StringType, false),
            DataTypes.createStructField(CELL_ROW, DataTypes.IntegerType, false),
            DataTypes.createStructField(CELL_COL, DataTypes.IntegerType, false),
            DataTypes.createStructField(Y0, DataTypes.IntegerType, false),
            DataTypes.createStructField(X0, DataTypes.IntegerType, false),
            DataTypes.createStructField(HEIGHT, DataTypes.IntegerType, false),
            DataTypes.createStructField(WIDTH, DataTypes.IntegerType, false),
            DataTypes.createStructField(PIXELS, DataTypes.LongType, false),
            DataTypes.createStructField(CHANNELS, DataTypes.IntegerType, false),
            DataTypes.createStructField(
                EMBEDDING, DataTypes.createArrayType(DataTypes.FloatType, false), false),
          });

  /** Where the aggregation groups partials: one image's cell. */
  public record Key(String path, int row, int col) {}

  private EmbeddingRows() {}

  /** Whether {@code stack} writes embedding rows rather than tiles. */
  public static boolean embeds(LayerStack stack) {
    return stack.embedding().isPresent();
  }

  /**
   * A tile's partial of one cell, as the row a tile task yields: {@code (path, CellStats)}. Never
   * written: {@link #key} and {@link #stats} take it apart for the aggregation.
   */
  public static Row partial(String path, CellStats stats) {
    return RowFactory.create(path, stats);
  }

  public static Key key(Row partial) {
    CellStats s = stats(partial);
    return new Key(partial.getString(0), s.row(), s.col());
  }

  public static CellStats stats(Row partial) {
    return (CellStats) partial.get(1);
  }

  /** The row of a cell whose partials are all merged. */
  public static Row encode(String path, CellStats cell) {
    float[] values = cell.embedding();
    Float[] boxed = new Float[values.length]; // Spark's array<float> takes boxed elements
    for (int i = 0; i < values.length; i++) {
      boxed[i] = values[i];
    }
    return RowFactory.create(
        path,
        cell.row(),
        cell.col(),
        cell.y0(),
        cell.x0(),
        cell.height(),
        cell.width(),
        cell.pixels(),
        values.length,
        boxed);
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

  /** Whether {@code schema} is one of embedding rows (it has an {@code embedding} column). */
  public static boolean isEmbeddings(StructType schema) {
    return List.of(schema.fieldNames()).contains(EMBEDDING);
  }

  /** An embedding row read back. */
  public record Embedding(
      String path,
      int cellRow,
      int cellCol,
      int y0,
      int x0,
      int height,
      int width,
      long pixels,
      float[] values) {}

  /** Reads a row of any schema holding the required columns, by name. */
  public static Embedding decode(Row r) {
    List<Float> list = r.getList(r.fieldIndex(EMBEDDING));
    float[] values = new float[list.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = list.get(i);
    }
    return new Embedding(
        r.getString(r.fieldIndex(PATH)),
        r.getInt(r.fieldIndex(CELL_ROW)),
        r.getInt(r.fieldIndex(CELL_COL)),
        r.getInt(r.fieldIndex(Y0)),
        r.getInt(r.fieldIndex(X0)),
        r.getInt(r.fieldIndex(HEIGHT)),
        r.getInt(r.fieldIndex(WIDTH)),
        r.getLong(r.fieldIndex(PIXELS)),
        values);
  }
}
