package io.haloconv;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * haloconv's version, from the build (pom.xml), as the manifest and {@code --version} report it.
 */
public final class Version {
  public static final String VERSION = load();

  private Version() {}

  private static String load() {
    try (InputStream in = Version.class.getResourceAsStream("version.properties")) {
      Properties p = new Properties();
      if (in != null) {
        p.load(in);
      }
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
