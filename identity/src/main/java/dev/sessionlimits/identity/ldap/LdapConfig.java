package dev.sessionlimits.identity.ldap;

import static dev.sessionlimits.identity.ldap.LdapVariables.ATTRIBUTE_NAME;
import static dev.sessionlimits.identity.ldap.LdapVariables.dnProblem;
import static dev.sessionlimits.identity.ldap.LdapVariables.value;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How to reach the LDAP / Active Directory server that signs users in, read once from the {@code
 * SESSIONLIMITS_LDAP_*} environment variables. Every value is checked here; a wrong one stops the
 * start with a message naming the variable, its value and what is valid.
 *
 * @param servers the directory servers, tried in order (failover)
 * @param startTls whether plain {@code ldap://} connections are upgraded with StartTLS first
 * @param serviceBind the account that searches for users; empty for anonymous searches
 * @param userBase the DN under which users are searched (whole subtree)
 * @param userFilter the search filter, with {@code {0}} where the escaped user name goes
 * @param groupAttribute the user entry's attribute that lists her groups' DNs
 * @param adminGroup the group (a DN or a CN) whose members are administrators; empty for none
 * @param caFile PEM file of the certificate authorities trusted for TLS; empty for the JDK's
 * @param timeout how long to wait for a connection and for each answer
 */
public record LdapConfig(
    List<Server> servers,
    boolean startTls,
    Optional<ServiceBind> serviceBind,
    String userBase,
    String userFilter,
    String groupAttribute,
    Optional<String> adminGroup,
    Optional<Path> caFile,
    Duration timeout) {

  public static final String URL = "SESSIONLIMITS_LDAP_URL";
  public static final String START_TLS = "SESSIONLIMITS_LDAP_START_TLS";
  public static final String BIND_DN = "SESSIONLIMITS_LDAP_BIND_DN";
  public static final String BIND_PASSWORD = "SESSIONLIMITS_LDAP_BIND_PASSWORD";
  public static final String USER_BASE = "SESSIONLIMITS_LDAP_USER_BASE";
  public static final String USER_FILTER = "SESSIONLIMITS_LDAP_USER_FILTER";
  public static final String GROUP_ATTRIBUTE = "SESSIONLIMITS_LDAP_GROUP_ATTRIBUTE";
  public static final String ADMIN_GROUP = "SESSIONLIMITS_LDAP_ADMIN_GROUP";
  public static final String CA_FILE = "SESSIONLIMITS_LDAP_CA_FILE";
  public static final String TIMEOUT = "SESSIONLIMITS_LDAP_TIMEOUT";

  /** Every variable read here, the URL first. */
  public static final List<String> VARIABLES =
      List.of(
          URL,
          START_TLS,
          BIND_DN,
          BIND_PASSWORD,
          USER_BASE,
          USER_FILTER,
          GROUP_ATTRIBUTE,
          ADMIN_GROUP,
          CA_FILE,
          TIMEOUT);

  public static final String DEFAULT_USER_FILTER = "(uid={0})";
  public static final String DEFAULT_GROUP_ATTRIBUTE = "memberOf";
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  /** Where the user name goes in {@link #userFilter}. */
  public static final String PLACEHOLDER = "{0}";

  /** One directory server. */
  public record Server(boolean ldaps, String host, int port) {
    public Server {
      Objects.requireNonNull(host, "host");
      if (host.isEmpty() || port < 1 || port > 65535) {
        throw new IllegalArgumentException("a server needs a host and a port 1..65535");
      }
    }

    @Override
    public String toString() {
      return (ldaps ? "ldaps://" : "ldap://")
          + (host.indexOf(':') >= 0 ? "[" + host + "]" : host)
          + ":"
          + port;
    }
  }

  /** The account that searches for users; its password never appears in {@link #toString}. */
  public record ServiceBind(String dn, String password) {
    public ServiceBind {
      Objects.requireNonNull(dn, "dn");
      Objects.requireNonNull(password, "password");
    }

    @Override
    public String toString() {
      return "ServiceBind[dn=" + dn + ", password=(set)]";
    }
  }

  public LdapConfig {
    servers = List.copyOf(servers);
    Objects.requireNonNull(serviceBind, "serviceBind");
    Objects.requireNonNull(userBase, "userBase");
    Objects.requireNonNull(userFilter, "userFilter");
    Objects.requireNonNull(groupAttribute, "groupAttribute");
    Objects.requireNonNull(adminGroup, "adminGroup");
    Objects.requireNonNull(caFile, "caFile");
    Objects.requireNonNull(timeout, "timeout");
    if (servers.isEmpty()) {
      throw new IllegalArgumentException("at least one server is needed");
    }
    if (startTls && servers.stream().anyMatch(Server::ldaps)) {
      throw new IllegalArgumentException("StartTLS applies to ldap:// servers only");
    }
    if (!userFilter.contains(PLACEHOLDER)) {
      throw new IllegalArgumentException("the user filter needs " + PLACEHOLDER);
    }
    if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("the timeout must be 100 ms .. 5 min, got " + timeout);
    }
  }

  /**
   * The configuration in {@code env}, or empty when {@code SESSIONLIMITS_LDAP_URL} is unset (no
   * directory sign-in).
   *
   * @throws IllegalArgumentException naming every wrong variable, its value and what is valid
   */
  public static Optional<LdapConfig> fromEnvironment(Map<String, String> env) {
    List<String> problems = new ArrayList<>();
    String urlText = value(env, URL);
    if (urlText == null) {
      List<String> stray = VARIABLES.stream().filter(v -> value(env, v) != null).toList();
      if (!stray.isEmpty()) {
        throw new IllegalArgumentException(
            String.join(", ", stray)
                + (stray.size() == 1 ? " is" : " are")
                + " set but "
                + URL
                + " is not: set "
                + URL
                + " (ldap://host:389 or ldaps://host:636) to sign users in with a directory,"
                + " or unset the others");
      }
      return Optional.empty();
    }
    List<Server> servers = LdapVariables.servers(urlText, problems);
    boolean startTls = false;
    String startTlsText = value(env, START_TLS);
    if (startTlsText != null) {
      String s = startTlsText.toLowerCase(Locale.ROOT);
      if (s.equals("true") || s.equals("false")) {
        startTls = Boolean.parseBoolean(s);
      } else {
        problems.add(START_TLS + " must be true or false, got \"" + startTlsText + "\"");
      }
    }
    if (startTls && servers.stream().anyMatch(Server::ldaps)) {
      problems.add(
          START_TLS
              + "=true upgrades plain ldap:// connections, but "
              + URL
              + " names ldaps:// (already TLS), got \""
              + urlText
              + "\"; use ldap:// URLs with StartTLS, or ldaps:// without it");
    }
    Optional<ServiceBind> serviceBind = LdapVariables.serviceBind(env, problems);
    String userBase = value(env, USER_BASE);
    if (userBase == null) {
      problems.add(
          USER_BASE
              + " must be set with "
              + URL
              + ": the DN under which users are searched, such as ou=people,dc=example,dc=org");
    } else if (dnProblem(userBase) != null) {
      problems.add(
          USER_BASE
              + " must be a DN such as ou=people,dc=example,dc=org, got \""
              + userBase
              + "\" ("
              + dnProblem(userBase)
              + ")");
    }
    String userFilter = LdapVariables.userFilter(env, problems);
    String groupAttribute =
        Objects.requireNonNullElse(value(env, GROUP_ATTRIBUTE), DEFAULT_GROUP_ATTRIBUTE);
    if (!ATTRIBUTE_NAME.matcher(groupAttribute).matches()) {
      problems.add(
          GROUP_ATTRIBUTE
              + " must be an attribute name (letters, digits and hyphens, starting with a letter)"
              + " or an OID, such as memberOf, got \""
              + groupAttribute
              + "\"");
    }
    Optional<String> adminGroup = Optional.ofNullable(value(env, ADMIN_GROUP));
    if (adminGroup.isPresent()
        && adminGroup.get().contains("=")
        && dnProblem(adminGroup.get()) != null) {
      problems.add(
          ADMIN_GROUP
              + " must be a group's DN (cn=admins,ou=groups,dc=example,dc=org) or its CN"
              + " (admins), got \""
              + adminGroup.get()
              + "\" ("
              + dnProblem(adminGroup.get())
              + ")");
    }
    Optional<Path> caFile = LdapVariables.caFile(env, problems);
    Duration timeout = LdapVariables.timeout(env, problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("\n", problems));
    }
    return Optional.of(
        new LdapConfig(
            servers,
            startTls,
            serviceBind,
            userBase,
            userFilter,
            groupAttribute,
            adminGroup,
            caFile,
            timeout));
  }

  /** The attribute that holds the user name: the first one compared with {@code {0}}. */
  public String userNameAttribute() {
    Matcher m = Pattern.compile("\\(\\s*([^(=~<>:\\s]+)\\s*=\\s*\\{0\\}").matcher(userFilter);
    return m.find() ? m.group(1) : "uid";
  }

  @Override
  public String toString() {
    return "LdapConfig[servers="
        + servers
        + ", startTls="
        + startTls
        + ", serviceBind="
        + serviceBind.map(ServiceBind::toString).orElse("(anonymous)")
        + ", userBase="
        + userBase
        + ", userFilter="
        + userFilter
        + ", groupAttribute="
        + groupAttribute
        + ", adminGroup="
        + adminGroup.orElse("(none)")
        + ", caFile="
        + caFile.map(Path::toString).orElse("(JDK trust store)")
        + ", timeout="
        + timeout
        + "]";
  }
}
