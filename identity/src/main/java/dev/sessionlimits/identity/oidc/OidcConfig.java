package dev.sessionlimits.identity.oidc;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * How to sign in with an OpenID Connect provider, read once at start from the {@code
 * SESSIONLIMITS_OIDC_*} variables and {@code SESSIONLIMITS_PUBLIC_URL}. Every value is checked when
 * the record is made; a bad one is refused with a message naming the variable, its value and what
 * is valid.
 *
 * @param issuer the provider's issuer identifier ({@code SESSIONLIMITS_OIDC_ISSUER}): an absolute
 *     http(s) URI without query or fragment, whose {@code /.well-known/openid-configuration} is
 *     read
 * @param clientId this server's client id at the provider
 * @param clientSecret this server's client secret (sent with HTTP Basic to the token endpoint)
 * @param publicUrl where browsers reach this server, without a trailing slash: the redirect URI and
 *     the back-channel logout URI are built on it
 * @param usernameClaim the ID token claim that names the user (default {@code preferred_username})
 * @param groupsClaim the ID token claim listing the user's groups (default {@code groups})
 * @param adminGroup the group whose members are administrators, if any
 * @param displayName the label of the sign-in button (default {@value #DEFAULT_NAME})
 */
public record OidcConfig(
    URI issuer,
    String clientId,
    String clientSecret,
    URI publicUrl,
    String usernameClaim,
    String groupsClaim,
    Optional<String> adminGroup,
    String displayName) {

  /** The path of the redirect URI, below {@link #publicUrl()}. */
  public static final String CALLBACK_PATH = "/api/v1/login/oidc/callback";

  /** The path of the back-channel logout URI, below {@link #publicUrl()}. */
  public static final String BACKCHANNEL_LOGOUT_PATH = "/api/v1/login/oidc/backchannel-logout";

  /** The default of {@code SESSIONLIMITS_OIDC_USERNAME_CLAIM}. */
  public static final String DEFAULT_USERNAME_CLAIM = "preferred_username";

  /** The default of {@code SESSIONLIMITS_OIDC_GROUPS_CLAIM}. */
  public static final String DEFAULT_GROUPS_CLAIM = "groups";

  /** The default of {@code SESSIONLIMITS_OIDC_NAME}. */
  public static final String DEFAULT_NAME = "Single sign-on";

  static final String ISSUER = "SESSIONLIMITS_OIDC_ISSUER";
  static final String CLIENT_ID = "SESSIONLIMITS_OIDC_CLIENT_ID";
  static final String CLIENT_SECRET = "SESSIONLIMITS_OIDC_CLIENT_SECRET";
  static final String PUBLIC_URL = "SESSIONLIMITS_PUBLIC_URL";
  static final String USERNAME_CLAIM = "SESSIONLIMITS_OIDC_USERNAME_CLAIM";
  static final String GROUPS_CLAIM = "SESSIONLIMITS_OIDC_GROUPS_CLAIM";
  static final String ADMIN_GROUP = "SESSIONLIMITS_OIDC_ADMIN_GROUP";
  static final String NAME = "SESSIONLIMITS_OIDC_NAME";

  private static final List<String> OIDC_VARIABLES =
      List.of(ISSUER, CLIENT_ID, CLIENT_SECRET, USERNAME_CLAIM, GROUPS_CLAIM, ADMIN_GROUP, NAME);

  private static final int MAX_NAME_LENGTH = 64;

  public OidcConfig {
    requireNonNull(issuer, "issuer");
    requireNonNull(clientId, "clientId");
    requireNonNull(clientSecret, "clientSecret");
    requireNonNull(publicUrl, "publicUrl");
    requireNonNull(usernameClaim, "usernameClaim");
    requireNonNull(groupsClaim, "groupsClaim");
    requireNonNull(adminGroup, "adminGroup");
    requireNonNull(displayName, "displayName");
    check("issuer", issuer.toString(), httpUriProblem(issuer));
    check("publicUrl", publicUrl.toString(), httpUriProblem(publicUrl));
    if (publicUrl.toString().endsWith("/")) {
      throw new IllegalArgumentException("publicUrl must not end with '/', got " + publicUrl);
    }
    check("clientId", clientId, textProblem(clientId));
    check("clientSecret", "(redacted)", textProblem(clientSecret));
    check("usernameClaim", usernameClaim, textProblem(usernameClaim));
    check("groupsClaim", groupsClaim, textProblem(groupsClaim));
    adminGroup.ifPresent(group -> check("adminGroup", group, textProblem(group)));
    check("displayName", displayName, nameProblem(displayName));
  }

  /**
   * The configuration described by {@code env}, or empty when no {@code SESSIONLIMITS_OIDC_*}
   * variable is set: OpenID Connect sign-in is then off. Unset or empty variables take their
   * defaults; the issuer, client id, client secret and public URL have none.
   *
   * @throws IllegalArgumentException naming every bad or missing variable, its value and what is
   *     valid
   */
  public static Optional<OidcConfig> fromEnvironment(Map<String, String> env) {
    if (OIDC_VARIABLES.stream().allMatch(name -> value(env, name) == null)) {
      return Optional.empty();
    }
    List<String> problems = new ArrayList<>();
    URI issuer = httpUri(env, ISSUER, problems);
    String clientId =
        required(env, CLIENT_ID, "the client id registered at the provider", problems);
    String clientSecret =
        required(env, CLIENT_SECRET, "the client secret registered at the provider", problems);
    URI publicUrl = httpUri(env, PUBLIC_URL, problems);
    String usernameClaim = orDefault(env, USERNAME_CLAIM, DEFAULT_USERNAME_CLAIM, problems);
    String groupsClaim = orDefault(env, GROUPS_CLAIM, DEFAULT_GROUPS_CLAIM, problems);
    String adminGroup = value(env, ADMIN_GROUP);
    if (adminGroup != null) {
      adminGroup = checked(ADMIN_GROUP, adminGroup, textProblem(adminGroup), problems);
    }
    String name = value(env, NAME) == null ? DEFAULT_NAME : value(env, NAME);
    name = checked(NAME, name, nameProblem(name), problems);
    if (!problems.isEmpty()) {
      throw new IllegalArgumentException(String.join("; ", problems));
    }
    String trimmed = publicUrl.toString().replaceAll("/+$", "");
    return Optional.of(
        new OidcConfig(
            issuer,
            clientId,
            clientSecret,
            URI.create(trimmed),
            usernameClaim,
            groupsClaim,
            Optional.ofNullable(adminGroup),
            name));
  }

  /**
   * Where the provider sends the browser back to: {@link #publicUrl()} + {@link #CALLBACK_PATH}.
   */
  public URI redirectUri() {
    return URI.create(publicUrl + CALLBACK_PATH);
  }

  /** Where the provider posts logout tokens: {@link #publicUrl()} + the back-channel path. */
  public URI backchannelLogoutUri() {
    return URI.create(publicUrl + BACKCHANNEL_LOGOUT_PATH);
  }

  /** Everything but the client secret. */
  @Override
  public String toString() {
    return "OidcConfig[issuer="
        + issuer
        + ", clientId="
        + clientId
        + ", clientSecret=(redacted), publicUrl="
        + publicUrl
        + ", usernameClaim="
        + usernameClaim
        + ", groupsClaim="
        + groupsClaim
        + ", adminGroup="
        + adminGroup.orElse("(none)")
        + ", displayName="
        + displayName
        + "]";
  }

  private static String value(Map<String, String> env, String name) {
    String value = env.get(name);
    return value == null || value.isBlank() ? null : value.trim();
  }

  private static URI httpUri(Map<String, String> env, String name, List<String> problems) {
    String text = value(env, name);
    if (text == null) {
      problems.add(name + " is required: an absolute http(s) URL such as https://id.example.com");
      return null;
    }
    String problem;
    URI uri = null;
    try {
      uri = new URI(text);
      problem = httpUriProblem(uri);
    } catch (URISyntaxException e) {
      problem = "is not a URI (" + e.getReason() + ")";
    }
    return checked(name, text, problem, problems) == null ? null : uri;
  }

  private static String required(
      Map<String, String> env, String name, String what, List<String> problems) {
    String text = value(env, name);
    if (text == null) {
      problems.add(name + " is required: " + what);
      return null;
    }
    return checked(
                name, name.equals(CLIENT_SECRET) ? "(redacted)" : text, textProblem(text), problems)
            == null
        ? null
        : text;
  }

  private static String orDefault(
      Map<String, String> env, String name, String fallback, List<String> problems) {
    String text = value(env, name);
    return text == null ? fallback : checked(name, text, textProblem(text), problems);
  }

  /** {@code value}, or null after adding a message for {@code problem} when there is one. */
  private static String checked(String name, String value, String problem, List<String> problems) {
    if (problem == null) {
      return value;
    }
    problems.add(name + " \"" + value + "\" " + problem);
    return null;
  }

  private static void check(String field, String shown, String problem) {
    if (problem != null) {
      throw new IllegalArgumentException(field + " \"" + shown + "\" " + problem);
    }
  }

  private static String httpUriProblem(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!uri.isAbsolute() || !(scheme.equals("http") || scheme.equals("https"))) {
      return "must be an absolute http or https URL such as https://id.example.com";
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      return "must name a host, as in https://id.example.com";
    }
    if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
      return "must have no query (?...) and no fragment (#...)";
    }
    if (uri.getRawUserInfo() != null) {
      return "must not carry a user name or password";
    }
    return null;
  }

  private static String textProblem(String text) {
    if (text.isBlank()) {
      return "must not be empty";
    }
    if (!text.equals(text.strip()) || text.chars().anyMatch(Character::isISOControl)) {
      return "must have no surrounding spaces and no control characters";
    }
    return null;
  }

  private static String nameProblem(String name) {
    String problem = textProblem(name);
    if (problem == null && name.length() > MAX_NAME_LENGTH) {
      return "must be at most " + MAX_NAME_LENGTH + " characters";
    }
    return problem;
  }
}
