package io.haloconv.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.haloconv.testing.SparkTests;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.List;
import javax.tools.JavaCompiler;
import javax.tools.ToolProvider;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The library page's example program (docs/library.md) compiles against the current API and runs.
 */
class ExamplesTest {
  @TempDir Path temp;

  @Test
  void featurizerExampleRunsOnTheSamples() throws Exception {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    Path classes = temp.resolve("classes");
    int code =
        javac.run(
            null,
            null,
            null,
            "-proc:none",
            "-d",
            classes.toString(),
            "-cp",
            System.getProperty("java.class.path"),
            "--add-modules",
            "jdk.incubator.vector",
            "jobs/examples/FeaturizerExample.java");
    assertThat(code).as("javac exit code").isZero();
    try (URLClassLoader loader =
        new URLClassLoader(new URL[] {classes.toUri().toURL()}, getClass().getClassLoader())) {
      Method run =
          loader.loadClass("FeaturizerExample").getMethod("run", SparkSession.class, Path.class);
      long[] rows = (long[]) run.invoke(null, SparkTests.session(), temp.resolve("out"));
      // Tiles of 256: shapes.png (320x240) in two, texture.png (256x256) in one.
      assertThat(rows[0]).isEqualTo(rowsOf(256, 240, 320) + rowsOf(256, 256, 256));
      // The three PNGs of data/images, shapes_large.png (640x480) in six tiles.
      assertThat(rows[1]).isEqualTo(rows[0] + rowsOf(256, 480, 640));
      assertThat(rows[2]).isEqualTo(rows[1]); // the image source reads the same three PNGs
    }
    assertThat(List.of(temp.resolve("out/features").toFile().list())).isNotEmpty();
  }

  private static long rowsOf(int tile, int height, int width) {
    return (long) ((height + tile - 1) / tile) * ((width + tile - 1) / tile);
  }
}
