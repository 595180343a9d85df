package io.haloconv.io.tiff;

import io.haloconv.io.BandSink;
import io.haloconv.tensor.Tensor3;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Writes an image streamed top to bottom as an uncompressed, tiled, little-endian BigTIFF: the
 * seekable scratch raster from which the tiles of an image that cannot be read by window (a PNG, a
 * JPEG, a single compressed strip) then read their windows in parallel through {@link TiffDecoder}.
 * Tiles are stored uncompressed, so every offset is known before any pixel arrives: the header and
 * directory go first, then the tiles in order, a band of tile rows at a time, and the writer holds
 * one band.
 *
 * <p>Samples are the image's raw values in 8 bits (bit depths up to 8) or 16 bits (up to 16).
 */
final class ScratchTiff implements BandSink {
  /** Square tiles of this side: windows of a few hundred pixels touch a handful of them. */
  static final int TILE = 256;

  private final OutputStream out;
  private final int width;
  private final int height;
  private final int channels;
  private final int bytesPerSample;
  private final int tilesAcross;

  /** One band of TILE rows, tile after tile, each tile row-major and chunky, as stored. */
  private final byte[] band;

  private int rowsInBand;
  private int rowsWritten;

  /** Starts the file: writes the header and directory to {@code out}. */
  ScratchTiff(OutputStream out, int width, int height, int channels, int bitDepth)
      throws IOException {
    if (bitDepth < 1 || bitDepth > 16) {
      throw new IllegalArgumentException("scratch rasters hold 1 to 16 bits, got " + bitDepth);
    }
    this.out = out;
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.bytesPerSample = bitDepth <= 8 ? 1 : 2;
    this.tilesAcross = (width + TILE - 1) / TILE;
    this.band = new byte[Math.multiplyExact(tilesAcross, tileBytes())];
    out.write(header());
  }

  private int tileBytes() {
    return TILE * TILE * channels * bytesPerSample;
  }

  private byte[] header() {
    int tilesDown = (height + TILE - 1) / TILE;
    int tiles = tilesAcross * tilesDown;
    int colours = channels >= 3 ? 3 : 1;
    List<long[]> entries = new ArrayList<>(); // tag, type, count, value-or-(-1 for external)
    List<byte[]> external = new ArrayList<>();
    short[] perSample = new short[channels];
    Arrays.fill(perSample, (short) (8 * bytesPerSample));
    entries.add(new long[] {256, 16, 1, width});
    entries.add(new long[] {257, 16, 1, height});
    entries.add(new long[] {258, 3, channels, 0});
    entries.add(new long[] {259, 3, 1, TiffDirectory.COMPRESSION_NONE});
    entries.add(new long[] {262, 3, 1, colours == 3 ? 2 : 1});
    entries.add(new long[] {277, 3, 1, channels});
    entries.add(new long[] {284, 3, 1, 1});
    entries.add(new long[] {322, 3, 1, TILE});
    entries.add(new long[] {323, 3, 1, TILE});
    entries.add(new long[] {324, 16, tiles, 0});
    entries.add(new long[] {325, 16, tiles, 0});
    if (channels > colours) {
      entries.add(new long[] {338, 3, channels - colours, 0});
    }
    short[] formats = new short[channels];
    Arrays.fill(formats, (short) 1);
    entries.add(new long[] {339, 3, channels, 0});

    int ifdBytes = 8 + 20 * entries.size() + 8;
    long cursor = 16 + ifdBytes;
    long[] valueAt = new long[entries.size()];
    // External arrays, in entry order; the tile offsets need the data start, so size them first.
    long externalBytes = 0;
    for (long[] e : entries) {
      long bytes = e[2] * (e[1] == 16 ? 8 : 2);
      if (bytes > 8) {
        externalBytes += bytes;
      }
    }
    long dataStart = cursor + externalBytes;
    for (long[] e : entries) {
      if (tiles == 1 && e[0] == 324) {
        e[3] = dataStart; // one tile: the offset and byte count sit in the entry itself
      } else if (tiles == 1 && e[0] == 325) {
        e[3] = tileBytes();
      }
    }
    ByteBuffer values = ByteBuffer.allocate((int) externalBytes).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < entries.size(); i++) {
      long[] e = entries.get(i);
      long bytes = e[2] * (e[1] == 16 ? 8 : 2);
      if (bytes <= 8) {
        continue;
      }
      valueAt[i] = cursor + values.position();
      switch ((int) e[0]) {
        case 258 -> {
          for (short s : perSample) {
            values.putShort(s);
          }
        }
        case 339 -> {
          for (short s : formats) {
            values.putShort(s);
          }
        }
        case 338 -> {
          for (int s = 0; s < e[2]; s++) {
            values.putShort((short) 0);
          }
        }
        case 324 -> {
          for (int t = 0; t < tiles; t++) {
            values.putLong(dataStart + (long) t * tileBytes());
          }
        }
        case 325 -> {
          for (int t = 0; t < tiles; t++) {
            values.putLong(tileBytes());
          }
        }
        default -> throw new AssertionError(e[0]);
      }
    }
    external.add(values.array());
    ByteBuffer head = ByteBuffer.allocate((int) cursor).order(ByteOrder.LITTLE_ENDIAN);
    head.put((byte) 'I')
        .put((byte) 'I')
        .putShort((short) 43)
        .putShort((short) 8)
        .putShort((short) 0)
        .putLong(16);
    head.putLong(entries.size());
    for (int i = 0; i < entries.size(); i++) {
      long[] e = entries.get(i);
      head.putShort((short) e[0]).putShort((short) e[1]).putLong(e[2]);
      long bytes = e[2] * (e[1] == 16 ? 8 : 2);
      if (bytes > 8) {
        head.putLong(valueAt[i]);
      } else if (e[1] == 16) {
        head.putLong(e[3]);
      } else {
        int start = head.position();
        short[] inline =
            e[0] == 258
                ? perSample
                : e[0] == 339
                    ? formats
                    : e[0] == 338 ? new short[(int) e[2]] : new short[] {(short) e[3]};
        for (short s : inline) {
          head.putShort(s);
        }
        head.position(start + 8);
      }
    }
    head.putLong(0); // no next directory
    ByteBuffer all = ByteBuffer.allocate((int) (cursor + externalBytes));
    all.put(head.array()).put(external.get(0));
    return all.array();
  }

  @Override
  public void accept(Tensor3 rows) throws IOException {
    if (rows.channels() != channels || rows.width() != width) {
      throw new IllegalArgumentException(
          "band "
              + rows
              + " does not fit a "
              + channels
              + "x"
              + height
              + "x"
              + width
              + " scratch raster");
    }
    if (rowsWritten + rowsInBand + rows.height() > height) {
      throw new IOException("the decoder delivered more than the " + height + " rows promised");
    }
    float[] src = rows.data();
    int plane = rows.height() * width;
    for (int r = 0; r < rows.height(); r++) {
      int y = rowsInBand;
      for (int t = 0; t < tilesAcross; t++) {
        int x0 = t * TILE;
        int n = Math.min(TILE, width - x0);
        int at = (t * TILE * TILE + y * TILE) * channels * bytesPerSample;
        for (int x = 0; x < n; x++) {
          for (int c = 0; c < channels; c++) {
            int value = (int) src[c * plane + r * width + x0 + x];
            if (bytesPerSample == 1) {
              band[at++] = (byte) value;
            } else {
              band[at++] = (byte) value;
              band[at++] = (byte) (value >>> 8);
            }
          }
        }
      }
      rowsInBand++;
      if (rowsInBand == TILE) {
        flush();
      }
    }
  }

  private void flush() throws IOException {
    out.write(band);
    Arrays.fill(band, (byte) 0);
    rowsWritten += rowsInBand;
    rowsInBand = 0;
  }

  /** Writes the last band; every row must have arrived. Does not close the stream. */
  void finish() throws IOException {
    if (rowsInBand > 0) {
      flush();
    }
    if (rowsWritten != height) {
      throw new IOException("scratch raster got " + rowsWritten + " of " + height + " rows");
    }
    out.flush();
  }
}
