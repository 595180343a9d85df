package io.haloconv.tensor;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * Reads numpy's .npz archives: a zip of .npy members as written by {@code np.savez} (stored) and
 * {@code np.savez_compressed} (deflated).
 *
 * <p>The archive is read as a stream, member by member; each member's .npy header is checked
 * against the caller's limit before its values are allocated, so a member declaring a 10 GB array
 * costs only its header. Inflation is driven by the declared array size, never by the zip's own
 * size fields, so a zip bomb cannot make the reader allocate more than the limit allows.
 */
public final class Npz {
  private Npz() {}

  /** Reads every array, each limited to what one Java array holds. */
  public static Map<String, NpyArray> read(InputStream in) throws IOException {
    return read(in, Shapes.MAX_ARRAY_LENGTH);
  }

  /**
   * Reads every array of the archive, keyed by member name without {@code .npy}, in archive order.
   * The stream is read to the end of the last member but not closed.
   *
   * @param maxValuesPerArray the largest number of values any one member may declare
   * @throws TensorFormatException if this is not a zip of .npy members, a member is malformed or
   *     truncated, or a member declares more than {@code maxValuesPerArray} values
   */
  public static Map<String, NpyArray> read(InputStream in, long maxValuesPerArray)
      throws IOException {
    requireNonNull(in, "in is null");
    BufferedInputStream buffered = new BufferedInputStream(new NonClosing(in));
    buffered.mark(8);
    byte[] signature = buffered.readNBytes(8);
    buffered.reset();
    // ZipInputStream returns "no entries" for any non-zip input; check the signature ourselves.
    boolean localHeader =
        signature.length >= 4
            && signature[0] == 'P'
            && signature[1] == 'K'
            && signature[2] == 3
            && signature[3] == 4;
    boolean emptyArchive =
        signature.length >= 4
            && signature[0] == 'P'
            && signature[1] == 'K'
            && signature[2] == 5
            && signature[3] == 6;
    if (!localHeader && !emptyArchive) {
      throw new TensorFormatException(
          "not an .npz (zip) archive: "
              + (signature.length == 0 ? "it is empty" : "it starts with " + Npy.quote(signature)));
    }
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    try (ZipInputStream zip = new ZipInputStream(buffered)) {
      ZipEntry entry;
      while ((entry = zip.getNextEntry()) != null) {
        String name = entry.getName();
        if (entry.isDirectory()) {
          continue;
        }
        if (!name.endsWith(".npy")) {
          throw new TensorFormatException("npz member '" + name + "' is not a .npy array");
        }
        String key = name.substring(0, name.length() - ".npy".length());
        if (arrays.containsKey(key)) {
          throw new TensorFormatException("npz holds two arrays named '" + key + "'");
        }
        try {
          arrays.put(key, Npy.read(zip, maxValuesPerArray));
        } catch (TensorFormatException e) {
          throw new TensorFormatException("npz member '" + name + "': " + e.getMessage(), e);
        } catch (EOFException e) {
          throw new TensorFormatException("npz member '" + name + "' is truncated", e);
        } catch (ZipException e) {
          throw new TensorFormatException(
              "npz member '" + name + "' is corrupt: " + e.getMessage(), e);
        }
      }
    } catch (ZipException e) {
      throw new TensorFormatException("npz archive is corrupt: " + e.getMessage(), e);
    } catch (EOFException e) {
      throw new TensorFormatException("npz archive is truncated", e);
    }
    return Collections.unmodifiableMap(arrays);
  }

  /** Lets ZipInputStream be closed (to free its Inflater) without closing the caller's stream. */
  private static final class NonClosing extends FilterInputStream {
    NonClosing(InputStream in) {
      super(in);
    }

    @Override
    public void close() {}
  }
}
