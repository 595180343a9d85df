/**
 * Importers of trained networks: ONNX models ({@link io.haloconv.model.OnnxImport}, reading ONNX's
 * protobuf through classes generated from {@code src/main/proto/onnx.proto}) become {@link
 * io.haloconv.stack.LayerStack}s. Spark-free, like every core package.
 */
package io.haloconv.model;
