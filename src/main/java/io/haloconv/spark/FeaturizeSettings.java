package io.haloconv.spark;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.Normalization;
import io.haloconv.tensor.Precision;
import java.io.Serializable;
import org.apache.spark.broadcast.Broadcast;

/**
 * What {@link Featurizer}'s tasks need, captured in their closures. The bank and spec travel as a
 * broadcast byte array holding their Java serialisation: a byte array is the one value every Spark
 * serializer handles, with or without Kryo and its registration, so the API runs in any session.
 */
record FeaturizeSettings(
    Broadcast<byte[]> bank,
    int tileHeight,
    int tileWidth,
    ChannelMode channels,
    Normalization normalization,
    Precision precision,
    long maxPixels,
    long maxBufferedBytes)
    implements Serializable {

  ConvBroadcast conv() {
    return ImageFeatures.deserialize(bank.value());
  }
}
