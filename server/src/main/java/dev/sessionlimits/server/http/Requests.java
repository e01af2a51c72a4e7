package dev.sessionlimits.server.http;

import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What the server needs to know about a request beyond its route: who the client is, whether it
 * came over TLS, its session cookie, its body (at most 64 KiB), and whether it may change state
 * (CSRF).
 *
 * <p>The session cookie carries no {@code Max-Age}: the server alone decides when a session ends,
 * and the cookie outlives the session on purpose, so that the next request with it learns why the
 * session ended (the tombstone) instead of meeting a silent "not signed in". Logout clears it.
 */
public final class Requests {

  /** The session cookie's name over plain HTTP. */
  public static final String COOKIE = "sl_session";

  /**
   * The session cookie's name when it is Secure. Browsers accept a {@code __Host-} cookie only with
   * {@code Secure}, {@code Path=/} and no {@code Domain}, from a secure origin: so no sibling
   * subdomain and no plain-HTTP answer can set or shadow it (cookie tossing, session fixation).
   */
  public static final String HOST_COOKIE = "__Host-" + COOKIE;

  /**
   * {@code Strict-Transport-Security} on every answer to a request that came over TLS: one year,
   * this host and its subdomains (ASVS 5.0 3.4.1). No {@code preload}: that commits the whole
   * domain, the operator's decision.
   */
  public static final String HSTS = "max-age=31536000; includeSubDomains";

  /** The largest request body read, in bytes; a larger one is 413 {@code payload_too_large}. */
  public static final int MAX_BODY_BYTES = 64 * 1024;

  /** How much of a too-large body is read and dropped before its 413 ({@link #drain}). */
  private static final long DRAIN_BYTES = 1024 * 1024;

  private static final String CLIENT_IP = "sessionlimits.clientIp";
  private static final String BODY = "sessionlimits.body";

  private final ClientAddresses addresses;
  private final boolean cookieAlwaysSecure;

  /** The session cookie's {@code Domain} attribute ("; Domain=example.com"), or "" for none. */
  private final String domainAttribute;

  /**
   * @param cookieDomain the session cookie's {@code Domain} (SESSIONLIMITS_COOKIE_DOMAIN), or null:
   *     with one, the cookie is always {@link #COOKIE}, as a {@code __Host-} cookie cannot have one
   */
  public Requests(ClientAddresses addresses, boolean cookieAlwaysSecure, String cookieDomain) {
    this.addresses = addresses;
    this.cookieAlwaysSecure = cookieAlwaysSecure;
    this.domainAttribute = (cookieDomain == null) ? "" : "; Domain=" + cookieDomain;
  }

  /** The trusted proxies the client address is read through. */
  public ClientAddresses addresses() {
    return addresses;
  }

  /** The client's address: the peer, or the hop a trusted proxy vouched for. */
  public String clientIp(Context ctx) {
    String ip = ctx.attribute(CLIENT_IP);
    if (ip == null) {
      List<String> forwarded = Collections.list(ctx.req().getHeaders("X-Forwarded-For"));
      ip = addresses.clientIp(ctx.req().getRemoteAddr(), forwarded);
      ctx.attribute(CLIENT_IP, ip);
    }
    return ip;
  }

  /** Over TLS, directly or as a trusted proxy says with {@code X-Forwarded-Proto}. */
  public boolean isHttps(Context ctx) {
    if (ctx.req().isSecure()) {
      return true;
    }
    String proto = ctx.header("X-Forwarded-Proto");
    return proto != null
        && addresses.isTrustedPeer(ctx.req().getRemoteAddr())
        && proto.trim().toLowerCase(Locale.ROOT).startsWith("https");
  }

  /** The session token the request carries under either name, or null. */
  public String sessionToken(Context ctx) {
    return token(ctx.cookie(HOST_COOKIE), ctx.cookie(COOKIE));
  }

  /**
   * The session token of the values of the two cookie names (either may be null): the {@code
   * __Host-} one wins, as only the server itself, over TLS, can have set it; the plain name is
   * still read, for requests over plain HTTP and for cookies set before the server was behind TLS.
   * With a cookie domain only the plain name is read: a {@code __Host-} cookie is one left from
   * before the domain was set.
   */
  public String token(String hostCookie, String plainCookie) {
    if (domainAttribute.isEmpty() && hostCookie != null && !hostCookie.isEmpty()) {
      return hostCookie;
    }
    return (plainCookie == null || plainCookie.isEmpty()) ? null : plainCookie;
  }

  /** Whether the session cookie is Secure (and named {@link #HOST_COOKIE}) on this answer. */
  public boolean cookieSecure(Context ctx) {
    return cookieAlwaysSecure || isHttps(ctx);
  }

  /**
   * Sets the session cookie: {@link #HOST_COOKIE} when Secure, then also clearing a plain {@link
   * #COOKIE} the request carried, so that it does not linger; {@link #COOKIE} otherwise. With a
   * cookie domain, {@link #COOKIE} with that {@code Domain}, clearing the host's own cookies.
   */
  public void setSessionCookie(Context ctx, String token) {
    if (!domainAttribute.isEmpty()) {
      String secure = cookieSecure(ctx) ? "; Secure" : "";
      if (ctx.cookie(HOST_COOKIE) != null) {
        ctx.res()
            .addHeader(
                "Set-Cookie",
                HOST_COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly;" + " SameSite=Lax");
      }
      if (ctx.cookie(COOKIE) != null) {
        ctx.res()
            .addHeader(
                "Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + secure);
      }
      ctx.res()
          .addHeader(
              "Set-Cookie",
              COOKIE
                  + "="
                  + token
                  + "; Path=/"
                  + domainAttribute
                  + secure
                  + "; HttpOnly; SameSite=Lax");
    } else if (cookieSecure(ctx)) {
      ctx.res()
          .addHeader(
              "Set-Cookie", HOST_COOKIE + "=" + token + "; Path=/; Secure; HttpOnly; SameSite=Lax");
      if (ctx.cookie(COOKIE) != null) {
        ctx.res()
            .addHeader(
                "Set-Cookie", COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly;" + " SameSite=Lax");
      }
    } else {
      ctx.res().addHeader("Set-Cookie", COOKIE + "=" + token + "; Path=/; HttpOnly; SameSite=Lax");
    }
  }

  /** Clears the session cookie under each name it may have here. */
  public void clearSessionCookie(Context ctx) {
    boolean secure = cookieSecure(ctx);
    ctx.res()
        .addHeader(
            "Set-Cookie",
            COOKIE + "=; Path=/; Max-Age=0; HttpOnly; SameSite=Lax" + (secure ? "; Secure" : ""));
    if (!domainAttribute.isEmpty()) {
      ctx.res()
          .addHeader(
              "Set-Cookie",
              COOKIE
                  + "=; Path=/"
                  + domainAttribute
                  + "; Max-Age=0; HttpOnly; SameSite=Lax"
                  + (secure ? "; Secure" : ""));
    }
    if (secure) {
      ctx.res()
          .addHeader(
              "Set-Cookie",
              HOST_COOKIE + "=; Path=/; Max-Age=0; Secure; HttpOnly;" + " SameSite=Lax");
    }
  }

  /**
   * The request body, at most {@link #MAX_BODY_BYTES}; 413 beyond. Read once and kept for the rest
   * of the request.
   */
  public static byte[] body(Context ctx) {
    byte[] cached = ctx.attribute(BODY);
    if (cached != null) {
      return cached;
    }
    long declared = ctx.req().getContentLengthLong();
    byte[] body;
    try (InputStream in = ctx.req().getInputStream()) {
      if (declared > MAX_BODY_BYTES) {
        drain(in);
        throw tooLarge(declared);
      }
      body = in.readNBytes(MAX_BODY_BYTES + 1);
      if (body.length > MAX_BODY_BYTES) {
        drain(in);
        throw tooLarge(-1);
      }
    } catch (IOException e) {
      throw ApiException.badRequest(Sentence.of("request.body_unreadable"));
    }
    ctx.attribute(BODY, body);
    return body;
  }

  /**
   * Reads and drops what is left of a body that is too large, up to {@link #DRAIN_BYTES}: a client
   * still sending then reads the 413, where closing at once could reset the connection under its
   * answer. A larger body is cut off by the close the 413 asks for.
   */
  private static void drain(InputStream in) {
    byte[] buffer = new byte[8192];
    long read = 0;
    try {
      for (int n; read < DRAIN_BYTES && (n = in.read(buffer)) >= 0; ) {
        read += n;
      }
    } catch (IOException e) {
      // The client stopped sending: the 413 is still the answer.
    }
  }

  private static ApiException tooLarge(long declared) {
    return ApiError.PAYLOAD_TOO_LARGE
        .exception(
            declared > 0
                ? Sentence.of("request.body_larger_than_declared", MAX_BODY_BYTES / 1024, declared)
                : Sentence.of("request.body_larger_than", MAX_BODY_BYTES / 1024))
        .withFields(Map.of("max_bytes", MAX_BODY_BYTES))
        .withHeaders(Map.of("Connection", "close"));
  }

  /**
   * Refuses a state-changing request that a browser could have been tricked into sending: one whose
   * {@code Origin} (or {@code Sec-Fetch-Site}) names another site, or one that carries the session
   * cookie and a body that is not JSON (which a cross-site form can send without asking). A body
   * that is not JSON without the cookie is 415.
   */
  public void checkStateChange(Context ctx) {
    String origin = ctx.header("Origin");
    if (origin != null && !sameOrigin(ctx, origin)) {
      throw ApiError.CSRF.exception(
          Sentence.of("csrf.other_site_named", Text.shorten(origin, 100)));
    }
    String fetchSite = ctx.header("Sec-Fetch-Site");
    if ("cross-site".equalsIgnoreCase(fetchSite)) {
      throw ApiError.CSRF.exception(Sentence.of("csrf.other_site"));
    }
    if (hasBody(ctx) && !isJson(ctx.header("Content-Type"))) {
      if (sessionToken(ctx) != null) {
        throw ApiError.CSRF.exception(Sentence.of("csrf.not_json"));
      }
      throw ApiError.UNSUPPORTED_MEDIA_TYPE.exception();
    }
  }

  /**
   * 400 for a query parameter whose name or value holds a control character: no user name, address
   * or number has one, and a store or a log line would take it badly.
   */
  public static void checkQuery(Context ctx) {
    if (ctx.queryString() == null) {
      return;
    }
    ctx.queryParamMap()
        .forEach(
            (name, values) -> {
              if (Text.hasControl(name) || values.stream().anyMatch(Text::hasControl)) {
                String shown = Text.shorten(Text.withoutControls(name), 100);
                throw ApiException.invalidFields(
                    Map.of(shown, Sentence.of("field.query_control_characters", shown)));
              }
            });
  }

  private static boolean hasBody(Context ctx) {
    return ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
  }

  private static boolean isJson(String contentType) {
    if (contentType == null) {
      return false;
    }
    String type = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
    return type.equals("application/json")
        || (type.startsWith("application/") && type.endsWith("+json"));
  }

  private boolean sameOrigin(Context ctx, String origin) {
    URI uri;
    try {
      uri = new URI(origin.trim());
    } catch (URISyntaxException e) {
      return false;
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return false;
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    int defaultPort = scheme.equals("https") ? 443 : 80;
    String originHost = uri.getHost().toLowerCase(Locale.ROOT);
    int originPort = (uri.getPort() < 0) ? defaultPort : uri.getPort();
    if (matches(ctx.header("Host"), originHost, originPort, defaultPort)) {
      return true;
    }
    String forwardedHost = ctx.header("X-Forwarded-Host");
    return forwardedHost != null
        && addresses.isTrustedPeer(ctx.req().getRemoteAddr())
        && matches(forwardedHost.split(",")[0], originHost, originPort, defaultPort);
  }

  private static boolean matches(String hostHeader, String host, int port, int defaultPort) {
    if (hostHeader == null || hostHeader.isBlank()) {
      return false;
    }
    URI uri;
    try {
      uri = new URI("http://" + hostHeader.trim());
    } catch (URISyntaxException e) {
      return false;
    }
    if (uri.getHost() == null) {
      return false;
    }
    int headerPort = (uri.getPort() < 0) ? defaultPort : uri.getPort();
    return uri.getHost().toLowerCase(Locale.ROOT).equals(host) && headerPort == port;
  }
}
