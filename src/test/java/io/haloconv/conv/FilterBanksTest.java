package io.haloconv.conv;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The {@code preset:}/{@code random:} grammar that the CLI and the library API share. */
class FilterBanksTest {
  @Test
  void namedPresetTakesChannelsFromTheNameOrTheCaller() {
    FilterBank fromCaller = FilterBanks.named("preset:gaussian", 3);
    FilterBank fromName = FilterBanks.named("preset:gaussian:5", 3);
    assertEquals(3, fromCaller.channelsPerGroup());
    assertEquals(5, fromName.channelsPerGroup());
    assertArrayEquals(
        FilterBanks.preset("gaussian", 5).weight(), fromName.weight(), "same bank as preset()");
  }

  @Test
  void namedRandomIsTheSeededRandomBank() {
    FilterBank a = FilterBanks.named("random:4,2,3,7", 1);
    assertEquals(4, a.filters());
    assertArrayEquals(FilterBanks.random(4, 2, 3, 7).weight(), a.weight());
  }

  @Test
  void badNamesSayWhatIsWrongWithoutTheCallersLabel() {
    assertTrue(FilterBanks.isNamed("random:1,1,1"));
    assertFalse(FilterBanks.isNamed("bank.npz"));
    FilterBanks.BadName parts =
        assertThrows(FilterBanks.BadName.class, () -> FilterBanks.named("preset:sobel:3:4", 1));
    assertEquals(
        "preset must be preset:NAME or preset:NAME:C, got 'preset:sobel:3:4'", parts.getMessage());
    assertEquals(
        "preset channels must be an integer, got 'x'",
        assertThrows(FilterBanks.BadName.class, () -> FilterBanks.named("preset:sobel:x", 1))
            .getMessage());
    assertEquals(
        "preset channels must be in [1, 4096], got 5000",
        assertThrows(FilterBanks.BadName.class, () -> FilterBanks.named("preset:sobel:5000", 1))
            .getMessage());
    // An invalid bank behind a well-formed name is the bank's own error, not BadName.
    IllegalArgumentException unknown =
        assertThrows(IllegalArgumentException.class, () -> FilterBanks.named("preset:nope", 1));
    assertFalse(unknown instanceof FilterBanks.BadName);
  }
}
