package dev.sessionlimits.identity.oidc;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.nimbusds.jose.util.JSONArrayUtils;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keycloak's admin REST API for one realm, over java.net.http, signed in as the master realm's
 * administrator (a fresh token per call: they last a minute). Enough for tests: point the client at
 * a test server, create and delete users, end a user's sessions.
 */
public final class KeycloakAdmin {

  private final URI baseUri;
  private final String realm;
  private final String adminUser;
  private final String adminPassword;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  KeycloakAdmin(URI baseUri, String realm, String adminUser, String adminPassword) {
    this.baseUri = baseUri;
    this.realm = realm;
    this.adminUser = adminUser;
    this.adminPassword = adminPassword;
  }

  /**
   * Points the realm's {@code sessionlimits} client at a server reached at {@code publicUrl}: its
   * redirect URIs and post-logout redirect URIs become {@code publicUrl/*}, and the provider posts
   * logout tokens to {@code backchannelLogoutUrl} (with the session id).
   */
  public void configureClient(URI publicUrl, URI backchannelLogoutUrl) {
    String id = clientUuid(KeycloakServer.CLIENT_ID);
    Map<String, Object> client = object(send("GET", "/clients/" + id, null, 200));
    client.put("redirectUris", List.of(publicUrl + "/*"));
    @SuppressWarnings("unchecked")
    Map<String, Object> attributes =
        new HashMap<>((Map<String, Object>) client.getOrDefault("attributes", Map.of()));
    attributes.put("post.logout.redirect.uris", publicUrl + "/*");
    attributes.put("backchannel.logout.url", backchannelLogoutUrl.toString());
    attributes.put("backchannel.logout.session.required", "true");
    client.put("attributes", attributes);
    send("PUT", "/clients/" + id, JSONObjectUtils.toJSONString(client), 204);
  }

  /** Creates an enabled user with a password, a complete profile and the named groups. */
  public void createUser(String username, String password, List<String> groups) {
    Map<String, Object> user = new HashMap<>();
    user.put("username", username);
    user.put("enabled", true);
    user.put("email", username + "@example.com");
    user.put("emailVerified", true);
    user.put("firstName", username);
    user.put("lastName", "Test");
    user.put(
        "credentials", List.of(Map.of("type", "password", "value", password, "temporary", false)));
    user.put("groups", groups.stream().map(group -> "/" + group).toList());
    send("POST", "/users", JSONObjectUtils.toJSONString(user), 201);
  }

  /** Deletes a user made by {@link #createUser}. */
  public void deleteUser(String username) {
    send("DELETE", "/users/" + userId(username), null, 204);
  }

  /**
   * Ends every session of {@code username} at the provider, which posts a logout token to each
   * client's back-channel logout URL.
   */
  public void logoutUser(String username) {
    send("POST", "/users/" + userId(username) + "/logout", null, 204);
  }

  /** The ids of the provider sessions {@code username} has open. */
  public List<String> sessionIds(String username) {
    List<String> ids = new ArrayList<>();
    for (Object session :
        array(send("GET", "/users/" + userId(username) + "/sessions", null, 200))) {
      ids.add((String) ((Map<?, ?>) session).get("id"));
    }
    return ids;
  }

  /** Keycloak's id of {@code username}. */
  public String userId(String username) {
    String query = "/users?exact=true&username=" + URLEncoder.encode(username, UTF_8);
    List<Object> users = array(send("GET", query, null, 200));
    if (users.size() != 1) {
      throw new IllegalStateException("expected one user " + username + ", found " + users);
    }
    return (String) ((Map<?, ?>) users.get(0)).get("id");
  }

  private String clientUuid(String clientId) {
    String query = "/clients?clientId=" + URLEncoder.encode(clientId, UTF_8);
    List<Object> clients = array(send("GET", query, null, 200));
    if (clients.size() != 1) {
      throw new IllegalStateException("expected one client " + clientId + ", found " + clients);
    }
    return (String) ((Map<?, ?>) clients.get(0)).get("id");
  }

  private String send(String method, String path, String json, int expected) {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(baseUri + "/admin/realms/" + realm + path))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + adminToken());
    if (json != null) {
      request.header("Content-Type", "application/json");
    }
    request.method(
        method,
        json == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(json));
    HttpResponse<String> response = exchange(request.build());
    if (response.statusCode() != expected) {
      throw new IllegalStateException(
          method + " " + path + " answered " + response.statusCode() + ": " + response.body());
    }
    return response.body();
  }

  private String adminToken() {
    String form =
        "grant_type=password&client_id=admin-cli&username="
            + URLEncoder.encode(adminUser, UTF_8)
            + "&password="
            + URLEncoder.encode(adminPassword, UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(baseUri + "/realms/master/protocol/openid-connect/token"))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/x-www-form-urlencoded")
            .POST(HttpRequest.BodyPublishers.ofString(form))
            .build();
    HttpResponse<String> response = exchange(request);
    if (response.statusCode() != 200) {
      throw new IllegalStateException("admin sign-in answered " + response.statusCode());
    }
    return (String) object(response.body()).get("access_token");
  }

  private HttpResponse<String> exchange(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static Map<String, Object> object(String json) {
    try {
      return JSONObjectUtils.parse(json);
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("not a JSON object: " + json, e);
    }
  }

  private static List<Object> array(String json) {
    try {
      return JSONArrayUtils.parse(json);
    } catch (java.text.ParseException e) {
      throw new IllegalStateException("not a JSON array: " + json, e);
    }
  }
}
