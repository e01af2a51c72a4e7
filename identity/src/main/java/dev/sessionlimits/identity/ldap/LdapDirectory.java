package dev.sessionlimits.identity.ldap;

import com.unboundid.ldap.sdk.BindRequest;
import com.unboundid.ldap.sdk.DN;
import com.unboundid.ldap.sdk.DereferencePolicy;
import com.unboundid.ldap.sdk.FailoverServerSet;
import com.unboundid.ldap.sdk.Filter;
import com.unboundid.ldap.sdk.LDAPConnection;
import com.unboundid.ldap.sdk.LDAPConnectionOptions;
import com.unboundid.ldap.sdk.LDAPConnectionPool;
import com.unboundid.ldap.sdk.LDAPException;
import com.unboundid.ldap.sdk.LDAPSearchException;
import com.unboundid.ldap.sdk.PostConnectProcessor;
import com.unboundid.ldap.sdk.RDN;
import com.unboundid.ldap.sdk.ResultCode;
import com.unboundid.ldap.sdk.SearchRequest;
import com.unboundid.ldap.sdk.SearchResultEntry;
import com.unboundid.ldap.sdk.SearchScope;
import com.unboundid.ldap.sdk.ServerSet;
import com.unboundid.ldap.sdk.SimpleBindRequest;
import com.unboundid.ldap.sdk.SingleServerSet;
import com.unboundid.ldap.sdk.StartTLSPostConnectProcessor;
import com.unboundid.util.ssl.HostNameSSLSocketVerifier;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import javax.net.SocketFactory;
import javax.net.ssl.SSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Signs users in against an LDAP or Active Directory server: finds the user's entry with the
 * service account (a small connection pool), then binds as that entry with the given password on a
 * connection of its own, and reads her groups. Thread-safe; close it to close the pool.
 */
public final class LdapDirectory implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LdapDirectory.class);

  /** Longer user names are refused without asking the directory. */
  static final int MAX_USERNAME_LENGTH = 256;

  private static final int POOL_SIZE = 4;

  /** The user bind's answers that mean "not these credentials"; any other failure is no answer. */
  private static final Set<ResultCode> REJECTING =
      Set.of(
          ResultCode.INVALID_CREDENTIALS,
          ResultCode.NO_SUCH_OBJECT,
          ResultCode.INAPPROPRIATE_AUTHENTICATION);

  private static final DirectoryAnswer REJECTED = new DirectoryAnswer.Rejected();

  private final LdapConfig config;
  private final ServerSet servers;
  private final LDAPConnectionPool pool;
  private final String nameAttribute;
  private final Optional<DN> adminDn;

  /**
   * A directory for {@code config}. Does not fail when the directory is down: each sign-in then
   * answers {@link DirectoryAnswer.Unavailable} until it is back.
   *
   * @throws IllegalArgumentException when the CA file cannot be read
   */
  public LdapDirectory(LdapConfig config) {
    this.config = Objects.requireNonNull(config, "config");
    LDAPConnectionOptions options = new LDAPConnectionOptions();
    int millis = (int) config.timeout().toMillis();
    options.setConnectTimeoutMillis(millis);
    options.setResponseTimeoutMillis(millis);
    options.setAbandonOnTimeout(true);
    options.setFollowReferrals(false);
    options.setSSLSocketVerifier(new HostNameSSLSocketVerifier(true));
    boolean tlsUsed = config.startTls() || config.servers().stream().anyMatch(s -> s.ldaps());
    SSLContext tls = tlsUsed ? LdapTls.context(config.caFile()) : null;
    PostConnectProcessor startTls =
        config.startTls() ? new StartTLSPostConnectProcessor(tls) : null;
    List<ServerSet> sets = new ArrayList<>();
    for (LdapConfig.Server s : config.servers()) {
      SocketFactory sockets = s.ldaps() ? tls.getSocketFactory() : SocketFactory.getDefault();
      sets.add(new SingleServerSet(s.host(), s.port(), sockets, options, null, startTls));
    }
    this.servers = sets.size() == 1 ? sets.get(0) : new FailoverServerSet(sets);
    this.nameAttribute = config.userNameAttribute();
    this.adminDn =
        config.adminGroup().filter(g -> g.contains("=")).map(LdapDirectory::parseDnOrNull);
    BindRequest serviceBind =
        config
            .serviceBind()
            .map(b -> (BindRequest) new SimpleBindRequest(b.dn(), b.password()))
            .orElse(null);
    try {
      // throwOnConnectFailure=false: a directory that is down now is a 503 per sign-in, not a
      // failed start.
      this.pool = new LDAPConnectionPool(servers, serviceBind, 1, POOL_SIZE, null, false);
    } catch (LDAPException e) {
      throw new IllegalStateException("cannot set up the directory connection pool: " + e, e);
    }
    pool.setRetryFailedOperationsDueToInvalidConnections(true);
    pool.setConnectionPoolName("sessionlimits-ldap");
  }

  /**
   * Whether {@code password} is the password of the user named {@code username}, and if so who she
   * is. Never throws for anything the directory does; {@code password} is not modified.
   */
  public DirectoryAnswer authenticate(String username, char[] password) {
    Objects.requireNonNull(username, "username");
    Objects.requireNonNull(password, "password");
    String name = username.strip();
    if (name.isEmpty()
        || name.length() > MAX_USERNAME_LENGTH
        || name.chars().anyMatch(Character::isISOControl)
        // An empty password would make a simple bind "unauthenticated", which many servers accept.
        || password.length == 0) {
      return REJECTED;
    }
    SearchResultEntry entry;
    try {
      SearchRequest search =
          new SearchRequest(
              config.userBase(),
              SearchScope.SUB,
              DereferencePolicy.NEVER,
              2,
              (int) Math.max(1, config.timeout().toSeconds()),
              false,
              userFilter(name),
              nameAttribute,
              config.groupAttribute());
      List<SearchResultEntry> found = pool.search(search).getSearchEntries();
      if (found.size() != 1) {
        if (found.size() > 1) {
          LOG.warn("More than one directory entry matches the user name {}; refused", name);
        }
        return REJECTED;
      }
      entry = found.get(0);
    } catch (LDAPSearchException e) {
      if (e.getResultCode() == ResultCode.SIZE_LIMIT_EXCEEDED) {
        LOG.warn("More than one directory entry matches the user name {}; refused", name);
        return REJECTED;
      }
      return unavailable("searching " + config.userBase() + " for the user", e);
    }
    byte[] secret = utf8(password);
    try (LDAPConnection connection = servers.getConnection()) {
      connection.bind(new SimpleBindRequest(entry.getDN(), secret));
    } catch (LDAPException e) {
      DirectoryAnswer answer = classifyUserBind(e.getResultCode());
      return answer instanceof DirectoryAnswer.Rejected
          ? answer
          : unavailable("binding as " + entry.getDN(), e);
    } finally {
      Arrays.fill(secret, (byte) 0);
    }
    return signedIn(name, entry);
  }

  /** The search filter for {@code username}: the configured one with the name escaped in it. */
  Filter userFilter(String username) {
    try {
      return Filter.create(
          config.userFilter().replace(LdapConfig.PLACEHOLDER, Filter.encodeValue(username)));
    } catch (LDAPException e) {
      // The configuration checked the filter with a plain value; an escaped one parses as well.
      throw new IllegalStateException("the user filter does not parse: " + e, e);
    }
  }

  /**
   * What a failed bind as the user means: the credentials are wrong (or the entry is gone, or
   * cannot take a password), or the directory did not really answer.
   */
  static DirectoryAnswer classifyUserBind(ResultCode code) {
    return REJECTING.contains(code)
        ? REJECTED
        : new DirectoryAnswer.Unavailable("the user bind answered " + code);
  }

  @Override
  public void close() {
    pool.close();
  }

  private DirectoryAnswer.SignedIn signedIn(String given, SearchResultEntry entry) {
    String stored = given;
    String[] names = entry.getAttributeValues(nameAttribute);
    if (names != null && names.length > 0) {
      stored = Arrays.stream(names).filter(given::equalsIgnoreCase).findFirst().orElse(names[0]);
    }
    List<String> groups = new ArrayList<>();
    boolean admin = false;
    String[] values = entry.getAttributeValues(config.groupAttribute());
    for (String value : values == null ? new String[0] : values) {
      DN dn = parseDnOrNull(value);
      String cn = dn == null ? value : commonName(dn);
      groups.add(cn);
      if (adminDn.isPresent()) {
        admin |= adminDn.get().equals(dn);
      } else if (config.adminGroup().isPresent()) {
        admin |= config.adminGroup().get().equalsIgnoreCase(cn);
      }
    }
    return new DirectoryAnswer.SignedIn(stored, entry.getDN(), groups, admin);
  }

  private static DirectoryAnswer unavailable(String doing, LDAPException e) {
    String reason =
        "The directory gave no usable answer while "
            + doing
            + ": "
            + e.getResultCode()
            + (e.getDiagnosticMessage() == null ? "" : " (" + e.getDiagnosticMessage() + ")")
            + " "
            + e.getMessage();
    LOG.warn("{}; the sign-in is refused as unavailable", reason);
    return new DirectoryAnswer.Unavailable(reason);
  }

  /** The value of the first RDN's {@code cn}, else of its first attribute. */
  private static String commonName(DN dn) {
    RDN rdn = dn.getRDN();
    if (rdn == null) {
      return dn.toString();
    }
    for (int i = 0; i < rdn.getAttributeNames().length; i++) {
      if (rdn.getAttributeNames()[i].equalsIgnoreCase("cn")) {
        return rdn.getAttributeValues()[i];
      }
    }
    return rdn.getAttributeValues()[0];
  }

  private static DN parseDnOrNull(String text) {
    try {
      DN dn = new DN(text);
      return dn.isNullDN() ? null : dn;
    } catch (LDAPException e) {
      return null;
    }
  }

  private static byte[] utf8(char[] password) {
    ByteBuffer bytes = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
    byte[] out = new byte[bytes.remaining()];
    bytes.get(out);
    if (bytes.hasArray()) {
      Arrays.fill(bytes.array(), (byte) 0);
    }
    return out;
  }
}
