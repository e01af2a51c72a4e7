package dev.sessionlimits.server.ops;

import dev.sessionlimits.server.http.ClientAddresses;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Who may read {@code GET /metrics}: the CIDR blocks of {@value #VARIABLE}, canonical form. The
 * peer checked is the direct TCP peer, never an {@code X-Forwarded-For} hop: a scraper talks to the
 * node itself, and a proxy in front would otherwise let anyone behind it in.
 *
 * @param allowed CIDR blocks (or bare addresses) whose peers get the metrics
 */
public record MetricsAccess(List<String> allowed) {

  /** The variable that sets {@link #allowed}. */
  public static final String VARIABLE = "SESSIONLIMITS_METRICS_ALLOW";

  /** Loopback only: a scraper on the same host (or in the same pod). */
  public static final List<String> DEFAULT = List.of("127.0.0.0/8", "::1/128");

  /** Checks that every block is one, and keeps them in canonical form. */
  public MetricsAccess {
    allowed = allowed.stream().map(ClientAddresses::canonicalBlock).toList();
  }

  /**
   * {@value #VARIABLE} of {@code env}, a comma-separated list of blocks; unset or empty for {@link
   * #DEFAULT}. Each block that is not one adds a line to {@code problems}, naming it.
   */
  public static MetricsAccess fromEnvironment(Map<String, String> env, List<String> problems) {
    String text = env.get(VARIABLE);
    if (text == null || text.isBlank()) {
      return new MetricsAccess(DEFAULT);
    }
    List<String> blocks = new ArrayList<>();
    for (String part : text.strip().split("[,\\s]+")) {
      try {
        blocks.add(ClientAddresses.canonicalBlock(part));
      } catch (IllegalArgumentException e) {
        problems.add(
            VARIABLE
                + " must be a comma-separated list of IPv4 or IPv6 addresses or CIDR blocks"
                + " such as 127.0.0.0/8, ::1/128, 10.0.0.0/8; \""
                + part
                + "\" is not one ("
                + e.getMessage()
                + ")");
      }
    }
    return new MetricsAccess(blocks.isEmpty() ? DEFAULT : blocks);
  }
}
