/**
 * The two Spark jobs and what configures them: {@link io.haloconv.spark.FeaturizeJob} (image files)
 * and {@link io.haloconv.spark.ParquetFeaturizeJob} (Parquet rows), {@link
 * io.haloconv.spark.JobConfig}, sessions, Hadoop configuration, Kryo registration, progress, and
 * the library API {@link io.haloconv.spark.Featurizer} for Spark users. Only this package and its
 * subpackages import Spark; they may use every core package.
 */
package io.haloconv.spark;
