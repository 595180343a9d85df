package io.haloconv.spark.output;

import java.util.Locale;

/** The Parquet codec of the feature files ({@code --compression}). */
public enum Compression {
  /** Smallest files; zstd level 3 costs about as much CPU as the kernel on small banks. */
  ZSTD("zstd", "zstd"),
  /** Faster to write and read, larger files. */
  SNAPPY("snappy", "snappy"),
  /** No codec: the fastest write, the features' own size. */
  NONE("none", "uncompressed");

  private final String cliName;
  private final String parquetName;

  Compression(String cliName, String parquetName) {
    this.cliName = cliName;
    this.parquetName = parquetName;
  }

  public String cliName() {
    return cliName;
  }

  /** The name Spark's Parquet writer takes as its {@code compression} option. */
  public String parquetName() {
    return parquetName;
  }

  public static Compression parse(String text) {
    for (Compression c : values()) {
      if (c.cliName.equals(text.toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    throw new IllegalArgumentException(
        "compression must be zstd, snappy or none, got '" + text + "'");
  }
}
