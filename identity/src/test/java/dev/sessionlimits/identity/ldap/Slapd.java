package dev.sessionlimits.identity.ldap;

import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * A real OpenLDAP server run by the test: its own cn=config (slapadd), an mdb database with the
 * memberof overlay, and the test users added with ldapadd, all in a temporary folder, listening on
 * a free loopback port. Without slapd the test is skipped, except under CI=true where it fails.
 */
final class Slapd implements AutoCloseable {

  static final Path SLAPD = Path.of("/usr/sbin/slapd");
  static final Path SLAPADD = Path.of("/usr/sbin/slapadd");
  static final Path LDAPADD = Path.of("/usr/bin/ldapadd");
  static final Path MODULES = Path.of("/usr/lib/ldap");

  static final String BASE = "dc=example,dc=org";
  static final String ROOT_DN = "cn=admin," + BASE;
  static final String ROOT_PASSWORD = "root-secret";
  static final String SERVICE_DN = "cn=sessionlimits,ou=services," + BASE;
  static final String SERVICE_PASSWORD = "service-secret";

  private final Path dir;
  private final Process process;
  final int port;

  private Slapd(Path dir, Process process, int port) {
    this.dir = dir;
    this.process = process;
    this.port = port;
  }

  /** Skips the test when slapd or ldap-utils are missing, or fails it under CI=true. */
  static void assumeInstalled() {
    List<Path> missing =
        List.of(SLAPD, SLAPADD, LDAPADD, MODULES.resolve("memberof.la")).stream()
            .filter(p -> !Files.exists(p))
            .toList();
    if (missing.isEmpty()) {
      return;
    }
    String why =
        "OpenLDAP is not installed (missing " + missing + "): apt-get install slapd ldap-utils";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError(why + "; under CI=true this is a failure, not a skip");
    }
    Assumptions.abort(why);
  }

  /** A running slapd with the test data in {@code dir}. */
  static Slapd start(Path dir) throws Exception {
    assumeInstalled();
    Path config = Files.createDirectories(dir.resolve("slapd.d"));
    Path data = Files.createDirectories(dir.resolve("data"));
    Path configLdif = dir.resolve("config.ldif");
    Files.writeString(configLdif, configLdif(dir, data));
    run(dir, SLAPADD.toString(), "-n", "0", "-F", config.toString(), "-l", configLdif.toString());
    int port = freePort();
    Process process =
        new ProcessBuilder(
                SLAPD.toString(),
                "-d",
                "0",
                "-h",
                "ldap://127.0.0.1:" + port + "/",
                "-F",
                config.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("slapd.log").toFile())
            .start();
    Slapd slapd = new Slapd(dir, process, port);
    try {
      Await.until(
          "slapd answers on port " + port + " (log: " + slapd.log() + ")",
          Duration.ofSeconds(15),
          () -> !process.isAlive() || slapd.answers());
      if (!process.isAlive()) {
        throw new AssertionError("slapd stopped: " + slapd.log());
      }
      Path ldif = dir.resolve("data.ldif");
      Files.writeString(ldif, String.join("\n", TestData.LDIF) + "\n");
      run(
          dir,
          LDAPADD.toString(),
          "-x",
          "-H",
          "ldap://127.0.0.1:" + port,
          "-D",
          ROOT_DN,
          "-w",
          ROOT_PASSWORD,
          "-f",
          ldif.toString());
      return slapd;
    } catch (Exception | AssertionError e) {
      slapd.close();
      throw e;
    }
  }

  String url() {
    return "ldap://127.0.0.1:" + port;
  }

  /** Ends slapd at once (SIGKILL), as a crash would. */
  void kill() {
    process.destroyForcibly();
    waitForExit();
  }

  @Override
  public void close() {
    process.destroy();
    if (!waitForExit()) {
      kill();
    }
  }

  private boolean waitForExit() {
    try {
      return process.waitFor(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      return false;
    }
  }

  private boolean answers() {
    try (LDAPConnection connection = new LDAPConnection("127.0.0.1", port)) {
      return connection.getRootDSE() != null;
    } catch (LDAPException e) {
      return false;
    }
  }

  private String log() {
    try {
      return Files.readString(dir.resolve("slapd.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return probe.getLocalPort();
    }
  }

  private static void run(Path dir, String... command) throws Exception {
    Path out = Files.createTempFile(dir, "command-", ".log");
    Process p =
        new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(out.toFile()).start();
    if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
      p.destroyForcibly();
      throw new AssertionError(
          String.join(" ", command) + " failed: " + Files.readString(out, StandardCharsets.UTF_8));
    }
  }

  /** cn=config: the mdb database under {@code data}, readable only to bound users. */
  private static String configLdif(Path dir, Path data) {
    return String.join(
        "\n",
        "dn: cn=config",
        "objectClass: olcGlobal",
        "cn: config",
        "olcPidFile: " + dir.resolve("slapd.pid"),
        "",
        "dn: cn=module{0},cn=config",
        "objectClass: olcModuleList",
        "cn: module{0}",
        "olcModulePath: " + MODULES,
        "olcModuleLoad: back_mdb",
        "olcModuleLoad: memberof",
        "",
        "dn: cn=schema,cn=config",
        "objectClass: olcSchemaConfig",
        "cn: schema",
        "",
        "include: file:///etc/ldap/schema/core.ldif",
        "include: file:///etc/ldap/schema/cosine.ldif",
        "include: file:///etc/ldap/schema/inetorgperson.ldif",
        "",
        "dn: olcDatabase={-1}frontend,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcFrontendConfig",
        "olcDatabase: {-1}frontend",
        "",
        "dn: olcDatabase={0}config,cn=config",
        "objectClass: olcDatabaseConfig",
        "olcDatabase: {0}config",
        "olcAccess: {0}to * by * none",
        "",
        "dn: olcDatabase={1}mdb,cn=config",
        "objectClass: olcDatabaseConfig",
        "objectClass: olcMdbConfig",
        "olcDatabase: {1}mdb",
        "olcSuffix: " + BASE,
        "olcDbDirectory: " + data,
        "olcDbMaxSize: 10485760",
        "olcRootDN: " + ROOT_DN,
        "olcRootPW: " + ROOT_PASSWORD,
        "olcAccess: {0}to attrs=userPassword by anonymous auth by * none",
        "olcAccess: {1}to * by users read by * none",
        "",
        "dn: olcOverlay={0}memberof,olcDatabase={1}mdb,cn=config",
        "objectClass: olcOverlayConfig",
        "objectClass: olcMemberOf",
        "olcOverlay: {0}memberof",
        "olcMemberOfRefInt: TRUE",
        "olcMemberOfGroupOC: groupOfNames",
        "olcMemberOfMemberAD: member",
        "olcMemberOfMemberOfAD: memberOf",
        "");
  }

  /** The directory's entries: people, a service account, and groups whose members get memberOf. */
  static final class TestData {
    private TestData() {}

    static final List<String> LDIF =
        List.of(
            "dn: " + BASE,
            "objectClass: dcObject",
            "objectClass: organization",
            "dc: example",
            "o: Example",
            "",
            "dn: ou=people," + BASE,
            "objectClass: organizationalUnit",
            "ou: people",
            "",
            "dn: ou=solo," + BASE,
            "objectClass: organizationalUnit",
            "ou: solo",
            "",
            "dn: ou=groups," + BASE,
            "objectClass: organizationalUnit",
            "ou: groups",
            "",
            "dn: ou=services," + BASE,
            "objectClass: organizationalUnit",
            "ou: services",
            "",
            "dn: " + SERVICE_DN,
            "objectClass: inetOrgPerson",
            "cn: sessionlimits",
            "sn: service",
            "userPassword: " + SERVICE_PASSWORD,
            "",
            "dn: uid=alice,ou=people," + BASE,
            "objectClass: inetOrgPerson",
            "uid: alice",
            "cn: Alice",
            "sn: Smith",
            "userPassword: alice-secret",
            "",
            "dn: uid=bob,ou=people," + BASE,
            "objectClass: inetOrgPerson",
            "uid: bob",
            "cn: Bob",
            "sn: Jones",
            "userPassword: bob-secret",
            "",
            "dn: uid=nopass,ou=people," + BASE,
            "objectClass: inetOrgPerson",
            "uid: nopass",
            "cn: No Password",
            "sn: Nopass",
            "",
            "dn: uid=dave,ou=solo," + BASE,
            "objectClass: inetOrgPerson",
            "uid: dave",
            "cn: Dave",
            "sn: Solo",
            "userPassword: dave-secret",
            "",
            "dn: cn=admins,ou=groups," + BASE,
            "objectClass: groupOfNames",
            "cn: admins",
            "member: uid=alice,ou=people," + BASE,
            "",
            "dn: cn=staff,ou=groups," + BASE,
            "objectClass: groupOfNames",
            "cn: staff",
            "member: uid=alice,ou=people," + BASE,
            "member: uid=bob,ou=people," + BASE);
  }
}
