package io.haloconv.render;

import java.awt.image.BufferedImage;
import java.util.HashMap;
import java.util.Map;

/**
 * A built-in 5×7 pixel font for printable ASCII, drawn pixel by pixel at an integer scale. Labels
 * need no system fonts (headless executors and containers often have none, and Java2D text then
 * fails) and look the same everywhere, which tests rely on. Characters outside ASCII draw as {@code
 * ?}.
 */
public final class BitmapFont {
  /** Glyph cell width and height in font pixels; the advance is one more column. */
  public static final int GLYPH_WIDTH = 5;

  public static final int GLYPH_HEIGHT = 7;

  /**
   * Each line: the character, then its 7 rows of 5 pixels ({@code #} on, {@code .} off). The space
   * glyph is the first line, marked by its position.
   */
  private static final String GLYPHS =
      """
      _SPACE_ ..... ..... ..... ..... ..... ..... .....
      ! ..#.. ..#.. ..#.. ..#.. ..#.. ..... ..#..
      " .#.#. .#.#. ..... ..... ..... ..... .....
      # .#.#. .#.#. ##### .#.#. ##### .#.#. .#.#.
      $ ..#.. .#### #.#.. .###. ..#.# ####. ..#..
      % ##... ##..# ...#. ..#.. .#... #..## ...##
      & .##.. #..#. #.#.. .#... #.#.# #..#. .##.#
      ' ..#.. ..#.. ..... ..... ..... ..... .....
      ( ...#. ..#.. .#... .#... .#... ..#.. ...#.
      ) .#... ..#.. ...#. ...#. ...#. ..#.. .#...
      * ..... ..#.. #.#.# .###. #.#.# ..#.. .....
      + ..... ..#.. ..#.. ##### ..#.. ..#.. .....
      , ..... ..... ..... ..... .##.. ..#.. .#...
      - ..... ..... ..... ##### ..... ..... .....
      . ..... ..... ..... ..... ..... .##.. .##..
      / ..... ....# ...#. ..#.. .#... #.... .....
      0 .###. #...# #..## #.#.# ##..# #...# .###.
      1 ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.
      2 .###. #...# ....# ...#. ..#.. .#... #####
      3 ##### ...#. ..#.. ...#. ....# #...# .###.
      4 ...#. ..##. .#.#. #..#. ##### ...#. ...#.
      5 ##### #.... ####. ....# ....# #...# .###.
      6 ..##. .#... #.... ####. #...# #...# .###.
      7 ##### ....# ...#. ..#.. .#... .#... .#...
      8 .###. #...# #...# .###. #...# #...# .###.
      9 .###. #...# #...# .#### ....# ...#. .##..
      : ..... .##.. .##.. ..... .##.. .##.. .....
      ; ..... .##.. .##.. ..... .##.. ..#.. .#...
      < ...#. ..#.. .#... #.... .#... ..#.. ...#.
      = ..... ..... ##### ..... ##### ..... .....
      > .#... ..#.. ...#. ....# ...#. ..#.. .#...
      ? .###. #...# ....# ...#. ..#.. ..... ..#..
      @ .###. #...# ....# .##.# #.#.# #.#.# .###.
      A .###. #...# #...# #...# ##### #...# #...#
      B ####. #...# #...# ####. #...# #...# ####.
      C .###. #...# #.... #.... #.... #...# .###.
      D ###.. #..#. #...# #...# #...# #..#. ###..
      E ##### #.... #.... ####. #.... #.... #####
      F ##### #.... #.... ####. #.... #.... #....
      G .###. #...# #.... #.### #...# #...# .####
      H #...# #...# #...# ##### #...# #...# #...#
      I .###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
      J ..### ...#. ...#. ...#. ...#. #..#. .##..
      K #...# #..#. #.#.. ##... #.#.. #..#. #...#
      L #.... #.... #.... #.... #.... #.... #####
      M #...# ##.## #.#.# #.#.# #...# #...# #...#
      N #...# #...# ##..# #.#.# #..## #...# #...#
      O .###. #...# #...# #...# #...# #...# .###.
      P ####. #...# #...# ####. #.... #.... #....
      Q .###. #...# #...# #...# #.#.# #..#. .##.#
      R ####. #...# #...# ####. #.#.. #..#. #...#
      S .#### #.... #.... .###. ....# ....# ####.
      T ##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
      U #...# #...# #...# #...# #...# #...# .###.
      V #...# #...# #...# #...# #...# .#.#. ..#..
      W #...# #...# #...# #.#.# #.#.# #.#.# .#.#.
      X #...# #...# .#.#. ..#.. .#.#. #...# #...#
      Y #...# #...# .#.#. ..#.. ..#.. ..#.. ..#..
      Z ##### ....# ...#. ..#.. .#... #.... #####
      [ .###. .#... .#... .#... .#... .#... .###.
      \\ ..... #.... .#... ..#.. ...#. ....# .....
      ] .###. ...#. ...#. ...#. ...#. ...#. .###.
      ^ ..#.. .#.#. #...# ..... ..... ..... .....
      _ ..... ..... ..... ..... ..... ..... #####
      ` .#... ..#.. ..... ..... ..... ..... .....
      a ..... ..... .###. ....# .#### #...# .####
      b #.... #.... #.##. ##..# #...# #...# ####.
      c ..... ..... .###. #.... #.... #...# .###.
      d ....# ....# .##.# #..## #...# #...# .####
      e ..... ..... .###. #...# ##### #.... .###.
      f ..##. .#..# .#... ###.. .#... .#... .#...
      g ..... .#### #...# #...# .#### ....# .###.
      h #.... #.... #.##. ##..# #...# #...# #...#
      i ..#.. ..... .##.. ..#.. ..#.. ..#.. .###.
      j ...#. ..... ..##. ...#. ...#. #..#. .##..
      k #.... #.... #..#. #.#.. ##... #.#.. #..#.
      l .##.. ..#.. ..#.. ..#.. ..#.. ..#.. .###.
      m ..... ..... ##.#. #.#.# #.#.# #...# #...#
      n ..... ..... #.##. ##..# #...# #...# #...#
      o ..... ..... .###. #...# #...# #...# .###.
      p ..... ..... ####. #...# ####. #.... #....
      q ..... ..... .##.# #..## .#### ....# ....#
      r ..... ..... #.##. ##..# #.... #.... #....
      s ..... ..... .###. #.... .###. ....# ####.
      t .#... .#... ###.. .#... .#... .#..# ..##.
      u ..... ..... #...# #...# #...# #..## .##.#
      v ..... ..... #...# #...# #...# .#.#. ..#..
      w ..... ..... #...# #...# #.#.# #.#.# .#.#.
      x ..... ..... #...# .#.#. ..#.. .#.#. #...#
      y ..... ..... #...# #...# .#### ....# .###.
      z ..... ..... ##### ...#. ..#.. .#... #####
      { ...#. ..#.. ..#.. .#... ..#.. ..#.. ...#.
      | ..#.. ..#.. ..#.. ..#.. ..#.. ..#.. ..#..
      } .#... ..#.. ..#.. ...#. ..#.. ..#.. .#...
      ~ ..... ..... .#... #.#.# ...#. ..... .....
      """;

  private static final Map<Character, boolean[]> FONT = parse();

  private BitmapFont() {}

  private static Map<Character, boolean[]> parse() {
    Map<Character, boolean[]> font = new HashMap<>();
    for (String line : GLYPHS.split("\n")) {
      if (line.isBlank()) {
        continue;
      }
      String[] parts = line.strip().split(" ");
      char c = parts[0].equals("_SPACE_") ? ' ' : parts[0].charAt(0);
      if (parts.length != 1 + GLYPH_HEIGHT) {
        throw new IllegalStateException("glyph '" + c + "' has " + (parts.length - 1) + " rows");
      }
      boolean[] pixels = new boolean[GLYPH_WIDTH * GLYPH_HEIGHT];
      for (int y = 0; y < GLYPH_HEIGHT; y++) {
        String row = parts[1 + y];
        if (row.length() != GLYPH_WIDTH) {
          throw new IllegalStateException("glyph '" + c + "' row " + y + " is '" + row + "'");
        }
        for (int x = 0; x < GLYPH_WIDTH; x++) {
          pixels[y * GLYPH_WIDTH + x] = row.charAt(x) == '#';
        }
      }
      font.put(c, pixels);
    }
    return font;
  }

  /** True when {@code c} has a glyph of its own (printable ASCII). */
  public static boolean covers(char c) {
    return FONT.containsKey(c);
  }

  /** Width in image pixels of {@code text} at {@code scale}, without trailing spacing. */
  public static int width(String text, int scale) {
    return text.isEmpty() ? 0 : (text.length() * (GLYPH_WIDTH + 1) - 1) * scale;
  }

  /** Height in image pixels of a line at {@code scale}. */
  public static int height(int scale) {
    return GLYPH_HEIGHT * scale;
  }

  /**
   * {@code text}, shortened from the start with {@code ...} when it is wider than {@code maxWidth}
   * at {@code scale}: the end of a path is the part that tells images apart.
   */
  public static String fitStart(String text, int maxWidth, int scale) {
    if (width(text, scale) <= maxWidth) {
      return text;
    }
    int chars = Math.max(0, (maxWidth / scale + 1) / (GLYPH_WIDTH + 1) - 3);
    return "..." + text.substring(text.length() - Math.min(chars, text.length()));
  }

  /**
   * Draws {@code text} with its top-left corner at (x, y); pixels outside the image are skipped.
   */
  public static void draw(BufferedImage image, String text, int x, int y, int scale, int rgb) {
    int cursor = x;
    for (int i = 0; i < text.length(); i++) {
      boolean[] glyph = FONT.getOrDefault(text.charAt(i), FONT.get('?'));
      for (int gy = 0; gy < GLYPH_HEIGHT; gy++) {
        for (int gx = 0; gx < GLYPH_WIDTH; gx++) {
          if (glyph[gy * GLYPH_WIDTH + gx]) {
            fill(image, cursor + gx * scale, y + gy * scale, scale, scale, rgb);
          }
        }
      }
      cursor += (GLYPH_WIDTH + 1) * scale;
    }
  }

  static void fill(BufferedImage image, int x, int y, int width, int height, int rgb) {
    int x0 = Math.max(0, x);
    int y0 = Math.max(0, y);
    int x1 = Math.min(image.getWidth(), x + width);
    int y1 = Math.min(image.getHeight(), y + height);
    for (int yy = y0; yy < y1; yy++) {
      for (int xx = x0; xx < x1; xx++) {
        image.setRGB(xx, yy, rgb);
      }
    }
  }
}
