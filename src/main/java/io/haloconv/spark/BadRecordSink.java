package io.haloconv.spark;

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
abstract class BadRecordSink implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Handles a bad image, possibly adding a row to {@code rows}. */
  abstract void accept(BadRecord record, Deque<Row> rows);

  /** A feature row as this sink's schema wants it. */
  Row featureRow(Row features) {
    return features;
  }

  static BadRecordSink failFast() {
    return new BadRecordSink() {
      @Override
      void accept(BadRecord record, Deque<Row> rows) {
        throw new BadRecordException(record);
      }
    };
  }

  static BadRecordSink drop() {
    return new BadRecordSink() {
      @Override
      void accept(BadRecord record, Deque<Row> rows) {}
    };
  }

  static BadRecordSink accumulate(CollectionAccumulator<BadRecord> errors) {
    return new BadRecordSink() {
      @Override
      void accept(BadRecord record, Deque<Row> rows) {
        errors.add(record);
      }
    };
  }

  /**
   * Error rows in the features' stream, as Spark's readers keep corrupt records: every feature row
   * gets a null {@code error}; a bad image gives one row with only {@code path} and {@code error}.
   */
  static BadRecordSink rows(int featureColumns) {
    return new BadRecordSink() {
      @Override
      void accept(BadRecord record, Deque<Row> rows) {
        Object[] values = new Object[featureColumns + 1];
        values[0] = record.path();
        values[values.length - 1] =
            RowFactory.create(record.stage(), record.error(), record.message());
        rows.add(RowFactory.create(values));
      }

      @Override
      Row featureRow(Row features) {
        Object[] values = new Object[features.size() + 1];
        for (int i = 0; i < features.size(); i++) {
          values[i] = features.get(i);
        }
        return RowFactory.create(values);
      }
    };
  }
}
