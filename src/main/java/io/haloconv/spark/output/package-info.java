/**
 * Everything about what a job writes and how it is read back: the feature-row schema and encoding,
 * the directory layout ({@code layer=NAME}, {@code _errors}, {@code _manifest.json}, {@code
 * _SUCCESS}), Parquet settings, the commit protocol, the manifest, and the readers behind {@code
 * inspect}, {@code render} and {@code export}.
 */
package io.haloconv.spark.output;
