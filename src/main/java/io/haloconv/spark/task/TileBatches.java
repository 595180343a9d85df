package io.haloconv.spark.task;

import io.haloconv.spark.plan.TileTask;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Row;

/**
 * Feeds a task's tiles, one by one as the shuffle delivers them, to a {@link TileProcessor} in
 * small arrays, so the task holds a few hundred descriptors at a time, never its whole list.
 */
public final class TileBatches implements FlatMapFunction<Iterator<TileTask>, Row> {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 256;

  private final TileProcessor processor;

  public TileBatches(TileProcessor processor) {
    this.processor = processor;
  }

  @Override
  public Iterator<Row> call(Iterator<TileTask> tiles) {
    return processor.call(
        new Iterator<>() {
          @Override
          public boolean hasNext() {
            return tiles.hasNext();
          }

          @Override
          public TileTask[] next() {
            if (!tiles.hasNext()) {
              throw new NoSuchElementException();
            }
            List<TileTask> batch = new ArrayList<>(BATCH);
            while (tiles.hasNext() && batch.size() < BATCH) {
              batch.add(tiles.next());
            }
            return batch.toArray(new TileTask[0]);
          }
        });
  }
}
