/**
 * Image input through Hadoop's FileSystem: {@link io.haloconv.io.ImageProbe} reads headers (format
 * from magic bytes, size, design.md §2 channel layout, tiles) and refuses oversized images before
 * decoding; {@link io.haloconv.io.ImageSource} reads windows as converted, normalised {@link
 * io.haloconv.tensor.Tensor3}s, touching only the tiles a window needs where the format allows.
 * Failures are {@link io.haloconv.io.ImageReadException}s with a stage and a one-line message. No
 * Spark.
 */
package io.haloconv.io;
