package dev.sessionlimits.server;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/** The version of Sessionlimits this jar was built as, from the build's filtered resource. */
public final class Version {

  private static final String RESOURCE = "version.properties";

  /** The release, such as {@code 0.2.0}. */
  public static final String CURRENT = read();

  private Version() {}

  private static String read() {
    Properties properties = new Properties();
    try (InputStream in = Version.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException(RESOURCE + " is missing from the jar: a broken build");
      }
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String version = properties.getProperty("version");
    if (version == null || version.isBlank() || version.startsWith("${")) {
      throw new IllegalStateException(RESOURCE + " holds no version: a broken build");
    }
    return version;
  }
}
