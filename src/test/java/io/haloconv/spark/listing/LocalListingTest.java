package io.haloconv.spark.listing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.testing.FileTrees;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The one-stat local listing against Hadoop's own {@code listStatus}, on real files with every kind
 * of name and link: the same children, in the same order, with the same path strings and types.
 */
class LocalListingTest {
  @TempDir static java.nio.file.Path temp;
  static java.nio.file.Path dir;

  @BeforeAll
  static void makeTree() throws IOException {
    dir = Files.createDirectories(temp.resolve("a dir #1"));
    java.nio.file.Path elsewhere = Files.createDirectories(temp.resolve("elsewhere"));
    Files.writeString(elsewhere.resolve("inside.png"), "x");
    List<String> names = new ArrayList<>();
    names.add("plain.png");
    names.addAll(FileTrees.AWKWARD_NAMES);
    names.addAll(
        List.of("q?mark.png", ".hidden.png", ".plain.png.crc", "_underscore.png", "empty.png"));
    for (String name : names) {
      Files.writeString(dir.resolve(name), name.equals("empty.png") ? "" : name);
    }
    Files.createDirectories(dir.resolve("sub dir"));
    Files.writeString(dir.resolve("sub dir").resolve("deeper.png"), "d");
    Files.createSymbolicLink(dir.resolve("linked dir"), elsewhere);
    Files.createSymbolicLink(dir.resolve("linked.png"), elsewhere.resolve("inside.png"));
    Files.createSymbolicLink(dir.resolve("dangling.png"), temp.resolve("nothing-here.png"));
    Files.createSymbolicLink(dir.resolve("loop"), dir);
    Files.createSymbolicLink(dir.resolve("self-link"), dir.resolve("self-link"));
  }

  /** Path string and type of each child, in listing order. */
  private static List<String> describe(FileStatus[] children) {
    List<String> out = new ArrayList<>();
    for (FileStatus child : children) {
      out.add(child.getPath() + (child.isDirectory() ? " (dir)" : " (file)"));
    }
    return out;
  }

  private static List<String> describe(RemoteIterator<FileStatus> children) throws IOException {
    List<FileStatus> all = new ArrayList<>();
    while (children.hasNext()) {
      all.add(children.next());
    }
    return describe(all.toArray(new FileStatus[0]));
  }

  @Test
  void listsWhatHadoopListsOnTheChecksummedAndTheRawFileSystem() throws IOException {
    Configuration conf = new Configuration(false);
    LocalFileSystem checksummed = FileSystem.getLocal(conf);
    for (FileSystem fs : List.of(checksummed, checksummed.getRawFileSystem())) {
      for (Path path :
          List.of(
              new Path(dir.toUri()),
              new Path(dir.toString()),
              new Path("file:" + dir + "/"),
              new Path(dir.resolve("linked dir").toString()),
              new Path(dir.resolve("sub dir").toUri()))) {
        List<String> expected = describe(fs.listStatus(path));
        assertThat(describe(LocalListing.listStatus(fs, path))).isEqualTo(expected);
        assertThat(describe(LocalListing.listStatusIterator(fs, path))).isEqualTo(expected);
      }
    }
    // What the tree holds, so the comparison above covered every kind of entry.
    List<String> listed = describe(LocalListing.listStatus(checksummed, new Path(dir.toUri())));
    assertThat(listed)
        .contains(
            "file:" + dir.resolve("colon:name.png") + " (file)",
            "file:" + dir.resolve("100%.png") + " (file)",
            "file:" + dir.resolve("linked dir") + " (dir)",
            "file:" + dir.resolve("linked.png") + " (file)",
            "file:" + dir.resolve("loop") + " (dir)")
        .noneMatch(
            s -> s.contains("dangling") || s.contains("self-link") || s.endsWith(".crc (file)"))
        .hasSize(15);
  }

  @Test
  void aFileAMissingPathAndAnEmptyDirectoryAreListedAsHadoopListsThem() throws IOException {
    FileSystem fs = FileSystem.getLocal(new Configuration(false));
    Path file = new Path(dir.resolve("plain.png").toUri());
    assertThat(describe(LocalListing.listStatus(fs, file)))
        .isEqualTo(describe(fs.listStatus(file)))
        .hasSize(1);
    java.nio.file.Path empty = Files.createDirectories(temp.resolve("empty dir"));
    assertThat(LocalListing.listStatus(fs, new Path(empty.toUri()))).isEmpty();
    Path missing = new Path(temp.resolve("missing").toUri());
    assertThatThrownBy(() -> fs.listStatus(missing)).isInstanceOf(FileNotFoundException.class);
    assertThatThrownBy(() -> LocalListing.listStatus(fs, missing))
        .isInstanceOf(FileNotFoundException.class)
        .hasMessageContaining("missing");
  }
}
