package dev.sessionlimits.server;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * UnboundID's in-memory directory, a real LDAP server on a free loopback port, with the people of
 * the LDAP sign-in tests; it records its access log, and can be stopped and started again on the
 * same port.
 */
public final class TestDirectory implements AutoCloseable {

  static final String BASE = "dc=example,dc=org";
  static final String PEOPLE = "ou=people," + BASE;
  static final String GROUPS = "ou=groups," + BASE;
  static final String SERVICE_DN = "cn=sessionlimits,ou=services," + BASE;
  static final String SERVICE_PASSWORD = "service-secret";

  final List<String> accessLog = new CopyOnWriteArrayList<>();
  private final InMemoryDirectoryServer server;
  private final int port;

  /**
   * Starts the directory with dana (contractors), erin (admins, staff), frank and alice (staff).
   */
  public TestDirectory() throws Exception {
    this.port = freePort();
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
    config.setSchema(null);
    config.setListenerConfigs(
        InMemoryListenerConfig.createLDAPConfig(
            "ldap", InetAddress.getLoopbackAddress(), port, null));
    config.setAccessLogHandler(
        new Handler() {
          @Override
          public void publish(LogRecord record) {
            accessLog.add(record.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        });
    server = new InMemoryDirectoryServer(config);
    server.add("dn: " + BASE, "objectClass: domain", "dc: example");
    for (String ou : List.of("people", "groups", "services")) {
      server.add("dn: ou=" + ou + "," + BASE, "objectClass: organizationalUnit", "ou: " + ou);
    }
    server.add(
        "dn: " + SERVICE_DN,
        "objectClass: person",
        "cn: sessionlimits",
        "sn: service",
        "userPassword: " + SERVICE_PASSWORD);
    person("dana", "dana-directory-secret", "contractors");
    person("erin", "erin-directory-secret", "admins", "staff");
    person("frank", "frank-directory-secret", "staff");
    person("alice", "alice-directory-secret", "staff");
    server.startListening();
  }

  private void person(String uid, String password, String... groups) throws Exception {
    List<String> ldif =
        new ArrayList<>(
            List.of(
                "dn: uid=" + uid + "," + PEOPLE,
                "objectClass: inetOrgPerson",
                "uid: " + uid,
                "cn: " + uid,
                "sn: " + uid,
                "userPassword: " + password));
    for (String group : groups) {
      ldif.add("memberOf: cn=" + group + "," + GROUPS);
    }
    server.add(ldif.toArray(new String[0]));
  }

  /** The server environment that signs users in with this directory, admins being its admins. */
  public Map<String, String> environment() {
    return Map.of(
        "SESSIONLIMITS_LDAP_URL",
        "ldap://127.0.0.1:" + port,
        "SESSIONLIMITS_LDAP_BIND_DN",
        SERVICE_DN,
        "SESSIONLIMITS_LDAP_BIND_PASSWORD",
        SERVICE_PASSWORD,
        "SESSIONLIMITS_LDAP_USER_BASE",
        PEOPLE,
        "SESSIONLIMITS_LDAP_ADMIN_GROUP",
        "admins",
        "SESSIONLIMITS_LDAP_TIMEOUT",
        "2s");
  }

  /** Whether the access log shows a request naming {@code text}, such as a user's uid. */
  public boolean asked(String text) {
    return accessLog.stream().anyMatch(line -> line.contains(text));
  }

  /** Stops listening and drops every connection: the directory is down. */
  public void stop() {
    server.shutDown(true);
  }

  /** Listens again on the same port. */
  public void restart() throws Exception {
    server.startListening();
  }

  @Override
  public void close() {
    server.shutDown(true);
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
