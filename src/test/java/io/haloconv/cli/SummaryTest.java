package io.haloconv.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.spark.JobResult;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SummaryTest {
  @Test
  void summaryIsATableOfCountsAndStageTimes() {
    JobResult result =
        new JobResult(
            5,
            4,
            1,
            12,
            2_799_495,
            2_014_144,
            1_000_000,
            12.671,
            new JobResult.StageTimes(0.127, 2.088, 10.114, 7.703, 0.395, 1.805, 0.005));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    Summary.print(
        new PrintStream(bytes, true, StandardCharsets.UTF_8), "out", result, Summary.Stages.FILES);
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .isEqualTo(
            String.join(
                "\n",
                "haloconv: wrote out",
                "  images   5 files: 4 written, 1 failed (see _errors/ or the manifest)",
                "  tiles    12",
                "  written  2.8 MB of Parquet, 2,014,144 feature values",
                "",
                "  stage           wall s  task s  of tasks",
                "  list files        0.13",
                "  probe headers     2.09",
                "  convolve+write   10.11    7.70      100%",
                "    read+decode             0.40        5%",
                "    convolve                1.81       23%",
                "    encode                  0.01        0%",
                "    write, other            5.50       71%",
                "  total            12.67",
                ""));
  }
}
