/**
 * Turning {@code --input} into the list of files the job owns: globs, directories and the
 * distributed listing of very large trees, and the Parquet input's settings. Every listed file is
 * accounted for later as features or a bad record.
 */
package io.haloconv.spark.listing;
