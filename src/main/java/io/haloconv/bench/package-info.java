/**
 * Benchmarks: the kernel benchmark behind {@code haloconv bench}, the layer-stack benchmark, and
 * {@link io.haloconv.bench.StageBench}, which times a featurize job's stages alone. An edge package
 * like {@code cli}: it may import {@code spark}; only {@code cli} imports it.
 */
package io.haloconv.bench;
