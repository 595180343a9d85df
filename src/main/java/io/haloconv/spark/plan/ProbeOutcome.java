package io.haloconv.spark.plan;

import io.haloconv.io.ImageInfo;
import io.haloconv.spark.badrecord.BadRecord;

/** What probing one listed file found: its header facts, or why it is a bad record. */
public record ProbeOutcome(String path, ImageInfo info, BadRecord error) {
  public ProbeOutcome {
    if (path == null || (info == null) == (error == null)) {
      throw new IllegalArgumentException(
          "a probe outcome has a path and exactly one of info, error");
    }
  }

  public static ProbeOutcome ok(ImageInfo info) {
    return new ProbeOutcome(info.path(), info, null);
  }

  public static ProbeOutcome failed(BadRecord error) {
    return new ProbeOutcome(error.path(), null, error);
  }
}
