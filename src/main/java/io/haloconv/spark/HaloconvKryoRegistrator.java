package io.haloconv.spark;

import com.esotericsoftware.kryo.Kryo;
import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.io.ImageInfo;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.Window;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class a featurize job ships through Kryo (tile descriptors, probe results, the
 * broadcast bank and spec), so the job runs with {@code spark.kryo.registrationRequired=true} and an
 * unregistered class fails loudly in tests instead of silently costing bytes.
 */
public final class HaloconvKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    registerRecord(kryo, TileTask.class);
    registerRecord(kryo, Tile.class);
    registerRecord(kryo, Window.class);
    registerRecord(kryo, ImageInfo.class);
    registerRecord(kryo, ProbeOutcome.class);
    registerRecord(kryo, BadRecord.class);
    registerRecord(kryo, ConvBroadcast.class);
    registerRecord(kryo, FilterBank.class);
    registerRecord(kryo, ConvSpec.class);
    registerRecord(kryo, Padding.Explicit.class);
    registerRecord(kryo, Padding.Same.class);
    registerRecord(kryo, Activation.class);
    kryo.register(Activation.Kind.class);
    kryo.register(PaddingMode.class);
    for (Class<?> type : ImageInfo.shippedTypes()) {
      kryo.register(type);
    }
    kryo.register(TileTask[].class);
    kryo.register(ProbeOutcome[].class);
    kryo.register(Object[].class);
    kryo.register(float[].class);
    kryo.register(int[].class);
    kryo.register(long[].class);
    kryo.register(byte[].class);
  }

  private static <T extends Record> void registerRecord(Kryo kryo, Class<T> type) {
    kryo.register(type, new RecordSerializer<>(type));
  }
}
