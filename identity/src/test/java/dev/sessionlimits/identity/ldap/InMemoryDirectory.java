package dev.sessionlimits.identity.ldap;

import com.unboundid.ldap.listener.InMemoryDirectoryServer;
import com.unboundid.ldap.listener.InMemoryDirectoryServerConfig;
import com.unboundid.ldap.listener.InMemoryListenerConfig;
import com.unboundid.ldap.listener.interceptor.InMemoryInterceptedSimpleBindRequest;
import com.unboundid.ldap.listener.interceptor.InMemoryOperationInterceptor;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.ResultCode;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;

/**
 * UnboundID's in-memory directory with the test users, on an ephemeral loopback port. It records
 * its access log, and can be told to answer users' binds with a given result code.
 */
final class InMemoryDirectory implements AutoCloseable {

  static final String BASE = "dc=example,dc=org";
  static final String PEOPLE = "ou=people," + BASE;
  static final String SOLO = "ou=solo," + BASE;
  static final String SERVICE_DN = "cn=sessionlimits,ou=services," + BASE;
  static final String SERVICE_PASSWORD = "service-secret";
  static final String ADMINS = "cn=admins,ou=groups," + BASE;
  static final String STAFF = "cn=staff,ou=groups," + BASE;

  final InMemoryDirectoryServer server;
  final List<String> accessLog = new CopyOnWriteArrayList<>();
  volatile ResultCode userBindAnswer;

  private InMemoryDirectory(InMemoryListenerConfig listener) throws Exception {
    InMemoryDirectoryServerConfig config = new InMemoryDirectoryServerConfig(BASE);
    config.setSchema(null);
    config.setListenerConfigs(listener);
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
    config.addInMemoryOperationInterceptor(
        new InMemoryOperationInterceptor() {
          @Override
          public void processSimpleBindRequest(InMemoryInterceptedSimpleBindRequest request)
              throws LDAPException {
            ResultCode answer = userBindAnswer;
            if (answer != null && !request.getRequest().getBindDN().equals(SERVICE_DN)) {
              throw new LDAPException(answer, "the test answers " + answer);
            }
          }
        });
    server = new InMemoryDirectoryServer(config);
    server.add("dn: " + BASE, "objectClass: domain", "dc: example");
    for (String ou : List.of("people", "groups", "services", "solo")) {
      server.add("dn: ou=" + ou + "," + BASE, "objectClass: organizationalUnit", "ou: " + ou);
    }
    server.add(
        "dn: " + SERVICE_DN,
        "objectClass: person",
        "cn: sessionlimits",
        "sn: service",
        "userPassword: " + SERVICE_PASSWORD);
    person(PEOPLE, "alice", "alice-secret", "alice.smith", ADMINS, STAFF);
    person(PEOPLE, "bob", "bob-secret", "bob.jones", STAFF);
    person(PEOPLE, "twin", "twin-secret", "twin.one");
    person("ou=services," + BASE, "twin", "twin-secret", "twin.two");
    person(SOLO, "dave", "dave-secret", "dave.solo");
    server.startListening();
  }

  private void person(String under, String uid, String password, String sam, String... groups)
      throws Exception {
    List<String> ldif =
        new ArrayList<>(
            List.of(
                "dn: uid=" + uid + "," + under,
                "objectClass: inetOrgPerson",
                "uid: " + uid,
                "cn: " + uid,
                "sn: " + uid,
                "sAMAccountName: " + sam,
                "userPassword: " + password));
    for (String group : groups) {
      ldif.add("memberOf: " + group);
    }
    server.add(ldif.toArray(new String[0]));
  }

  /** Plain LDAP (with StartTLS when {@code startTls} is given) on {@code port}, 0 for any. */
  static InMemoryDirectory ldap(int port, TestCertificates startTls) throws Exception {
    return new InMemoryDirectory(
        InMemoryListenerConfig.createLDAPConfig(
            "ldap",
            InetAddress.getLoopbackAddress(),
            port,
            startTls == null ? null : startTls.startTlsSockets));
  }

  /** LDAP over TLS with the given certificate, on any free port. */
  static InMemoryDirectory ldaps(TestCertificates certificate) throws Exception {
    return new InMemoryDirectory(
        InMemoryListenerConfig.createLDAPSConfig(
            "ldaps", InetAddress.getLoopbackAddress(), 0, certificate.serverSockets, null));
  }

  int port() {
    return server.getListenPort();
  }

  @Override
  public void close() {
    server.shutDown(true);
  }
}
