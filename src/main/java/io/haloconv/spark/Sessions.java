package io.haloconv.spark;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Builds the SparkSession a haloconv command runs in. Precedence, lowest first: haloconv's
 * defaults, {@code spark-defaults.conf} from the conf directory, {@code --conf} settings, then
 * {@code --master}. Under spark-submit, the master and settings spark-submit passes win over
 * haloconv's defaults.
 */
public final class Sessions {
  /**
   * Hadoop settings of the command's JVM: {@code src/main/resources/haloconv-hadoop-defaults.xml}.
   */
  static final String HADOOP_DEFAULTS = "haloconv-hadoop-defaults.xml";

  private Sessions() {}

  /**
   * Adds haloconv's Hadoop defaults to every Hadoop {@code Configuration} of this JVM. For the
   * command's own process only (its {@code main}, before any file is opened): Hadoop reads some
   * keys once per JVM, from a configuration of its own, where {@code spark.hadoop.*} settings never
   * reach. Library users' JVMs are left as they are, and so are a cluster's executors, whose {@code
   * core-site.xml} decides.
   */
  public static void installHadoopDefaults() {
    Configuration.addDefaultResource(HADOOP_DEFAULTS);
  }

  /** Settings every haloconv session gets unless the user overrides them. */
  public static Map<String, String> defaults() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    d.put("spark.kryo.registrationRequired", "true");
    d.put("spark.kryo.registrator", HaloconvKryoRegistrator.class.getName());
    d.put("spark.ui.showConsoleProgress", "false");
    d.put("spark.sql.parquet.compression.codec", "zstd");
    // _SUCCESS is written by the job itself, after the manifest, so it marks a complete output.
    d.put("spark.hadoop.mapreduce.fileoutputcommitter.marksuccessfuljobs", "false");
    d.put("spark.hadoop.parquet.summary.metadata.level", "NONE");
    return d;
  }

  /**
   * A session for the CLI.
   *
   * @param master {@code --master}, or null for spark-submit's or the embedded {@code local[*]}
   * @param confDir directory holding {@code spark-defaults.conf}, or null
   * @param settings {@code --conf} key-value pairs
   */
  public static SparkSession create(String master, Path confDir, Map<String, String> settings)
      throws IOException {
    SparkConf conf = new SparkConf(true); // picks up spark.* system properties (spark-submit)
    for (Map.Entry<String, String> e : defaults().entrySet()) {
      conf.setIfMissing(e.getKey(), e.getValue());
    }
    if (confDir != null) {
      Path file = confDir.resolve("spark-defaults.conf");
      if (Files.isRegularFile(file)) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(file)) {
          p.load(in);
        }
        for (String key : p.stringPropertyNames()) {
          if (key.startsWith("spark.")) {
            conf.set(key, p.getProperty(key).trim());
          }
        }
      }
    }
    for (Map.Entry<String, String> e : settings.entrySet()) {
      conf.set(e.getKey(), e.getValue());
    }
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster("local[*]");
    }
    conf.setIfMissing("spark.app.name", "haloconv");
    return SparkSession.builder().config(conf).getOrCreate();
  }
}
