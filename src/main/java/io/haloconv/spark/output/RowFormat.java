package io.haloconv.spark.output;

import io.haloconv.stack.CellStats;
import java.io.Serializable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The form a tile task gives its rows in: {@link #ROWS}, Spark's external {@link Row}, for the
 * library API and the embedding aggregation; or {@link #INTERNAL}, Spark's {@link InternalRow}, for
 * the featurize job's feature rows, which reach the Parquet writer with one copy of their features
 * fewer (see {@link OutputLayout#frame}). Both carry the same values ({@link TileRows#values}).
 *
 * @param <R> the row type
 */
public interface RowFormat<R> extends Serializable {
  /** External rows: {@link TileRows#row} and {@link EmbeddingRows#partial}. */
  RowFormat<Row> ROWS = new External();

  /** Internal rows of feature tiles, {@link TileRows#internalRow}; no embedding partials. */
  RowFormat<InternalRow> INTERNAL = new Internal();

  /** The row of a written part of a tile ({@link TileRows#row}). */
  R tile(TilePart part);

  /** A tile's partial of one embedding cell ({@link EmbeddingRows#partial}). */
  R partial(String path, CellStats stats);

  /** {@link #ROWS}. */
  final class External implements RowFormat<Row> {
    private static final long serialVersionUID = 1L;

    private External() {}

    @Override
    public Row tile(TilePart part) {
      return TileRows.row(part);
    }

    @Override
    public Row partial(String path, CellStats stats) {
      return EmbeddingRows.partial(path, stats);
    }

    private Object readResolve() {
      return ROWS;
    }
  }

  /** {@link #INTERNAL}. */
  final class Internal implements RowFormat<InternalRow> {
    private static final long serialVersionUID = 1L;

    private Internal() {}

    @Override
    public InternalRow tile(TilePart part) {
      return TileRows.internalRow(part);
    }

    /**
     * Never called: embedding partials are merged as external rows (the aggregation reads them with
     * {@link EmbeddingRows#key}), so a job writing embeddings asks for {@link #ROWS}.
     */
    @Override
    public InternalRow partial(String path, CellStats stats) {
      throw new UnsupportedOperationException(
          "embedding partials are external rows: use RowFormat.ROWS for " + path);
    }

    private Object readResolve() {
      return INTERNAL;
    }
  }
}
