package io.haloconv.testing;

import io.haloconv.conv.BankFiles;
import io.haloconv.stack.LayerStack;
import io.haloconv.stack.StackFile;
import io.haloconv.tensor.Npy;
import io.haloconv.tensor.NpyArray;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The stack cases of {@link Golden}: each in a directory named after it. */
public final class GoldenStacks {
  private GoldenStacks() {}

  public static List<Golden.Case> cases() {
    return Golden.cases("stacks");
  }

  public static Path file(Golden.Case c, String relative) {
    return c.dir().resolve(c.name()).resolve(relative);
  }

  public static Path stackFile(Golden.Case c) {
    return file(c, c.json().get("stack").asText());
  }

  public static Path input(Golden.Case c) {
    return file(c, c.json().get("input").asText());
  }

  /** The case's stack, banks resolved relative to the stack file as the CLI does. */
  public static LayerStack stack(Golden.Case c) throws IOException {
    Path file = stackFile(c);
    try (InputStream in = Files.newInputStream(file)) {
      return StackFile.read(
          in,
          (filters, channels) -> {
            try (InputStream bank = Files.newInputStream(file.resolveSibling(filters))) {
              return BankFiles.fromNpz(bank);
            } catch (IOException e) {
              throw new UncheckedIOException(e);
            }
          });
    }
  }

  public static Tensor3 image(Golden.Case c) throws IOException {
    NpyArray a = read(input(c));
    return Tensor3.wrap(a.dimension(0), a.dimension(1), a.dimension(2), a.data());
  }

  /** PyTorch's float64 result (stored as float32) for every written layer, by layer name. */
  public static Map<String, NpyArray> expected(Golden.Case c) throws IOException {
    Map<String, NpyArray> maps = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, com.fasterxml.jackson.databind.JsonNode>> it =
            c.json().get("expected").fields();
        it.hasNext(); ) {
      Map.Entry<String, com.fasterxml.jackson.databind.JsonNode> e = it.next();
      maps.put(e.getKey(), read(file(c, e.getValue().asText())));
    }
    return maps;
  }

  /**
   * Asserts that {@code got} holds exactly the expected layers, each within design.md §1's
   * tolerance.
   */
  public static void assertMatches(Golden.Case c, Map<String, Tensor3> got) throws IOException {
    Map<String, NpyArray> want = expected(c);
    List<String> names = new ArrayList<>(got.keySet());
    if (!names.containsAll(want.keySet()) || !want.keySet().containsAll(names)) {
      throw new AssertionError(
          c.name() + ": written layers " + names + ", expected " + want.keySet());
    }
    for (Map.Entry<String, NpyArray> e : want.entrySet()) {
      Tensor3 map = got.get(e.getKey());
      int[] shape = e.getValue().shape();
      if (map.channels() != shape[0] || map.height() != shape[1] || map.width() != shape[2]) {
        throw new AssertionError(
            c.name()
                + " "
                + e.getKey()
                + ": shape "
                + map
                + ", expected "
                + java.util.Arrays.toString(shape));
      }
      NaiveConv.assertClose(map.data(), e.getValue().data(), c.name() + " " + e.getKey());
    }
  }

  private static NpyArray read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return Npy.read(in);
    }
  }
}
