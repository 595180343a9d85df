package io.haloconv.render;

import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFiles;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.io.ChannelMode;
import io.haloconv.io.ImageInfo;
import io.haloconv.io.ImageProbe;
import io.haloconv.io.ImageSource;
import io.haloconv.io.Normalization;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.TileConvolver;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;

/** The repository's sample images and banks, decoded and convolved without Spark. */
final class Samples {
  private Samples() {}

  static Tensor3 image(String name) {
    try {
      FileSystem fs = FileSystem.getLocal(new Configuration());
      org.apache.hadoop.fs.Path path =
          new org.apache.hadoop.fs.Path(Path.of("data/images", name).toAbsolutePath().toString());
      ImageInfo info = ImageProbe.probe(fs, path, ImageProbe.DEFAULT_MAX_PIXELS);
      try (ImageSource source = ImageSource.open(fs, info, ChannelMode.KEEP, Normalization.UNIT)) {
        return source.readAll();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static FilterBank bank(String name) {
    try (InputStream in = Files.newInputStream(Path.of("data/banks", name))) {
      return BankFiles.fromNpz(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Tensor3 features(Tensor3 image, FilterBank bank) {
    ConvSpec spec =
        ConvSpec.builder(bank).padding(Padding.SAME).activation(Activation.RELU).build();
    return TileConvolver.convolveImage(image, bank, spec);
  }
}
