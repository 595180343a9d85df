/**
 * Planning, run in the probe partitions with only counts sent to the driver: probe outcomes per
 * file, the tile tasks of each image ({@link io.haloconv.spark.plan.ImagePlanner}), the partition
 * plan and its counts ({@link io.haloconv.spark.plan.WorkPlan}), checks before any work starts, and
 * staging of images whose format cannot be read by window. May import {@code spark.badrecord}, not
 * the executor side.
 */
package io.haloconv.spark.plan;
