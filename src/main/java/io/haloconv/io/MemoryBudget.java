package io.haloconv.io;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;

/**
 * The heap one task may spend on decoding an image, and where that number came from, in words a bad
 * record can quote ({@code "a 1 GiB executor heap / 4 tasks at once, less 30%"}). Built where the
 * cluster's settings are known (the Spark side) and handed to the planner and the tasks as a plain
 * value: io knows nothing of Spark.
 *
 * @param taskBytes bytes one task may use for one image's decode, at least 1
 * @param origin how {@code taskBytes} was worked out, for messages
 */
public record MemoryBudget(long taskBytes, String origin) implements Serializable {
  /** No limit: every decode is attempted (tests, tools that read one image). */
  public static final MemoryBudget UNLIMITED = new MemoryBudget(Long.MAX_VALUE, "no limit");

  public MemoryBudget {
    requireNonNull(origin, "origin is null");
    if (taskBytes < 1) {
      throw new IllegalArgumentException("taskBytes must be >= 1, got " + taskBytes);
    }
  }
}
