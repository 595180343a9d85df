package io.haloconv.spark.task;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.Normalization;
import io.haloconv.spark.Featurizer;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * What {@link Featurizer}'s tasks need, captured in their closures. The layer stack (banks and
 * specs) travels as a broadcast byte array holding its Java serialisation: a byte array is the one
 * value every Spark serializer handles, with or without Kryo and its registration, so the API runs
 * in any session.
 */
public record FeaturizeSettings(
    Broadcast<byte[]> bank,
    int tileHeight,
    int tileWidth,
    ChannelMode channels,
    Normalization normalization,
    Precision precision,
    long maxPixels,
    long maxBufferedBytes)
    implements Serializable {

  LayerStack stack() {
    return ImageFeatures.deserialize(bank.value());
  }
}
