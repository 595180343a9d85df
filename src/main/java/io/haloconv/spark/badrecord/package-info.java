/**
 * Bad records (design.md §4): the record type and its kinds, how a failure mode ({@code
 * permissive}, {@code dropmalformed}, {@code failfast}) routes one, the {@code _errors/} rows, and
 * the log filter that keeps Spark from printing stack traces for them.
 */
package io.haloconv.spark.badrecord;
