package io.haloconv.spark.task;

import io.haloconv.spark.plan.TileTask;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;

/**
 * Feeds a task's tiles, one by one as the shuffle delivers them, to a {@link TileProcessor} in
 * small arrays, so the task holds a few hundred descriptors at a time, never its whole list.
 *
 * @param <R> the row type ({@link io.haloconv.spark.output.RowFormat})
 */
public final class TileBatches<R> implements FlatMapFunction<Iterator<TileTask>, R> {
  private static final long serialVersionUID = 1L;
  private static final int BATCH = 256;

  private final TileProcessor<R> processor;

  public TileBatches(TileProcessor<R> processor) {
    this.processor = processor;
  }

  @Override
  public Iterator<R> call(Iterator<TileTask> tiles) {
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
