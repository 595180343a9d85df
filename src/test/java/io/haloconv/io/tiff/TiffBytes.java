package io.haloconv.io.tiff;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes minimal little-endian, single-strip, chunky TIFFs byte by byte, for the kinds ImageIO's
 * TIFF writers cannot produce (arbitrary band counts, odd compression tags, signed samples).
 */
public final class TiffBytes {
  private TiffBytes() {}

  public static final int PHOTOMETRIC_BLACK_IS_ZERO = 1;
  static final int PHOTOMETRIC_RGB = 2;
  public static final int SAMPLE_UNSIGNED = 1;
  public static final int SAMPLE_SIGNED = 2;
  public static final int SAMPLE_FLOAT = 3;

  private record Entry(int tag, int type, int[] values) {}

  /**
   * A TIFF of {@code samples} samples per pixel of {@code bits} bits each; samples beyond the
   * photometric interpretation's colour components are declared unspecified extra samples. {@code
   * data} is the pixel data as stored (already compressed if {@code compression} says so).
   */
  public static byte[] tiff(
      int width,
      int height,
      int samples,
      int bits,
      int photometric,
      int sampleFormat,
      int compression,
      byte[] data) {
    int colours = photometric == PHOTOMETRIC_RGB ? 3 : 1;
    List<Entry> entries = new ArrayList<>();
    entries.add(new Entry(256, 4, new int[] {width}));
    entries.add(new Entry(257, 4, new int[] {height}));
    entries.add(new Entry(258, 3, repeat(bits, samples)));
    entries.add(new Entry(259, 3, new int[] {compression}));
    entries.add(new Entry(262, 3, new int[] {photometric}));
    entries.add(new Entry(273, 4, new int[] {0})); // patched below
    entries.add(new Entry(277, 3, new int[] {samples}));
    entries.add(new Entry(278, 4, new int[] {height}));
    entries.add(new Entry(279, 4, new int[] {data.length}));
    entries.add(new Entry(284, 3, new int[] {1}));
    if (samples > colours) {
      entries.add(new Entry(338, 3, repeat(0, samples - colours)));
    }
    entries.add(new Entry(339, 3, repeat(sampleFormat, samples)));

    int ifdSize = 2 + 12 * entries.size() + 4;
    int extraStart = 8 + ifdSize;
    ByteArrayOutputStream extra = new ByteArrayOutputStream();
    int[] extraOffsets = new int[entries.size()];
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      int size = (entry.type == 3 ? 2 : 4) * entry.values.length;
      if (size > 4) {
        extraOffsets[i] = extraStart + extra.size();
        ByteBuffer values = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
        for (int value : entry.values) {
          if (entry.type == 3) {
            values.putShort((short) value);
          } else {
            values.putInt(value);
          }
        }
        extra.writeBytes(values.array());
      }
    }
    int dataOffset = extraStart + extra.size();
    ByteBuffer file = ByteBuffer.allocate(dataOffset + data.length).order(ByteOrder.LITTLE_ENDIAN);
    file.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
    file.putShort((short) entries.size());
    for (int i = 0; i < entries.size(); i++) {
      Entry entry = entries.get(i);
      file.putShort((short) entry.tag).putShort((short) entry.type).putInt(entry.values.length);
      int size = (entry.type == 3 ? 2 : 4) * entry.values.length;
      if (size > 4) {
        file.putInt(extraOffsets[i]);
      } else {
        int start = file.position();
        for (int value : entry.values) {
          int v = entry.tag == 273 ? dataOffset : value;
          if (entry.type == 3) {
            file.putShort((short) v);
          } else {
            file.putInt(v);
          }
        }
        file.position(start + 4);
      }
    }
    file.putInt(0);
    file.put(extra.toByteArray());
    file.put(data);
    return file.array();
  }

  private static int[] repeat(int value, int count) {
    int[] values = new int[count];
    java.util.Arrays.fill(values, value);
    return values;
  }
}
