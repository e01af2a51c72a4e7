package dev.sessionlimits.server;

import dev.sessionlimits.server.http.ClientAddresses;
import java.util.Locale;

/** What {@link ServerConfig} checks of host names: the bind address's and the cookie's domain. */
final class HostNames {

  private HostNames() {}

  /** Letters, digits and hyphens in dot-separated labels of 1..63 characters, 253 in all. */
  static boolean isHostName(String name) {
    if (name.isEmpty() || name.length() > 253 || name.endsWith(".")) {
      return false;
    }
    for (String label : name.split("\\.", -1)) {
      if (label.isEmpty()
          || label.length() > 63
          || label.startsWith("-")
          || label.endsWith("-")
          || !label
              .chars()
              .allMatch(
                  c ->
                      (c >= 'a' && c <= 'z')
                          || (c >= 'A' && c <= 'Z')
                          || (c >= '0' && c <= '9')
                          || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /** Why {@code domain} cannot be a cookie's {@code Domain}, or null when it can. */
  static String cookieDomainProblem(String domain) {
    if (ClientAddresses.canonical(domain).isPresent()) {
      return "is an IP address, which a cookie cannot share with other hosts";
    }
    if (!isHostName(domain) || !domain.equals(domain.toLowerCase(Locale.ROOT))) {
      return "holds characters other than letters, digits, hyphens and dots between labels";
    }
    if (domain.indexOf('.') < 0) {
      return "has no dot, and browsers refuse a cookie for a whole top-level name";
    }
    if (domain.substring(domain.lastIndexOf('.') + 1).chars().allMatch(Character::isDigit)) {
      return "ends in a number, like an IP address";
    }
    return null;
  }
}
