package io.haloconv.io;

import static io.haloconv.io.TestFiles.golden;
import static io.haloconv.io.TestFiles.hadoop;
import static io.haloconv.io.TestFiles.local;
import static io.haloconv.io.TestFiles.readAllBytes;
import static io.haloconv.io.TestFiles.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.io.ImageReadException.Stage;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ImageProbeTest {
  @TempDir Path dir;

  private static ImageInfo probe(Path file) throws ImageReadException {
    return ImageProbe.probe(local(), hadoop(file), ImageProbe.DEFAULT_MAX_PIXELS);
  }

  @Test
  void probesTheGoldenImagesFromTheirHeaders() throws ImageReadException {
    ImageInfo astronaut = probe(golden("images/astronaut.png"));
    assertThat(astronaut.format()).isEqualTo(ImageFormat.PNG);
    assertThat(astronaut.width()).isEqualTo(139);
    assertThat(astronaut.height()).isEqualTo(161);
    assertThat(astronaut.channels()).isEqualTo(3);
    assertThat(astronaut.bitDepth()).isEqualTo(8);
    assertThat(astronaut.layout()).isEqualTo(PixelLayout.RGB);
    assertThat(astronaut.supportsRegionReads()).isFalse();
    assertThat(astronaut.path()).endsWith("/golden/images/astronaut.png");

    ImageInfo camera = probe(golden("images/camera.png"));
    assertThat(camera.layout()).isEqualTo(PixelLayout.GRAY);
    assertThat(camera.channels()).isEqualTo(1);
    assertThat(camera.bitDepth()).isEqualTo(8);

    ImageInfo palette = probe(golden("images/palette_color.png"));
    assertThat(palette.layout()).isEqualTo(PixelLayout.RGB);
    assertThat(palette.channels()).isEqualTo(3);
    assertThat(palette.width()).isEqualTo(10);
    assertThat(palette.height()).isEqualTo(10);

    ImageInfo horse = probe(golden("images/horse_rgba.png"));
    assertThat(horse.layout()).isEqualTo(PixelLayout.RGBA);
    assertThat(horse.channels()).isEqualTo(4);
    assertThat(horse.width()).isEqualTo(150);
    assertThat(horse.height()).isEqualTo(120);

    ImageInfo chelsea = probe(golden("images/chelsea_u16.tif"));
    assertThat(chelsea.format()).isEqualTo(ImageFormat.TIFF);
    assertThat(chelsea.layout()).isEqualTo(PixelLayout.GRAY);
    assertThat(chelsea.bitDepth()).isEqualTo(16);
    assertThat(chelsea.unitScale()).isEqualTo(65535);
    assertThat(chelsea.width()).isEqualTo(136);
    assertThat(chelsea.height()).isEqualTo(120);

    ImageInfo rocket = probe(golden("images/rocket.jpg"));
    assertThat(rocket.format()).isEqualTo(ImageFormat.JPEG);
    assertThat(rocket.width()).isEqualTo(203);
    assertThat(rocket.height()).isEqualTo(141);
    assertThat(rocket.channels()).isEqualTo(3);
    assertThat(rocket.bitDepth()).isEqualTo(8);
    assertThat(rocket.fileSize()).isEqualTo(7323);
  }

  @Test
  void refusesAnAbsurdDeclaredSizeFromTheHeaderOfATinyFile() {
    // A PNG signature and an IHDR chunk declaring 200000x200000 RGB: 33 bytes, no pixel data.
    ByteBuffer png = ByteBuffer.allocate(33);
    png.put(new byte[] {(byte) 0x89, 'P', 'N', 'G', 0x0d, 0x0a, 0x1a, 0x0a});
    png.putInt(13).put("IHDR".getBytes(StandardCharsets.US_ASCII));
    png.putInt(200_000)
        .putInt(200_000)
        .put((byte) 8)
        .put((byte) 2)
        .put((byte) 0)
        .put((byte) 0)
        .put((byte) 0);
    CRC32 crc = new CRC32();
    crc.update(png.array(), 12, 17);
    png.putInt((int) crc.getValue());
    Path file = write(dir.resolve("huge.png"), png.array());

    assertThatThrownBy(() -> probe(file))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("image is 200000x200000 = 4.0e10 pixels, --max-pixels is 2147483648")
        .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.PROBE));
    assertThatThrownBy(
            () -> ImageProbe.probe(local(), hadoop(golden("images/astronaut.png")), 139 * 160))
        .hasMessage("image is 139x161 = 22379 pixels, --max-pixels is 22240");
  }

  @Test
  void choosesTheFormatFromMagicBytesNotTheName() throws ImageReadException {
    Path disguised = write(dir.resolve("photo.jpg"), readAllBytes(golden("images/camera.png")));
    ImageInfo info = probe(disguised);
    assertThat(info.format()).isEqualTo(ImageFormat.PNG);
    assertThat(info.layout()).isEqualTo(PixelLayout.GRAY);
  }

  @Test
  void refusesFilesThatAreNotImagesWithOneLineMessages() {
    Path empty = write(dir.resolve("empty.png"), new byte[0]);
    assertThatThrownBy(() -> probe(empty))
        .isInstanceOf(ImageReadException.class)
        .hasMessage("empty file (0 bytes)")
        .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.PROBE));
    Path text =
        write(
            dir.resolve("notes.png"),
            "hello world, I am not a picture\n".getBytes(StandardCharsets.US_ASCII));
    assertThatThrownBy(() -> probe(text))
        .hasMessage("not a PNG image: file starts with \"hello wo\"");
    Path unknown = write(dir.resolve("notes.dat"), new byte[] {0, 1, 2, 3, 4});
    assertThatThrownBy(() -> probe(unknown))
        .hasMessage(
            "no image reader recognises this file: it starts with"
                + " \"\\x00\\x01\\x02\\x03\\x04\"");
    assertThatThrownBy(() -> probe(dir.resolve("missing.png"))).hasMessage("file not found");
    assertThatThrownBy(() -> probe(dir)).hasMessage("is a directory, not an image file");
  }

  @Test
  void refusesAJpegTruncatedInsideItsHeader() {
    byte[] rocket = readAllBytes(golden("images/rocket.jpg"));
    Path file = write(dir.resolve("cut.jpg"), Arrays.copyOf(rocket, 300));
    assertThatThrownBy(() -> probe(file))
        .isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith("truncated JPEG: ")
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"))
        .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.PROBE))
        .hasCauseInstanceOf(javax.imageio.IIOException.class);
  }

  @Test
  void refusesAPngTruncatedInsideItsHeader() {
    byte[] png = readAllBytes(golden("images/astronaut.png"));
    Path file = write(dir.resolve("cut.png"), Arrays.copyOf(png, 20));
    assertThatThrownBy(() -> probe(file))
        .isInstanceOf(ImageReadException.class)
        .hasMessageStartingWith("truncated PNG: ")
        .satisfies(e -> assertThat(((ImageReadException) e).stage()).isEqualTo(Stage.PROBE));
  }

  @Test
  void readsTheLengthOfLocalFilesAsHadoopsFileStatusDoes() throws Exception {
    // The probe stats local files itself; what it finds must be what Hadoop's status says.
    Path image = golden("images/rocket.jpg");
    ImageInfo direct = probe(image);
    assertThat(direct.fileSize())
        .isEqualTo(local().getFileStatus(hadoop(image)).getLen())
        .isEqualTo(java.nio.file.Files.size(image));
    Path link = dir.resolve("10:30 link.jpg"); // a name Hadoop cannot make a sibling path of
    java.nio.file.Files.createSymbolicLink(link, image.toAbsolutePath());
    ImageInfo viaLink = probe(link);
    assertThat(viaLink.fileSize()).isEqualTo(direct.fileSize());
    assertThat(viaLink.width()).isEqualTo(direct.width());
    assertThat(viaLink.path()).isEqualTo(hadoop(link).toString());
    Path dangling = dir.resolve("dangling.png");
    java.nio.file.Files.createSymbolicLink(dangling, dir.resolve("gone.png"));
    assertThatThrownBy(() -> probe(dangling))
        .hasMessage("file not found")
        .satisfies(
            e -> assertThat(((ImageReadException) e).kind()).isEqualTo(ErrorKind.FILE_NOT_FOUND));
    Path sub = java.nio.file.Files.createDirectory(dir.resolve("sub.png"));
    assertThatThrownBy(() -> probe(sub))
        .hasMessage("is a directory, not an image file")
        .satisfies(
            e -> assertThat(((ImageReadException) e).kind()).isEqualTo(ErrorKind.NOT_AN_IMAGE));
    Path empty = write(dir.resolve("empty.jpg"), new byte[0]);
    assertThatThrownBy(() -> probe(empty))
        .satisfies(
            e -> assertThat(((ImageReadException) e).kind()).isEqualTo(ErrorKind.EMPTY_FILE));
  }
}
