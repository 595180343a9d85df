package io.haloconv.spark.listing;

import static java.util.Objects.requireNonNull;

/**
 * {@code --input-format parquet}: the input is a Parquet dataset (a file, directory or glob) with
 * one image per row.
 *
 * @param imageColumn the encoded image bytes: a binary column, or a struct with a binary {@code
 *     bytes} field (Hugging Face datasets' image feature)
 * @param idColumn the column whose value, as a string, becomes the output's {@code path}; null to
 *     use the row's location {@code FILE#ROW} (the Parquet file's URI and the row's 0-based index
 *     in it)
 */
public record ParquetInput(String imageColumn, String idColumn) {
  /** The image column of Hugging Face datasets' image feature, and the default. */
  public static final String DEFAULT_IMAGE_COLUMN = "image";

  public ParquetInput {
    requireNonNull(imageColumn, "imageColumn is null");
    if (imageColumn.isBlank()) {
      throw new IllegalArgumentException("--image-column must not be empty");
    }
    if (idColumn != null && idColumn.isBlank()) {
      throw new IllegalArgumentException("--id-column must not be empty");
    }
  }
}
