package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.junit.jupiter.api.Test;

/** A task's file system look-ups give what {@link Path#getFileSystem} gives, path by path. */
class HadoopConfFileSystemsTest {
  @Test
  void eachPathGetsTheFileSystemHadoopWouldGiveIt() throws Exception {
    Configuration conf = new Configuration(false);
    // A second scheme: Hadoop's raw local file system under a name of its own.
    conf.set("fs.raw.impl", org.apache.hadoop.fs.RawLocalFileSystem.class.getName());
    HadoopConf.FileSystems fileSystems = new HadoopConf(conf).fileSystems();
    for (String path :
        new String[] {
          "file:/tmp/a.png", "/tmp/b.png", "file:/tmp/c.png", "raw:/x.png", "file:/tmp/d.png"
        }) {
      Path p = new Path(path);
      assertThat(fileSystems.of(p)).as(path).isSameAs(p.getFileSystem(conf));
    }
    assertThat(fileSystems.of(new Path("raw:/y.png")))
        .isInstanceOf(org.apache.hadoop.fs.RawLocalFileSystem.class);
    assertThat(fileSystems.of(new Path("file:/y.png")))
        .isInstanceOf(org.apache.hadoop.fs.LocalFileSystem.class);
  }
}
