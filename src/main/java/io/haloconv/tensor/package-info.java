/**
 * Tensors and the array files they come from: {@link io.haloconv.tensor.Tensor3} (C×H×W float32),
 * and readers for .npy, .npz and .safetensors that check declared sizes against a caller's limit
 * before allocating. No Spark, no Hadoop: everything works on plain streams.
 */
package io.haloconv.tensor;
