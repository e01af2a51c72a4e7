package dev.sessionlimits.server;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.identity.ldap.LdapConfig;
import dev.sessionlimits.server.http.ClientAddresses;
import dev.sessionlimits.server.ops.MetricsAccess;
import dev.sessionlimits.server.service.PasswordPolicy;
import dev.sessionlimits.store.jdbc.SecretsKey;
import dev.sessionlimits.store.jdbc.SessionCacheSize;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How the server is run, read once at start from the environment (SPEC section 6). Every value is
 * checked when the record is made; a bad one is refused with a message naming the variable, its
 * value and what is valid.
 *
 * @param port the HTTP port; 0 picks a free one
 * @param dataDir where the embedded store keeps its files
 * @param adminPassword the password of the {@code admin} user created at first start, or null to
 *     generate one
 * @param configDir a folder of {@code *.properties} files with settings that are read-only in the
 *     API, or null
 * @param dbUrl a PostgreSQL JDBC URL (cluster mode), or null for the embedded store
 * @param trustedProxies CIDR blocks whose {@code X-Forwarded-For} hop is believed, canonical form
 * @param cookieSecure whether the session cookie is always marked {@code Secure}
 * @param reauthWindow how recently a session's holder must have entered the password (at login or
 *     by re-authenticating) for a sensitive change to be made: {@link #MIN_REAUTH_WINDOW} to {@link
 *     #MAX_REAUTH_WINDOW}
 * @param bind the address to listen on (an IP literal or a host name), or null for every interface
 * @param cookieDomain the session cookie's {@code Domain} ({@code example.com}), or null for a
 *     cookie of this host only
 * @param tlsCert a PEM certificate chain to serve HTTPS with, or null for plain HTTP
 * @param tlsKey the PEM private key of {@code tlsCert}; null exactly when {@code tlsCert} is
 * @param ldap the directory that signs users in ({@code SESSIONLIMITS_LDAP_*}), or empty for none
 * @param metrics who may read {@code /metrics} ({@code SESSIONLIMITS_METRICS_ALLOW})
 * @param cacheSize the node's session cache ({@code SESSIONLIMITS_CACHE_SESSIONS} or {@code
 *     SESSIONLIMITS_CACHE_MEMORY}; by default a fifth of the heap)
 * @param secretsKeyFile the file of the keys that seal TOTP secrets ({@code
 *     SESSIONLIMITS_SECRETS_KEY_FILE}, checked to hold keys), or empty for the default ({@link
 *     StoreFactory#secondFactors})
 */
public record ServerConfig(
    int port,
    Path dataDir,
    String adminPassword,
    Path configDir,
    String dbUrl,
    List<String> trustedProxies,
    boolean cookieSecure,
    Duration reauthWindow,
    String bind,
    String cookieDomain,
    Path tlsCert,
    Path tlsKey,
    Optional<LdapConfig> ldap,
    MetricsAccess metrics,
    SessionCacheSize cacheSize,
    Optional<Path> secretsKeyFile) {

  /** The shortest password accepted for the first administrator. */
  public static final int MIN_ADMIN_PASSWORD_LENGTH = PasswordPolicy.MIN_LENGTH;

  /** The first administrator's user name, which the password must not be built from. */
  private static final List<String> ADMIN_INPUTS = List.of("admin");

  /** The default of {@code SESSIONLIMITS_REAUTH_WINDOW}: five minutes. */
  public static final Duration DEFAULT_REAUTH_WINDOW = Duration.ofMinutes(5);

  /** Shorter windows would ask for the password again between the dialog and the change. */
  public static final Duration MIN_REAUTH_WINDOW = Duration.ofSeconds(30);

  /** Longer windows would make a stolen session cookie nearly as good as the password. */
  public static final Duration MAX_REAUTH_WINDOW = Duration.ofHours(1);

  public ServerConfig {
    requireNonNull(dataDir, "dataDir");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0..65535, got " + port);
    }
    if (adminPassword != null) {
      PasswordPolicy.weakness(adminPassword, ADMIN_INPUTS)
          .ifPresent(
              reason -> {
                throw new IllegalArgumentException(
                    "the admin password is too easy to guess: " + reason);
              });
    }
    if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "dbUrl must be a PostgreSQL JDBC URL (jdbc:postgresql://host/db),"
              + " got \""
              + dbUrl
              + "\"");
    }
    trustedProxies = List.copyOf(trustedProxies);
    requireNonNull(reauthWindow, "reauthWindow");
    if (reauthWindow.compareTo(MIN_REAUTH_WINDOW) < 0
        || reauthWindow.compareTo(MAX_REAUTH_WINDOW) > 0) {
      throw new IllegalArgumentException(
          "reauthWindow must be "
              + MIN_REAUTH_WINDOW.getSeconds()
              + ".."
              + MAX_REAUTH_WINDOW.getSeconds()
              + " seconds, got "
              + reauthWindow);
    }
    for (String cidr : trustedProxies) {
      ClientAddresses.canonicalBlock(cidr);
    }
    if (bind != null && ClientAddresses.canonical(bind).isEmpty() && !HostNames.isHostName(bind)) {
      throw new IllegalArgumentException(
          "bind must be an IP address or a host name, got \"" + bind + "\"");
    }
    if (cookieDomain != null) {
      String problem = HostNames.cookieDomainProblem(cookieDomain);
      if (problem != null) {
        throw new IllegalArgumentException("cookieDomain \"" + cookieDomain + "\" " + problem);
      }
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new IllegalArgumentException("tlsCert and tlsKey must be given together");
    }
    requireNonNull(ldap, "ldap");
    requireNonNull(metrics, "metrics");
    requireNonNull(cacheSize, "cacheSize");
    requireNonNull(secretsKeyFile, "secretsKeyFile");
  }

  /** Whether the port serves HTTPS. */
  public boolean tls() {
    return tlsCert != null;
  }

  /** The defaults: port 8080, {@code ./data}, nothing else set. */
  public static ServerConfig defaults() {
    return fromEnvironment(Map.of());
  }

  /**
   * The configuration described by the {@code SESSIONLIMITS_*} variables of {@code env}; unset or
   * empty variables take their defaults.
   *
   * @throws IllegalArgumentException naming every bad variable, its value and what is valid
   */
  public static ServerConfig fromEnvironment(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    int port = 8080;
    String portText = value(env, "SESSIONLIMITS_PORT");
    if (portText != null) {
      try {
        port = Integer.parseInt(portText);
      } catch (NumberFormatException e) {
        port = -1;
      }
      if (port < 0 || port > 65_535) {
        problems.add(
            "SESSIONLIMITS_PORT must be a port number 0..65535 (0 picks a free one), got \""
                + portText
                + "\"");
        port = 8080;
      }
    }
    Path dataDir = path(env, "SESSIONLIMITS_DATA_DIR", "./data", problems);
    Path configDir = path(env, "SESSIONLIMITS_CONFIG_DIR", null, problems);
    String adminPassword = env.get("SESSIONLIMITS_ADMIN_PASSWORD");
    if (adminPassword != null && adminPassword.isEmpty()) {
      adminPassword = null;
    }
    if (adminPassword != null && adminPassword.length() < MIN_ADMIN_PASSWORD_LENGTH) {
      // The value is a secret: say how long it is, never what it is.
      problems.add(
          "SESSIONLIMITS_ADMIN_PASSWORD must be at least "
              + MIN_ADMIN_PASSWORD_LENGTH
              + " characters long, got "
              + adminPassword.length()
              + " characters");
      adminPassword = null;
    }
    Optional<String> weakness =
        (adminPassword == null)
            ? Optional.empty()
            : PasswordPolicy.weakness(adminPassword, ADMIN_INPUTS);
    if (weakness.isPresent()) {
      // The estimator's feedback describes the password's kind ("a very common password"), not it.
      problems.add(
          "SESSIONLIMITS_ADMIN_PASSWORD is too easy to guess: "
              + weakness.get()
              + " Choose"
              + " a stronger one, or leave it unset and the server generates one at first start.");
      adminPassword = null;
    }
    String dbUrl = value(env, "SESSIONLIMITS_DB_URL");
    if (dbUrl != null && !dbUrl.startsWith("jdbc:postgresql:")) {
      problems.add(
          "SESSIONLIMITS_DB_URL must be a PostgreSQL JDBC URL such as"
              + " jdbc:postgresql://db.example:5432/sessionlimits, got \""
              + redactUrl(dbUrl)
              + "\"");
      dbUrl = null;
    }
    List<String> proxies = new ArrayList<>();
    String proxiesText = value(env, "SESSIONLIMITS_TRUSTED_PROXIES");
    if (proxiesText != null) {
      for (String part : proxiesText.split("[,\\s]+")) {
        if (part.isEmpty()) {
          continue;
        }
        try {
          proxies.add(ClientAddresses.canonicalBlock(part));
        } catch (IllegalArgumentException e) {
          problems.add(
              "SESSIONLIMITS_TRUSTED_PROXIES must be a comma-separated list of IPv4 or IPv6"
                  + " addresses or CIDR blocks such as 10.0.0.0/8, ::1/128; \""
                  + part
                  + "\" is not one ("
                  + e.getMessage()
                  + ")");
        }
      }
    }
    boolean cookieSecure = false;
    String secureText = value(env, "SESSIONLIMITS_COOKIE_SECURE");
    if (secureText != null) {
      String s = secureText.toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        cookieSecure = Boolean.parseBoolean(s);
      } else {
        problems.add(
            "SESSIONLIMITS_COOKIE_SECURE must be true or false, got \"" + secureText + "\"");
      }
    }
    Duration reauthWindow = reauthWindow(env, problems);
    String bind = bind(env, problems);
    String cookieDomain = value(env, "SESSIONLIMITS_COOKIE_DOMAIN");
    if (cookieDomain != null) {
      cookieDomain = cookieDomain.toLowerCase(Locale.ROOT);
      cookieDomain = cookieDomain.startsWith(".") ? cookieDomain.substring(1) : cookieDomain;
      String problem = HostNames.cookieDomainProblem(cookieDomain);
      if (problem != null) {
        problems.add(
            "SESSIONLIMITS_COOKIE_DOMAIN must be a domain name with a dot, such as"
                + " example.com (the session then covers its subdomains), got \""
                + value(env, "SESSIONLIMITS_COOKIE_DOMAIN")
                + "\": it "
                + problem);
        cookieDomain = null;
      }
    }
    Path tlsCert = path(env, TlsFiles.CERT_VARIABLE, null, problems);
    Path tlsKey = path(env, TlsFiles.KEY_VARIABLE, null, problems);
    if ((tlsCert == null) != (tlsKey == null)) {
      problems.add(
          TlsFiles.CERT_VARIABLE
              + " and "
              + TlsFiles.KEY_VARIABLE
              + " must be set together"
              + " (the PEM certificate chain and its private key), got only "
              + (tlsCert == null ? TlsFiles.KEY_VARIABLE : TlsFiles.CERT_VARIABLE));
      tlsCert = null;
      tlsKey = null;
    } else if (tlsCert != null) {
      try {
        TlsFiles.keyStore(tlsCert, tlsKey);
      } catch (IllegalArgumentException e) {
        problems.add(e.getMessage());
        tlsCert = null;
        tlsKey = null;
      }
    }
    Optional<LdapConfig> ldap = Optional.empty();
    try {
      ldap = LdapConfig.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      // Each line names the variable, its value (never the bind password) and what is valid.
      problems.add(e.getMessage());
    }
    MetricsAccess metrics = MetricsAccess.fromEnvironment(env, problems);
    SessionCacheSize cacheSize =
        CacheSizing.fromEnvironment(env, Runtime.getRuntime().maxMemory(), problems);
    Optional<Path> secretsKeyFile =
        Optional.ofNullable(path(env, StoreFactory.KEY_FILE_VARIABLE, null, problems));
    try {
      secretsKeyFile.ifPresent(SecretsKey::read);
    } catch (IllegalArgumentException e) {
      problems.add(StoreFactory.KEY_FILE_VARIABLE + ": " + e.getMessage());
    }
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return new ServerConfig(
        port,
        dataDir,
        adminPassword,
        configDir,
        dbUrl,
        proxies,
        cookieSecure,
        reauthWindow,
        bind,
        cookieDomain,
        tlsCert,
        tlsKey,
        ldap,
        metrics,
        cacheSize,
        secretsKeyFile);
  }

  @Override
  public String toString() {
    return "ServerConfig[port="
        + port
        + ", dataDir="
        + dataDir
        + ", adminPassword="
        + (adminPassword == null ? "(generate)" : "(set)")
        + ", configDir="
        + configDir
        + ", dbUrl="
        + (dbUrl == null ? null : redactUrl(dbUrl))
        + ", trustedProxies="
        + trustedProxies
        + ", cookieSecure="
        + cookieSecure
        + ", reauthWindow="
        + reauthWindow
        + ", bind="
        + bind
        + ", cookieDomain="
        + cookieDomain
        + ", tlsCert="
        + tlsCert
        + ", tlsKey="
        + tlsKey
        + ", ldap="
        + ldap.map(LdapConfig::toString).orElse("(none)")
        + ", metricsAllow="
        + metrics.allowed()
        + ", cacheSessions="
        + cacheSize.sessions()
        + ", secretsKeyFile="
        + secretsKeyFile.map(Path::toString).orElse("(default)")
        + "]";
  }

  /** {@code SESSIONLIMITS_BIND}: an IP literal, or a host name this machine can look up. */
  private static String bind(Map<String, String> env, List<String> problems) {
    String text = value(env, "SESSIONLIMITS_BIND");
    if (text == null) {
      return null;
    }
    if (ClientAddresses.canonical(text).isPresent()) {
      return text;
    }
    if (!HostNames.isHostName(text)) {
      problems.add(
          "SESSIONLIMITS_BIND must be the address to listen on: an IPv4 or IPv6 address"
              + " (127.0.0.1, ::1, 0.0.0.0) or a host name, got \""
              + text
              + "\"");
      return null;
    }
    try {
      InetAddress.getByName(text);
    } catch (UnknownHostException e) {
      problems.add(
          "SESSIONLIMITS_BIND names the host \""
              + text
              + "\", which this machine cannot"
              + " look up; give an IP address (127.0.0.1, ::1, 0.0.0.0) or a known host name");
      return null;
    }
    return text;
  }

  private static Duration reauthWindow(Map<String, String> env, List<String> problems) {
    String text = value(env, "SESSIONLIMITS_REAUTH_WINDOW");
    if (text == null) {
      return DEFAULT_REAUTH_WINDOW;
    }
    long seconds;
    try {
      seconds = Long.parseLong(text);
    } catch (NumberFormatException e) {
      seconds = -1;
    }
    if (seconds < MIN_REAUTH_WINDOW.getSeconds() || seconds > MAX_REAUTH_WINDOW.getSeconds()) {
      problems.add(
          "SESSIONLIMITS_REAUTH_WINDOW must be a number of seconds "
              + MIN_REAUTH_WINDOW.getSeconds()
              + ".."
              + MAX_REAUTH_WINDOW.getSeconds()
              + " (how recently the password must have been entered for a sensitive change), got \""
              + text
              + "\"");
      return DEFAULT_REAUTH_WINDOW;
    }
    return Duration.ofSeconds(seconds);
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return (v == null || v.isBlank()) ? null : v.trim();
  }

  private static Path path(
      Map<String, String> env, String name, String fallback, List<String> problems) {
    String text = value(env, name);
    if (text == null) {
      return (fallback == null) ? null : Path.of(fallback);
    }
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      problems.add(name + " must be a folder path, got \"" + text + "\" (" + e.getReason() + ")");
      return (fallback == null) ? null : Path.of(fallback);
    }
  }

  /** A URL with any password in it replaced, fit for messages and logs. */
  static String redactUrl(String url) {
    return url.replaceAll("(?i)(password=)[^&;]*", "$1***")
        .replaceAll("(//[^/@:]*:)[^/@]*@", "$1***@");
  }
}
