package io.haloconv.spark.task;

import io.haloconv.stack.LayerStack;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * The layer stack (banks and specs) as tasks receive it: one broadcast of its Java serialisation. A
 * byte array is the one value every Spark serializer handles, with or without Kryo and its
 * registrations, so the same broadcast serves the CLI jobs and the library API in any session. Each
 * deserialised copy of this object reads the stack once and keeps it.
 */
public final class StackBroadcast implements Serializable {
  private static final long serialVersionUID = 1L;

  private final Broadcast<byte[]> bytes;
  private transient LayerStack stack;

  private StackBroadcast(Broadcast<byte[]> bytes) {
    this.bytes = bytes;
  }

  /** Serialises {@code stack} on the driver and broadcasts it. */
  public static StackBroadcast of(JavaSparkContext spark, LayerStack stack) {
    return new StackBroadcast(spark.broadcast(serialize(stack)));
  }

  /** The stack, read from the broadcast on first use in this task's copy. */
  public LayerStack get() {
    if (stack == null) {
      stack = deserialize(bytes.value());
    }
    return stack;
  }

  /** Frees the broadcast on the executors and the driver once the job that used it is done. */
  public void destroy() {
    bytes.destroy();
  }

  /** The broadcast payload, for tests that round-trip it through serializers. */
  public byte[] bytes() {
    return bytes.value();
  }

  public static byte[] serialize(LayerStack stack) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (ObjectOutputStream o = new ObjectOutputStream(out)) {
      o.writeObject(stack);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialise the layer stack", e);
    }
    return out.toByteArray();
  }

  public static LayerStack deserialize(byte[] bytes) {
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes))) {
      return (LayerStack) in.readObject();
    } catch (IOException | ClassNotFoundException e) {
      throw new IllegalStateException("cannot read the broadcast layer stack", e);
    }
  }
}
