package io.haloconv.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import io.haloconv.io.Georeference;
import io.haloconv.io.ImageFormat;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.PixelLayout;
import io.haloconv.io.SampleFormat;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.listing.DistributedListing;
import io.haloconv.spark.output.EmbeddingRows;
import io.haloconv.spark.plan.ProbeOutcome;
import io.haloconv.spark.plan.ScratchStage;
import io.haloconv.spark.plan.TileTask;
import io.haloconv.spark.plan.WorkPlan;
import io.haloconv.stack.CellStats;
import io.haloconv.stack.LayerStack;
import io.haloconv.tiling.Tile;
import io.haloconv.tiling.Window;
import java.math.BigInteger;
import org.apache.spark.serializer.KryoRegistrator;

/**
 * Registers every class a featurize job ships through Kryo (tile descriptors, probe results, the
 * broadcast layer stack), so the job runs with {@code spark.kryo.registrationRequired=true} and an
 * unregistered class fails loudly in tests instead of silently costing bytes.
 */
public final class HaloconvKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    registerRecord(kryo, TileTask.class);
    registerRecord(kryo, Tile.class);
    registerRecord(kryo, Window.class);
    registerRecord(kryo, ImageInfo.class);
    registerRecord(kryo, Georeference.class);
    registerRecord(kryo, ProbeOutcome.class);
    registerRecord(kryo, BadRecord.class);
    registerRecord(kryo, WorkPlan.PartitionStats.class);
    registerRecord(kryo, ScratchStage.Result.class);
    registerRecord(kryo, DistributedListing.Listed.class);
    // Embeddings: the partials a tile task yields per cell, shuffled by cell to be merged.
    registerRecord(kryo, CellStats.class);
    registerRecord(kryo, EmbeddingRows.Key.class);
    kryo.register(BigInteger.class);
    kryo.register(BigInteger[].class);
    kryo.register(BadRecord[].class);
    kryo.register(ImageInfo[].class);
    // The broadcast: sent once per executor, so Java serialization of the stack's records (banks,
    // specs, layers) is fine and keeps the registrator independent of the layer types.
    kryo.register(LayerStack.class, new JavaSerializer());
    kryo.register(ImageFormat.class);
    kryo.register(PixelLayout.class);
    kryo.register(SampleFormat.class);
    kryo.register(TileTask[].class);
    kryo.register(ProbeOutcome[].class);
    kryo.register(Object[].class);
    kryo.register(float[].class);
    kryo.register(int[].class);
    kryo.register(int[][].class);
    kryo.register(long[].class);
    kryo.register(double[].class);
    kryo.register(byte[].class);
    // Spark SQL ships these through the serializer when it infers a Parquet schema in parallel
    // (reading a dataset without a given schema); Spark registers none of them itself.
    for (String name : SPARK_SQL_CLASSES) {
      try {
        kryo.register(Class.forName(name, false, HaloconvKryoRegistrator.class.getClassLoader()));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException(
            "Spark class " + name + " is missing; Spark version mismatch?", e);
      }
    }
  }

  private static final String[] SPARK_SQL_CLASSES = {
    "org.apache.spark.sql.types.StructType",
    "org.apache.spark.sql.types.StructField",
    "[Lorg.apache.spark.sql.types.StructField;",
    "org.apache.spark.sql.types.Metadata",
    "org.apache.spark.sql.types.StringType",
    "org.apache.spark.sql.types.StringType$",
    "org.apache.spark.sql.types.IntegerType$",
    "org.apache.spark.sql.types.LongType$",
    "org.apache.spark.sql.types.BinaryType$",
    "org.apache.spark.sql.types.BooleanType$",
    "org.apache.spark.sql.types.DoubleType$",
    "org.apache.spark.sql.types.FloatType$",
    "org.apache.spark.sql.types.ArrayType",
    // Dataset.toLocalIterator ships each partition's rows as chunked buffers (export to .npz).
    "[Lorg.apache.spark.util.io.ChunkedByteBuffer;",
  };

  private static <T extends Record> void registerRecord(Kryo kryo, Class<T> type) {
    kryo.register(type, new RecordSerializer<>(type));
  }
}
