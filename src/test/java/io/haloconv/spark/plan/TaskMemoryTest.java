package io.haloconv.spark.plan;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.io.MemoryBudget;
import org.junit.jupiter.api.Test;

/** One task's share of a heap. */
class TaskMemoryTest {
  @Test
  void aTaskGetsSeventyPercentOfTheHeapAboveSparksReserveOverTheTasksAtOnce() {
    MemoryBudget budget = TaskMemory.of(4L << 30, 300L << 20, 4, "executor heap");
    long usable = ((4L << 30) - (300L << 20)) / 100 * 70;
    assertThat(budget.taskBytes()).isEqualTo(usable / 4);
    assertThat(budget.origin())
        .isEqualTo(
            "executor heap 4096 MiB, less 300 MiB Spark keeps, 70% of the rest over 4 task(s) at"
                + " once");
  }

  @Test
  void aHeapNoLargerThanTheReserveLeavesOneByte() {
    assertThat(TaskMemory.of(200L << 20, 300L << 20, 2, "driver heap").taskBytes()).isEqualTo(1);
  }
}
