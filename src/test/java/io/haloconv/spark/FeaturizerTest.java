package io.haloconv.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.haloconv.conv.Activation;
import io.haloconv.conv.BankFiles;
import io.haloconv.conv.ConvSpec;
import io.haloconv.conv.FilterBank;
import io.haloconv.conv.Padding;
import io.haloconv.conv.PaddingMode;
import io.haloconv.io.ChannelMode;
import io.haloconv.spark.badrecord.BadRecordSink;
import io.haloconv.spark.badrecord.FailureMode;
import io.haloconv.spark.output.TileRows;
import io.haloconv.spark.task.StackBroadcast;
import io.haloconv.spark.task.TaskSettings;
import io.haloconv.stack.LayerStack;
import io.haloconv.tensor.Precision;
import io.haloconv.tensor.Tensor3;
import io.haloconv.testing.FeatureMaps;
import io.haloconv.testing.SparkTests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag$;

/**
 * The library API gives, from paths, Spark image-source rows and binary columns alike, bitwise the
 * feature maps the featurize job writes for the same images.
 */
class FeaturizerTest {
  static final Path IMAGES = Path.of("data/images").toAbsolutePath();
  @TempDir static Path temp;
  static FilterBank bank;
  static ConvSpec spec;

  /** The job's maps, keyed by file name. */
  static Map<String, Tensor3> expected;

  static List<Path> files;

  @BeforeAll
  static void runTheJob() throws IOException {
    try (InputStream in = Files.newInputStream(Path.of("data/banks/edges.npz"))) {
      bank = BankFiles.fromNpz(in);
    }
    spec =
        ConvSpec.builder(bank)
            .padding(Padding.SAME)
            .paddingMode(PaddingMode.REFLECT)
            .activation(Activation.RELU)
            .build();
    String out = temp.resolve("job").toString();
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    FeaturizeJob.run(
        SparkTests.session(),
        JobConfig.builder(IMAGES.toString(), out, LayerStack.of(bank, spec, "edges.npz"))
            .tile(100, 90)
            .build(),
        new PrintStream(log, true, StandardCharsets.UTF_8));
    // Not a terminal here: plain progress lines, the last one at 100% with a rate and no ETA left.
    assertThat(log.toString(StandardCharsets.UTF_8))
        .containsPattern("haloconv: convolve: \\d+ tiles in \\d+ tasks\n")
        .containsPattern(
            "haloconv: convolve: (\\d+)/\\1 tiles \\(100%\\), [0-9.]+ MP/s, "
                + "\\d+:\\d\\d elapsed, ETA 0:00\n")
        .doesNotContain("\r");
    expected = byName(FeatureMaps.viaSpark(SparkTests.session(), out));
    try (Stream<Path> walk = Files.walk(IMAGES)) {
      files = walk.filter(Files::isRegularFile).sorted().toList();
    }
  }

  static Map<String, Tensor3> byName(Map<String, Tensor3> maps) {
    Map<String, Tensor3> named = new TreeMap<>();
    maps.forEach((path, map) -> named.put(path.substring(path.lastIndexOf('/') + 1), map));
    return named;
  }

  static Map<String, Tensor3> assemble(Dataset<Row> rows) {
    List<FeatureMaps.TileRow> tiles = new ArrayList<>();
    for (Row r : rows.collectAsList()) {
      tiles.add(
          new FeatureMaps.TileRow(
              r.getString(0),
              r.getInt(1),
              r.getInt(2),
              r.getInt(3),
              r.getInt(4),
              r.getInt(5),
              r.getInt(6),
              r.getInt(7),
              r.getString(8),
              (byte[]) r.get(9)));
    }
    return FeatureMaps.assembleRows(tiles);
  }

  static void assertSameMaps(Map<String, Tensor3> got) {
    assertThat(got.keySet()).isEqualTo(expected.keySet());
    for (String name : got.keySet()) {
      assertThat(got.get(name).bitwiseEquals(expected.get(name))).as(name).isTrue();
    }
  }

  Featurizer featurizer() {
    return Featurizer.builder(bank).spec(spec).tile(64, 48).build();
  }

  @Test
  void pathsGiveTheJobsFeatureMaps() {
    SparkSession spark = SparkTests.session();
    List<String> paths = files.stream().map(p -> "file:" + p).toList();
    Dataset<Row> features =
        featurizer().featurizePaths(spark.createDataset(paths, Encoders.STRING()));
    assertThat(features.schema()).isEqualTo(TileRows.SCHEMA);
    Map<String, Tensor3> maps = assemble(features);
    assertThat(maps.keySet()).containsExactlyInAnyOrderElementsOf(paths); // paths as given
    assertSameMaps(byName(maps));
  }

  @Test
  void sparkImageSourceRowsGiveTheJobsFeatureMapsInRgbOrder() {
    SparkSession spark = SparkTests.session();
    Dataset<Row> images =
        spark.read().format("image").option("recursiveFileLookup", "true").load(IMAGES.toString());
    assertSameMaps(byName(assemble(featurizer().featurizeImages(images))));
  }

  @Test
  void huggingFaceStyleParquetWithImageStructsGivesTheJobsFeatureMaps() throws IOException {
    SparkSession spark = SparkTests.session();
    StructType image =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("bytes", DataTypes.BinaryType, true),
              DataTypes.createStructField("path", DataTypes.StringType, true)
            });
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.LongType, false),
              DataTypes.createStructField("image", image, true),
              DataTypes.createStructField("label", DataTypes.StringType, true)
            });
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      rows.add(
          RowFactory.create(
              (long) i, RowFactory.create(Files.readAllBytes(f), f.getFileName().toString()), "x"));
    }
    String parquet = temp.resolve("hf.parquet").toString();
    spark.createDataFrame(rows, schema).write().parquet(parquet);
    Dataset<Row> features =
        featurizer().featurizeBinary(spark.read().parquet(parquet), "image", "id");
    Map<String, Tensor3> byId = assemble(features);
    Map<String, Tensor3> named = new TreeMap<>();
    for (int i = 0; i < files.size(); i++) {
      named.put(files.get(i).getFileName().toString(), byId.get(Integer.toString(i)));
    }
    assertSameMaps(named);

    // A plain binary column works too, with row-N identifiers when there is no id column.
    Dataset<Row> plain = spark.read().parquet(parquet).select("image.bytes");
    Map<String, Tensor3> unnamed = assemble(featurizer().featurizeBinary(plain, "bytes", null));
    assertThat(unnamed).hasSize(files.size());
    assertThat(unnamed.keySet()).allMatch(id -> id.startsWith("row-"));
  }

  @Test
  void badImagesFollowTheMode() {
    SparkSession spark = SparkTests.session();
    StructType schema =
        new StructType(
            new StructField[] {
              DataTypes.createStructField("id", DataTypes.StringType, true),
              DataTypes.createStructField("content", DataTypes.BinaryType, true)
            });
    byte[] good;
    try {
      good = Files.readAllBytes(IMAGES.resolve("texture.png"));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
    Dataset<Row> frame =
        spark.createDataFrame(
            List.of(
                RowFactory.create("good", good),
                RowFactory.create("garbage", "not an image".getBytes()),
                RowFactory.create("nothing", null)),
            schema);

    Dataset<Row> dropped =
        Featurizer.builder(bank)
            .spec(spec)
            .mode(FailureMode.DROPMALFORMED)
            .build()
            .featurizeBinary(frame, "content", "id");
    assertThat(dropped.select("path").distinct().as(Encoders.STRING()).collectAsList())
        .containsExactly("good");

    Featurizer permissive =
        Featurizer.builder(bank).spec(spec).mode(FailureMode.PERMISSIVE).build();
    List<Row> errors =
        permissive
            .featurizeBinary(frame, "content", "id")
            .filter("error is not null")
            .select("path", "error.stage", "error.error", "features")
            .orderBy("path")
            .collectAsList();
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).getString(0)).isEqualTo("garbage");
    assertThat(errors.get(0).getString(1)).isEqualTo("probe");
    assertThat(errors.get(1).getString(0)).isEqualTo("nothing");
    assertThat(errors.get(1).getString(2)).isEqualTo("missing-image");
    assertThat(errors.get(1).isNullAt(3)).isTrue();

    assertThatThrownBy(() -> featurizer().featurizeBinary(frame, "content", "id").count())
        .hasMessageContaining("haloconv bad record: garbage: probe failed");
  }

  @Test
  void settingsThatDoNotFitTheBankAreRefusedAtBuild() {
    assertThatThrownBy(() -> Featurizer.builder(bank).channels(ChannelMode.GRAY).build())
        .hasMessage("filters expect 3 input channels, channels gray gives 1");
    SparkSession spark = SparkTests.session();
    Dataset<Row> frame =
        spark.createDataFrame(
            List.of(RowFactory.create(1)), new StructType().add("n", DataTypes.IntegerType));
    assertThatThrownBy(() -> featurizer().featurizeBinary(frame, "n", null))
        .hasMessage(
            "column 'n' must be a binary column, or a struct with a binary 'bytes' "
                + "field, it is int");
    assertThatThrownBy(() -> featurizer().featurizeImages(frame))
        .hasMessage("no column 'image'; columns: n");
  }

  @Test
  void whatTasksGetSurvivesJavaAndUnregisteredKryoSerializers() throws Exception {
    // Closures always go through Java serialisation; the broadcast bank through the session's
    // serializer. Round-trip both through serializers with none of haloconv's registrations.
    SparkSession spark = SparkTests.session();
    Featurizer featurizer =
        Featurizer.builder(bank).spec(spec).precision(Precision.FLOAT16).build();
    TaskSettings settings = featurizer.settings(spark);
    byte[] payload = settings.stack().bytes();
    SerializerInstance java = new JavaSerializer(new SparkConf()).newInstance();
    SerializerInstance kryo =
        new KryoSerializer(new SparkConf().set("spark.kryo.registrationRequired", "true"))
            .newInstance();
    for (SerializerInstance s : List.of(java, kryo)) {
      byte[] back =
          s.deserialize(
              s.serialize(payload, ClassTag$.MODULE$.apply(byte[].class)),
              ClassTag$.MODULE$.apply(byte[].class));
      io.haloconv.stack.ConvLayer conv =
          (io.haloconv.stack.ConvLayer) StackBroadcast.deserialize(back).layer(0);
      assertThat(conv.bank().sha256()).isEqualTo(bank.sha256());
      assertThat(conv.spec()).isEqualTo(spec);
    }
    Featurizer.Task task =
        new Featurizer.Task(
            new Featurizer.FromBytes(1L << 31), settings, BadRecordSink.failFast(), null);
    Featurizer.Task copy =
        java.deserialize(
            java.serialize(task, ClassTag$.MODULE$.apply(Featurizer.Task.class)),
            ClassTag$.MODULE$.apply(Featurizer.Task.class));
    byte[] png = Files.readAllBytes(IMAGES.resolve("texture.png"));
    List<FeatureMaps.TileRow> tiles = new ArrayList<>();
    copy.call(List.of(RowFactory.create("t", png)).iterator())
        .forEachRemaining(
            r ->
                tiles.add(
                    new FeatureMaps.TileRow(
                        r.getString(0),
                        r.getInt(1),
                        r.getInt(2),
                        r.getInt(3),
                        r.getInt(4),
                        r.getInt(5),
                        r.getInt(6),
                        r.getInt(7),
                        r.getString(8),
                        (byte[]) r.get(9))));
    Tensor3 map = FeatureMaps.assembleRows(tiles).get("t");
    Tensor3 want = expected.get("texture.png");
    float[] halves = Precision.FLOAT16.decode(encode16(want), 0, want.size());
    // Arrays.equals, not containsExactly: AssertJ's array comparison is slow for 65k values.
    assertThat(Arrays.equals(map.data(), halves)).isTrue();
  }

  @Test
  void aLayerStackGivesTheStackJobsLayersBitwise() throws IOException {
    SparkSession spark = SparkTests.session();
    io.haloconv.stack.LayerStack stack;
    try (InputStream in = Files.newInputStream(Path.of("data/stacks/small-cnn.json"))) {
      stack =
          io.haloconv.stack.StackFile.read(
              in,
              (filters, channels) ->
                  io.haloconv.conv.FilterBanks.random(filters.substring("random:".length())));
    }
    String input = IMAGES.resolve("more").toString(); // stripes.png, 300x180
    String out = temp.resolve("stack-job").toString();
    FeaturizeJob.run(
        spark,
        JobConfig.builder(input, out, stack).layersFile("small-cnn.json").tile(40, 40).build());
    Featurizer featurizer = Featurizer.builder(stack).tile(32, 48).build();
    assertThat(featurizer.schema().fieldNames()).endsWith("valid_fraction", "layer");
    assertThat(featurizer.schema().fieldNames()).contains("features", "transform", "crs");
    Dataset<Row> rows =
        featurizer.featurizePaths(
            spark.createDataset(
                List.of("file:" + IMAGES.resolve("more/stripes.png")), Encoders.STRING()));
    Dataset<Row> jobRows = spark.read().parquet(out);
    for (String layer : List.of("conv1", "conv3")) {
      Map<String, Tensor3> got =
          byName(assemble(rows.filter("layer = '" + layer + "'").drop("layer")));
      Map<String, Tensor3> want =
          byName(
              assemble(
                  jobRows
                      .filter("layer = '" + layer + "'")
                      .select(
                          "path",
                          "y0",
                          "x0",
                          "height",
                          "width",
                          "channels",
                          "out_height",
                          "out_width",
                          "dtype",
                          "features")));
      assertThat(got.keySet()).containsExactly("stripes.png");
      assertThat(got.get("stripes.png").bitwiseEquals(want.get("stripes.png"))).as(layer).isTrue();
    }
  }

  private static byte[] encode16(Tensor3 t) {
    byte[] out = new byte[t.size() * 2];
    Precision.FLOAT16.encode(t.data(), 0, t.size(), out, 0);
    return out;
  }
}
