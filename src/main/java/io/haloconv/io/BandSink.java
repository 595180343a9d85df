package io.haloconv.io;

import io.haloconv.tensor.Tensor3;
import java.io.IOException;

/**
 * Receives an image streamed top to bottom: consecutive bands of full-width rows of raw channel
 * values (the {@link PixelConverter} rules, no scaling), C×rows×W each.
 */
@FunctionalInterface
public interface BandSink {
  void accept(Tensor3 band) throws IOException;
}
