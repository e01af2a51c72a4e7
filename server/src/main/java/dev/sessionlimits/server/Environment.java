package dev.sessionlimits.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code SESSIONLIMITS_*} environment as the server and the command line read it: the one place
 * that turns the process environment into the map that {@link ServerConfig#fromEnvironment} and the
 * identity configurations read.
 *
 * <p>Each secret may instead be given as a file, the Docker and Kubernetes convention: {@code
 * NAME_FILE} names a file whose content is the value of {@code NAME} (one trailing newline
 * removed), so the secret need not be in the environment itself. Giving both is an error, as is a
 * file that cannot be read.
 */
public final class Environment {

  /** The variables that may be given as {@code NAME_FILE}. */
  public static final List<String> SECRETS =
      List.of(
          "SESSIONLIMITS_ADMIN_PASSWORD",
          "SESSIONLIMITS_DB_URL",
          "SESSIONLIMITS_LDAP_BIND_PASSWORD",
          "SESSIONLIMITS_OIDC_CLIENT_SECRET");

  /** What a secret's variable name is followed by to name its file instead. */
  public static final String FILE_SUFFIX = "_FILE";

  private Environment() {}

  /** This process's environment, ready to be read by the configurations. */
  public static Map<String, String> current() {
    return resolve(System.getenv());
  }

  /**
   * {@code env} ready to be read by the configurations: each {@code NAME_FILE} of a secret replaced
   * by {@code NAME} with the file's content.
   *
   * @throws IllegalArgumentException naming each variable given twice or file not readable
   */
  public static Map<String, String> resolve(Map<String, String> env) {
    Map<String, String> resolved = new HashMap<>(env);
    List<String> problems = new ArrayList<>();
    for (String name : SECRETS) {
      String fileVariable = name + FILE_SUFFIX;
      String file = resolved.remove(fileVariable);
      if (file == null) {
        continue;
      }
      if (env.containsKey(name)) {
        problems.add(
            name
                + " and "
                + fileVariable
                + " are both set; set one ("
                + fileVariable
                + "=\""
                + file
                + "\")");
        continue;
      }
      try {
        resolved.put(
            name, withoutTrailingNewline(Files.readString(Path.of(file), StandardCharsets.UTF_8)));
      } catch (IOException | InvalidPathException e) {
        problems.add(
            fileVariable
                + "=\""
                + file
                + "\": the file cannot be read ("
                + e.getClass().getSimpleName()
                + "); valid: a readable file holding the value of "
                + name);
      }
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return Map.copyOf(resolved);
  }

  private static String withoutTrailingNewline(String content) {
    if (content.endsWith("\r\n")) {
      return content.substring(0, content.length() - 2);
    }
    if (content.endsWith("\n")) {
      return content.substring(0, content.length() - 1);
    }
    return content;
  }
}
