package io.haloconv.testing;

import io.haloconv.conv.Conv2d;
import io.haloconv.conv.ConvGeometry;
import io.haloconv.stack.ConvLayer;
import io.haloconv.stack.Layer;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolLayer;
import io.haloconv.stack.PoolOp;
import io.haloconv.stack.PoolSpec;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.HaloWindow;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Window;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The reference for tiled stacks: each layer over its whole input map, padded as a whole (conv
 * layers through {@link HaloWindow}, pools by a plain loop), then the next layer. Shares no code
 * with the stack's planning and gathering; conv layers run the production kernels, so results are
 * comparable bit for bit.
 */
public final class WholeStack {
  private WholeStack() {}

  /** Every layer's whole output map, by layer name. */
  public static Map<String, Tensor3> evaluate(LayerStack stack, Tensor3 image) {
    Map<String, Tensor3> maps = new LinkedHashMap<>();
    Tensor3 map = image;
    for (Layer layer : stack.layers()) {
      ConvGeometry g = layer.geometry(map.height(), map.width());
      Window window =
          new Window(
              g.rows().inputStart(0),
              g.cols().inputStart(0),
              g.rows().windowSize(g.outHeight()),
              g.cols().windowSize(g.outWidth()));
      if (layer instanceof ConvLayer conv) {
        try {
          Tensor3 padded =
              HaloWindow.read(
                  window,
                  map.channels(),
                  map.height(),
                  map.width(),
                  conv.spec().paddingMode(),
                  RegionReader.of(map));
          map =
              new Conv2d(conv.bank(), conv.spec())
                  .convolveWindow(padded, g.outHeight(), g.outWidth());
        } catch (IOException e) {
          throw new AssertionError(e);
        }
      } else {
        map = pool(((PoolLayer) layer).pool(), map, window, g.outHeight(), g.outWidth());
      }
      maps.put(layer.name(), map);
    }
    return maps;
  }

  private static Tensor3 pool(PoolSpec spec, Tensor3 map, Window window, int outH, int outW) {
    boolean max = spec.op() == PoolOp.MAX;
    Tensor3 out = Tensor3.zeros(map.channels(), outH, outW);
    for (int c = 0; c < map.channels(); c++) {
      for (int oy = 0; oy < outH; oy++) {
        for (int ox = 0; ox < outW; ox++) {
          float acc = max ? Float.NEGATIVE_INFINITY : 0f;
          for (int ky = 0; ky < spec.sizeHeight(); ky++) {
            for (int kx = 0; kx < spec.sizeWidth(); kx++) {
              int y = window.y0() + oy * spec.strideHeight() + ky;
              int x = window.x0() + ox * spec.strideWidth() + kx;
              boolean inside = y >= 0 && y < map.height() && x >= 0 && x < map.width();
              float v = inside ? map.get(c, y, x) : spec.op().padValue();
              acc = max ? (v > acc ? v : acc) : acc + v;
            }
          }
          out.set(c, oy, ox, max ? acc : acc / ((float) spec.sizeHeight() * spec.sizeWidth()));
        }
      }
    }
    return out;
  }
}
