package io.haloconv.cli;

import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The flags every Spark-running command shares, as spark-submit means them: {@code --master},
 * {@code --driver-memory} (applied by the launcher to its JVM) and repeatable {@code --conf
 * KEY=VALUE}.
 *
 * @param master the master URL, or null for spark-submit's or the embedded {@code local[*]}
 * @param driverMemory the driver heap size, or null
 * @param conf the {@code --conf} settings, in order
 */
record SparkFlags(String master, String driverMemory, Map<String, String> conf) {
  static final Set<String> VALUED = Set.of("--master", "--driver-memory", "--conf");
  static final Set<String> REPEATABLE = Set.of("--conf");

  static SparkFlags from(Args args) {
    Map<String, String> conf = new LinkedHashMap<>();
    for (String kv : args.all("--conf")) {
      int eq = kv.indexOf('=');
      if (eq <= 0) {
        throw new UsageException("--conf must be KEY=VALUE, got '" + kv + "'");
      }
      String key = kv.substring(0, eq).trim();
      if (!key.startsWith("spark.")) {
        throw new UsageException("--conf key must start with spark., got '" + key + "'");
      }
      conf.put(key, kv.substring(eq + 1));
    }
    String master = args.get("--master");
    if (master != null && master.isBlank()) {
      throw new UsageException("--master must not be empty");
    }
    String memory =
        args.has("--driver-memory")
            ? Values.memory("--driver-memory", args.get("--driver-memory"))
            : null;
    return new SparkFlags(master, memory, conf);
  }

  /** {@code a} ∪ {@code b}, for commands that add flags of their own. */
  static Set<String> with(Set<String> a, String... b) {
    Set<String> all = new HashSet<>(a);
    all.addAll(List.of(b));
    return Set.copyOf(all);
  }
}
