/**
 * haloconv's own TIFF and BigTIFF reader (IFDs, codecs, tiles and strips read by window) and the
 * scratch rasters that stage images whose format cannot be read by window. Pure Java on Hadoop
 * streams; no Spark.
 */
package io.haloconv.io.tiff;
