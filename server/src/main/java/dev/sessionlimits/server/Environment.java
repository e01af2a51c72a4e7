package dev.sessionlimits.server;

import java.util.Map;

/**
 * The {@code SESSIONLIMITS_*} environment as the server and the command line read it: the one place
 * that turns the process environment into the map that {@link ServerConfig#fromEnvironment} and the
 * identity configurations read.
 */
public final class Environment {

  private Environment() {}

  /** This process's environment, ready to be read by the configurations. */
  public static Map<String, String> current() {
    return resolve(System.getenv());
  }

  /** {@code env} ready to be read by the configurations. */
  public static Map<String, String> resolve(Map<String, String> env) {
    return Map.copyOf(env);
  }
}
