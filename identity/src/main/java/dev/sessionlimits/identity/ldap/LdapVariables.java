package dev.sessionlimits.identity.ldap;

import static dev.sessionlimits.identity.ldap.LdapConfig.BIND_DN;
import static dev.sessionlimits.identity.ldap.LdapConfig.BIND_PASSWORD;
import static dev.sessionlimits.identity.ldap.LdapConfig.CA_FILE;
import static dev.sessionlimits.identity.ldap.LdapConfig.DEFAULT_TIMEOUT;
import static dev.sessionlimits.identity.ldap.LdapConfig.DEFAULT_USER_FILTER;
import static dev.sessionlimits.identity.ldap.LdapConfig.MAX_TIMEOUT;
import static dev.sessionlimits.identity.ldap.LdapConfig.MIN_TIMEOUT;
import static dev.sessionlimits.identity.ldap.LdapConfig.PLACEHOLDER;
import static dev.sessionlimits.identity.ldap.LdapConfig.TIMEOUT;
import static dev.sessionlimits.identity.ldap.LdapConfig.URL;
import static dev.sessionlimits.identity.ldap.LdapConfig.USER_BASE;
import static dev.sessionlimits.identity.ldap.LdapConfig.USER_FILTER;

import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPURL;
import dev.sessionlimits.identity.ldap.LdapConfig.Server;
import dev.sessionlimits.identity.ldap.LdapConfig.ServiceBind;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How each SESSIONLIMITS_LDAP_* value is parsed for {@link LdapConfig#fromEnvironment}: a wrong
 * value adds a message naming the variable, its value and what is valid to {@code problems}.
 */
final class LdapVariables {

  static final Pattern ATTRIBUTE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]*|[0-9]+(\\.[0-9]+)+");
  private static final Pattern SHORT_DURATION = Pattern.compile("([0-9]{1,9})(ms|s)?");

  private LdapVariables() {}

  static List<Server> servers(String text, List<String> problems) {
    List<Server> servers = new ArrayList<>();
    for (String part : text.split("\\s+")) {
      String problem = null;
      try {
        LDAPURL url = new LDAPURL(part);
        if (!url.hostProvided()) {
          problem = "no host";
        } else if (url.baseDNProvided()
            || url.attributesProvided()
            || url.scopeProvided()
            || url.filterProvided()) {
          problem = "a path or query, which is not read (use " + USER_BASE + ")";
        } else if (!part.toLowerCase(Locale.ROOT).startsWith("ldap://")
            && !part.toLowerCase(Locale.ROOT).startsWith("ldaps://")) {
          problem = "not ldap:// or ldaps://";
        } else {
          servers.add(new Server(url.getScheme().equals("ldaps"), url.getHost(), url.getPort()));
        }
      } catch (LDAPException e) {
        problem = e.getMessage();
      }
      if (problem != null) {
        problems.add(
            URL
                + " must be one or more space-separated URLs ldap://host[:port] or"
                + " ldaps://host[:port] (tried in order), such as ldaps://ldap.example.org:636;"
                + " \""
                + part
                + "\" is not one ("
                + problem
                + ")");
      }
    }
    return servers;
  }

  static Optional<ServiceBind> serviceBind(Map<String, String> env, List<String> problems) {
    String dn = value(env, BIND_DN);
    String password = env.get(BIND_PASSWORD);
    if (password != null && password.isEmpty()) {
      password = null;
    }
    if ((dn == null) != (password == null)) {
      problems.add(
          BIND_DN
              + " and "
              + BIND_PASSWORD
              + " must be set together (the account that searches for users), or neither"
              + " (anonymous search); got only "
              + (dn == null ? BIND_PASSWORD : BIND_DN));
      return Optional.empty();
    }
    if (dn == null) {
      return Optional.empty();
    }
    if (dnProblem(dn) != null) {
      problems.add(
          BIND_DN
              + " must be a DN such as cn=sessionlimits,ou=services,dc=example,dc=org, got \""
              + dn
              + "\" ("
              + dnProblem(dn)
              + ")");
      return Optional.empty();
    }
    return Optional.of(new ServiceBind(dn, password));
  }

  static String userFilter(Map<String, String> env, List<String> problems) {
    String filter = Objects.requireNonNullElse(value(env, USER_FILTER), DEFAULT_USER_FILTER);
    String problem = null;
    if (!filter.contains(PLACEHOLDER)) {
      problem = "it has no " + PLACEHOLDER;
    } else {
      try {
        Filter.create(filter.replace(PLACEHOLDER, "name"));
      } catch (LDAPException e) {
        problem = e.getMessage();
      }
    }
    if (problem != null) {
      problems.add(
          USER_FILTER
              + " must be an LDAP filter with "
              + PLACEHOLDER
              + " where the user name goes, such as (uid={0}) or"
              + " (&(objectClass=user)(sAMAccountName={0})), got \""
              + filter
              + "\" ("
              + problem
              + ")");
      return DEFAULT_USER_FILTER;
    }
    return filter;
  }

  static Optional<Path> caFile(Map<String, String> env, List<String> problems) {
    String text = value(env, CA_FILE);
    if (text == null) {
      return Optional.empty();
    }
    try {
      Path path = Path.of(text);
      LdapTls.readCertificates(path);
      return Optional.of(path);
    } catch (InvalidPathException e) {
      problems.add(
          CA_FILE
              + " must be the path of a PEM file of CA certificates, got \""
              + text
              + "\" ("
              + e.getReason()
              + ")");
    } catch (IllegalArgumentException e) {
      problems.add(
          CA_FILE
              + " must be a readable PEM file of one or more CA certificates, got \""
              + text
              + "\" ("
              + e.getMessage()
              + ")");
    }
    return Optional.empty();
  }

  static Duration timeout(Map<String, String> env, List<String> problems) {
    String text = value(env, TIMEOUT);
    if (text == null) {
      return DEFAULT_TIMEOUT;
    }
    Duration timeout = null;
    Matcher m = SHORT_DURATION.matcher(text.toLowerCase(Locale.ROOT));
    if (m.matches()) {
      long n = Long.parseLong(m.group(1));
      timeout = "ms".equals(m.group(2)) ? Duration.ofMillis(n) : Duration.ofSeconds(n);
    } else {
      try {
        timeout = Duration.parse(text);
      } catch (DateTimeParseException e) {
        timeout = null;
      }
    }
    if (timeout == null
        || timeout.compareTo(MIN_TIMEOUT) < 0
        || timeout.compareTo(MAX_TIMEOUT) > 0) {
      problems.add(
          TIMEOUT
              + " must be a duration of 100 ms .. 5 min, as seconds (5, 5s), milliseconds"
              + " (500ms) or ISO-8601 (PT5S), got \""
              + text
              + "\"");
      return DEFAULT_TIMEOUT;
    }
    return timeout;
  }

  /** Why {@code text} is not a DN, or null when it is one. */
  static String dnProblem(String text) {
    try {
      DN dn = new DN(text);
      return dn.isNullDN() ? "it is empty" : null;
    } catch (LDAPException e) {
      return e.getMessage();
    }
  }

  static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return (v == null || v.isBlank()) ? null : v.trim();
  }
}
