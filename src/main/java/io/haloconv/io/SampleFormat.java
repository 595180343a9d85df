package io.haloconv.io;

/**
 * How an image's sample values are stored, which decides what {@code --normalize unit} divides by.
 */
public enum SampleFormat {
  /** Unsigned integers of the image's bit depth: unit divides by 2^bits − 1 (255, 65535, 1). */
  UNSIGNED_INTEGER,
  /** Two's complement integers (e.g. int16 TIFF): unit divides by 2^(bits−1) − 1. */
  SIGNED_INTEGER,
  /** Floating point (float TIFF, float32/float64 .npy): unit keeps values as they are. */
  FLOAT
}
