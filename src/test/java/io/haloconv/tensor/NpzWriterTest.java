package io.haloconv.tensor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NpzWriterTest {
  @Test
  void writtenArraysReadBackByNameWithPathsAsNames() throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    float[] a = {1, 2, 3, 4, 5, 6};
    float[] b = {-0.5f, Float.NaN};
    try (NpzWriter npz = new NpzWriter(out)) {
      npz.add("file:/data/images/a.png", new int[] {1, 2, 3}, a);
      npz.add("more/b.png", new int[] {2, 1, 1}, b);
    }
    Map<String, NpyArray> back = Npz.read(new ByteArrayInputStream(out.toByteArray()));
    assertThat(back.keySet()).containsExactly("file:/data/images/a.png", "more/b.png");
    assertThat(back.get("file:/data/images/a.png").shape()).containsExactly(1, 2, 3);
    assertThat(back.get("file:/data/images/a.png").data()).containsExactly(a);
    assertThat(back.get("more/b.png").data()[1]).isNaN();
  }

  @Test
  void aNameTwiceIsRefused() throws Exception {
    try (NpzWriter npz = new NpzWriter(new ByteArrayOutputStream())) {
      npz.add("x", new int[] {1}, new float[] {1});
      assertThatThrownBy(() -> npz.add("x", new int[] {1}, new float[] {2}))
          .hasMessage("npz member 'x' is added twice");
    }
  }
}
