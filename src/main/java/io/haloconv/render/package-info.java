/**
 * Pictures of feature maps and filter banks, without Spark: colormaps ({@link
 * io.haloconv.render.Colormap}), a built-in bitmap font for labels, the feature-map grid of one
 * image ({@link io.haloconv.render.FeatureGrid}) and the filter-bank grid ({@link
 * io.haloconv.render.FilterGrid}). Depends on {@code tensor} and {@code conv} only.
 */
package io.haloconv.render;
