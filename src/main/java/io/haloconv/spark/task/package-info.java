/**
 * The executor side: decode a tile's window, run the layer stack, encode rows ({@link
 * io.haloconv.spark.task.TileProcessor} for jobs, {@link io.haloconv.spark.task.ImageFeatures} for
 * the library API), the settings shipped to tasks, task metrics and the fault injection used by
 * reliability tests.
 */
package io.haloconv.spark.task;
