package io.haloconv.testing;

import io.haloconv.stack.CellReducer;
import io.haloconv.stack.CellStats;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.PoolCells;
import io.haloconv.stack.StackEvaluator;
import io.haloconv.stack.StackGeometry;
import io.haloconv.tensor.Tensor3;
import io.haloconv.tiling.RegionReader;
import io.haloconv.tiling.Tile;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/**
 * Embeddings computed the way a job does, without Spark: a stack ending in a pool evaluated tile by
 * tile, each tile reduced to its cells' partials, the partials shuffled and merged in a random tree
 * (as tasks and a shuffle would group them).
 */
public final class EmbeddingCells {
  private EmbeddingCells() {}

  /** The merged cells by "row,col", after tiles of {@code th}×{@code tw} and a seeded shuffle. */
  public static Map<String, CellStats> evaluate(
      LayerStack stack, Tensor3 image, int th, int tw, long seed) throws IOException {
    StackGeometry g = stack.geometry(image.channels(), image.height(), image.width());
    PoolCells cells = PoolCells.of(g, stack.embedding().orElseThrow());
    CellReducer reducer = new CellReducer(stack.embedding().orElseThrow());
    StackEvaluator evaluator = new StackEvaluator(stack);
    List<CellStats> partials = new ArrayList<>();
    for (Tile tile : g.grid(th, tw).tiles()) {
      evaluator.evaluate(
          g,
          g.plan(tile.outY0(), tile.outX0(), tile.outHeight(), tile.outWidth()),
          RegionReader.of(image),
          region -> reducer.reduce(cells, region, partials::add));
    }
    Random random = new Random(seed);
    Collections.shuffle(partials, random);
    Map<String, List<CellStats>> byCell = new TreeMap<>();
    for (CellStats p : partials) {
      byCell.computeIfAbsent(p.row() + "," + p.col(), k -> new ArrayList<>()).add(p);
    }
    Map<String, CellStats> merged = new TreeMap<>();
    byCell.forEach((key, list) -> merged.put(key, mergeRandomly(list, random)));
    return merged;
  }

  /** Merges neighbours picked at random until one is left: an arbitrary grouping. */
  private static CellStats mergeRandomly(List<CellStats> list, Random random) {
    List<CellStats> work = new ArrayList<>(list);
    while (work.size() > 1) {
      int i = random.nextInt(work.size() - 1);
      CellStats a = work.get(i);
      CellStats b = work.remove(i + 1);
      work.set(i, random.nextBoolean() ? CellStats.merge(a, b) : CellStats.merge(b, a));
    }
    return work.get(0);
  }
}
