package io.haloconv.spark.plan;

import io.haloconv.io.ChannelMode;
import io.haloconv.io.DecodeMemory;
import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageReadException;
import io.haloconv.io.MemoryBudget;
import io.haloconv.spark.badrecord.BadRecord;
import io.haloconv.spark.badrecord.BadRecords;
import java.util.OptionalInt;

/**
 * The planner's checks of a probed image against the job: does it fit the filters, is it large
 * enough for the kernel and padding (a misfit is a bad record of stage {@code convolve}), and can a
 * task decode it at all (stage {@code probe}, {@code too-large}); found in the planning pass,
 * before any tile task runs.
 */
final class PlanChecks {
  private PlanChecks() {}

  /**
   * A bad record when the image's channels (after {@code --channels}) cannot be converted or do not
   * fit the first layer, else null. {@code needChannels} is empty when the first layer takes any
   * count (a pool).
   */
  static BadRecord channels(ImageInfo image, ChannelMode mode, OptionalInt need) {
    int channels;
    try {
      channels = mode.outputChannels(image.channels());
    } catch (IllegalArgumentException e) {
      return new BadRecord(
          image.path(),
          BadRecord.CONVOLVE,
          ErrorKind.CHANNEL_MISMATCH,
          e.getMessage() + (need.isPresent() ? "; the filters expect " + need.getAsInt() : ""));
    }
    if (need.isEmpty() || channels == need.getAsInt()) {
      return null;
    }
    int needChannels = need.getAsInt();
    String converted =
        mode == ChannelMode.KEEP
            ? ""
            : " after --channels " + mode.cliName() + " (" + image.channels() + " before)";
    return new BadRecord(
        image.path(),
        BadRecord.CONVOLVE,
        ErrorKind.CHANNEL_MISMATCH,
        "filters expect " + needChannels + " channels, image has " + channels + converted);
  }

  /**
   * The {@code too-large} bad record (stage {@code probe}) of an image whose whole decode needs
   * {@code needed} bytes, more than {@code memory} gives a task; null when it fits.
   */
  static BadRecord memory(ImageInfo image, long needed, MemoryBudget memory) {
    try {
      DecodeMemory.requireFits(image, needed, memory);
      return null;
    } catch (ImageReadException e) {
      return BadRecords.of(image.path(), BadRecord.PROBE, e);
    }
  }

  /** The bad record of an image whose geometry the stack refused (empty output, padding limits). */
  static BadRecord tooSmall(ImageInfo image, IllegalArgumentException refusal) {
    return new BadRecord(
        image.path(),
        BadRecord.CONVOLVE,
        ErrorKind.TOO_SMALL,
        "image is " + image.width() + "x" + image.height() + ": " + refusal.getMessage());
  }
}
