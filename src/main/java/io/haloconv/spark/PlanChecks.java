package io.haloconv.spark;

import io.haloconv.conv.ConvSpec;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.ErrorKind;
import io.haloconv.io.ImageInfo;

/**
 * The planner's checks of a probed image against the job: does it fit the filters, and is it large
 * enough for the kernel and padding. A misfit is a bad record of stage {@code convolve}, found on
 * the driver before any task runs.
 */
final class PlanChecks {
  private PlanChecks() {}

  /** A bad record when the image's channels (after {@code --channels}) do not fit, else null. */
  static BadRecord channels(ImageInfo image, ChannelMode mode, int needChannels) {
    int channels;
    try {
      channels = mode.outputChannels(image.channels());
    } catch (IllegalArgumentException e) {
      return new BadRecord(image.path(), BadRecord.CONVOLVE, ErrorKind.CHANNEL_MISMATCH,
          e.getMessage() + "; the filters expect " + needChannels);
    }
    if (channels == needChannels) {
      return null;
    }
    String converted = mode == ChannelMode.KEEP ? ""
        : " after --channels " + mode.cliName() + " (" + image.channels() + " before)";
    return new BadRecord(image.path(), BadRecord.CONVOLVE, ErrorKind.CHANNEL_MISMATCH,
        "filters expect " + needChannels + " channels, image has " + channels + converted);
  }

  /** The bad record of an image whose geometry {@code spec} refused. */
  static BadRecord tooSmall(ImageInfo image, ConvSpec spec, IllegalArgumentException refusal) {
    return new BadRecord(image.path(), BadRecord.CONVOLVE, ErrorKind.TOO_SMALL,
        "image is " + image.width() + "x" + image.height() + ", too small for the "
            + spec.kernelWidth() + "x" + spec.kernelHeight() + " kernel: "
            + refusal.getMessage());
  }
}
