package io.haloconv.spark.badrecord;

import io.haloconv.spark.task.ImageFeatures;
import java.io.Serializable;
import java.util.Deque;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.CollectionAccumulator;

/**
 * What {@link ImageFeatures} does with a bad image: fail the task (failfast), skip it
 * (dropmalformed), emit an error row (the API's permissive mode), or hand it to the driver through
 * an accumulator (the featurize job's permissive mode, which writes {@code _errors/}).
 */
public abstract class BadRecordSink implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Handles a bad image, possibly adding a row to {@code rows}. */
  public abstract void accept(BadRecord record, Deque<Row> rows);

  /** A feature row as this sink's schema wants it. */
  public Row featureRow(Row features) {
    return features;
  }

  public static BadRecordSink failFast() {
    return new BadRecordSink() {
      @Override
      public void accept(BadRecord record, Deque<Row> rows) {
        throw new BadRecordException(record);
      }
    };
  }

  public static BadRecordSink drop() {
    return new BadRecordSink() {
      @Override
      public void accept(BadRecord record, Deque<Row> rows) {}
    };
  }

  public static BadRecordSink accumulate(CollectionAccumulator<BadRecord> errors) {
    return new BadRecordSink() {
      @Override
      public void accept(BadRecord record, Deque<Row> rows) {
        errors.add(record);
      }
    };
  }

  /**
   * Error rows in the features' stream, as Spark's readers keep corrupt records: every feature row
   * gets a null {@code error}; a bad image gives one row with only {@code path} and {@code error}.
   */
  public static BadRecordSink rows(int featureColumns) {
    return new BadRecordSink() {
      @Override
      public void accept(BadRecord record, Deque<Row> rows) {
        Object[] values = new Object[featureColumns + 1];
        values[0] = record.path();
        values[values.length - 1] =
            RowFactory.create(record.stage(), record.error(), record.message());
        rows.add(RowFactory.create(values));
      }

      @Override
      public Row featureRow(Row features) {
        Object[] values = new Object[features.size() + 1];
        for (int i = 0; i < features.size(); i++) {
          values[i] = features.get(i);
        }
        return RowFactory.create(values);
      }
    };
  }
}
