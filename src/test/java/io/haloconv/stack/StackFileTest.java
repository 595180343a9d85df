package io.haloconv.stack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.Activation;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.FilterBanks;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The stack file's value forms (design.md §6 and the CLI's), defaults and refusals. */
class StackFileTest {
  /** Banks by name: random:K,C,F as the CLI reads it. */
  static FilterBank bank(String filters, int channels) {
    return FilterBanks.random(filters.substring("random:".length()));
  }

  static LayerStack parse(String json) throws IOException {
    return StackFile.read(
        new ByteArrayInputStream(json.getBytes(StandardCharsets.UTF_8)), StackFileTest::bank);
  }

  static ConvSpec convSpec(String keys) throws IOException {
    LayerStack stack =
        parse("{\"layers\": [{\"type\": \"conv\", \"filters\": \"random:2,3,3\"" + keys + "}]}");
    return ((ConvLayer) stack.layer(0)).spec();
  }

  @Test
  void convKeysTakeNumbersArraysAndTheClisStrings() throws IOException {
    assertThat(convSpec(", \"stride\": 2").strideWidth()).isEqualTo(2);
    ConvSpec pair = convSpec(", \"stride\": [2, 1], \"dilation\": \"1,3\"");
    assertThat(
            new int[] {
              pair.strideHeight(), pair.strideWidth(), pair.dilationHeight(), pair.dilationWidth()
            })
        .containsExactly(2, 1, 1, 3);
    assertThat(convSpec(", \"padding\": 1").padding()).isEqualTo(new Padding.Explicit(1, 1, 1, 1));
    assertThat(convSpec(", \"padding\": [1, 2]").padding())
        .isEqualTo(new Padding.Explicit(1, 1, 2, 2));
    assertThat(convSpec(", \"padding\": [1, 2, 3, 0]").padding())
        .isEqualTo(new Padding.Explicit(1, 2, 3, 0));
    assertThat(convSpec(", \"padding\": \"0,1,2,3\"").padding())
        .isEqualTo(new Padding.Explicit(0, 1, 2, 3));
    assertThat(convSpec(", \"padding\": \"same\"").padding()).isEqualTo(Padding.SAME);
    assertThat(convSpec(", \"padding\": \"valid\"").padding()).isEqualTo(Padding.VALID);
    ConvSpec all = convSpec(", \"padding_mode\": \"circular\", \"activation\": \"tanh\"");
    assertThat(all.paddingMode()).isEqualTo(PaddingMode.CIRCULAR);
    assertThat(all.activation()).isEqualTo(Activation.parse("tanh"));
    ConvSpec defaults = convSpec("");
    assertThat(defaults).isEqualTo(ConvSpec.builder(3, 3).build());
  }

  @Test
  void poolStrideDefaultsToItsSizeAndNamesToTheirPosition() throws IOException {
    LayerStack stack =
        parse(
            "{\"layers\": [{\"type\": \"pool\", \"op\": \"avg\", \"size\": [2, 3]},"
                + "{\"type\": \"pool\", \"op\": \"max\", \"size\": 3, \"stride\": 1, \"padding\": 1, \"emit\": true}]}");
    PoolSpec first = ((PoolLayer) stack.layer(0)).pool();
    assertThat(first).isEqualTo(new PoolSpec(PoolOp.AVG, 2, 3, 2, 3, Padding.VALID));
    assertThat(stack.layer(0).name()).isEqualTo("layer1");
    assertThat(stack.layer(0).emit()).isFalse();
    assertThat(stack.layer(1).name()).isEqualTo("layer2");
    assertThat(stack.layer(1).emit()).isTrue();
    assertThat(((PoolLayer) stack.layer(1)).pool().padding())
        .isEqualTo(new Padding.Explicit(1, 1, 1, 1));
  }

  @Test
  void presetsAreAskedForTheChannelsThePreviousConvGives() throws IOException {
    int[] asked = new int[2];
    StackFile.read(
        new ByteArrayInputStream(
            ("{\"layers\": ["
                    + "{\"type\": \"conv\", \"filters\": \"a\"}, {\"type\": \"pool\", \"op\": \"max\", \"size\": 2},"
                    + "{\"type\": \"conv\", \"filters\": \"b\"}]}")
                .getBytes(StandardCharsets.UTF_8)),
        (filters, channels) -> {
          asked[filters.equals("a") ? 0 : 1] = channels;
          return filters.equals("a") ? FilterBanks.random("5,3,3") : FilterBanks.random("2,5,1");
        });
    assertThat(asked).containsExactly(0, 5);
  }

  @Test
  void nonIntegerValuesAreRefusedNamingTheLayer() {
    assertThatThrownBy(() -> convSpec(", \"name\": \"c\", \"groups\": 1.5"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("layer c: groups must be an integer in [1, 65536], got 1.5");
    assertThatThrownBy(() -> convSpec(", \"stride\": 0"))
        .hasMessage("layer 1: stride must be N or [A, B] with integers in [1, 65536], got 0");
    assertThatThrownBy(() -> convSpec(", \"padding\": -1"))
        .hasMessage("layer 1: padding must be >= 0 on every side, got -1,-1,-1,-1");
    assertThatThrownBy(() -> convSpec(", \"activation\": 3"))
        .hasMessage("layer 1: activation must be a string, got 3");
  }

  private static final String CONV =
      "{\"name\": \"c\", \"type\": \"conv\", \"filters\": \"random:2,3,3\"}";

  @Test
  void poolsAtTheEndBecomeTheStacksEmbedding() throws IOException {
    LayerStack global = parse("{\"layers\": [" + CONV + ", {\"type\": \"global_pool\"}]}");
    assertThat(global.size()).isEqualTo(1);
    assertThat(global.embedding()).contains(EmbeddingPool.global("layer2", PoolOp.AVG));
    assertThat(global.toString()).isEqualTo("LayerStack[c:conv, layer2:global_pool]");
    assertThat(
            parse(
                    "{\"layers\": ["
                        + CONV
                        + ", {\"name\": \"g\", \"type\": \"grid_pool\", \"mode\": \"max\","
                        + " \"grid\": 4}]}")
                .embedding())
        .contains(new EmbeddingPool("g", PoolOp.MAX, 4, 0));
    assertThat(
            parse("{\"layers\": [" + CONV + ", {\"type\": \"grid_pool\", \"cell\": \"32\"}]}")
                .embedding())
        .contains(new EmbeddingPool("layer2", PoolOp.AVG, 0, 32));
    assertThat(parse("{\"layers\": [" + CONV + "]}").embedding()).isEmpty();
  }

  @Test
  void poolsAreRefusedOutOfPlaceOrWithBadKeys() {
    String[][] cases = {
      {
        "{\"type\": \"global_pool\", \"name\": \"g\"}, " + CONV,
        "layer g: a global_pool must be the last layer (it reduces the map to embeddings); 1"
            + " layer(s) follow it"
      },
      {
        "{\"type\": \"global_pool\", \"name\": \"g\", \"grid\": 2}",
        "layer g: unknown key 'grid'; global_pool layers take mode, name, type"
      },
      {
        "{\"type\": \"grid_pool\", \"name\": \"g\"}",
        "layer g: a grid_pool needs \"grid\": G (G×G cells per image) or \"cell\": PIXELS, not"
            + " neither"
      },
      {
        "{\"type\": \"grid_pool\", \"name\": \"g\", \"grid\": 0}",
        "layer g: grid must be an integer in [1, 1024], got 0"
      },
      {
        "{\"type\": \"global_pool\", \"name\": \"c\"}",
        "layer name 'c' is used twice (names are compared ignoring case, as directory names may"
            + " be)"
      },
    };
    for (String[] c : cases) {
      String json =
          "{\"layers\": ["
              + (c[0].startsWith("{\"type\": \"global_pool\", \"name\": \"g\"}, ")
                  ? ""
                  : CONV + ", ")
              + c[0]
              + "]}";
      assertThatThrownBy(() -> parse(json)).as(json).hasMessage(c[1]);
    }
  }
}
