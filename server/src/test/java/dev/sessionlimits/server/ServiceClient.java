package dev.sessionlimits.server;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.core.ApiKeyToken;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.List;

/** A service calling the service API of a {@link TestServer} with an API key of its own. */
final class ServiceClient {

  static final String SESSIONS = "/api/v1/service/sessions";

  private static final SecureRandom RANDOM = new SecureRandom();

  final String key;
  final String keyId;
  private final Browser http;

  private ServiceClient(TestServer t, String key, String keyId) {
    this.key = key;
    this.keyId = keyId;
    this.http = t.browser("shop-backend/1.0");
  }

  /** A service with a new key named {@code name} of {@code scopes}, stored as an admin makes it. */
  static ServiceClient withKey(TestServer t, String name, ApiKeyScope... scopes) {
    ApiKeyToken token = ApiKeyToken.generate(RANDOM);
    EnumSet<ApiKeyScope> granted = EnumSet.noneOf(ApiKeyScope.class);
    granted.addAll(List.of(scopes));
    if (!t.stores
        .apiKeys()
        .create(ApiKey.created(token, name, granted, t.clock.instant(), "admin"))) {
      throw new IllegalStateException("key id taken");
    }
    return new ServiceClient(t, token.value(), token.id());
  }

  /** A service with a key of every scope. */
  static ServiceClient withKey(TestServer t) {
    return withKey(t, "shop", ApiKeyScope.values());
  }

  /** {@code POST /api/v1/service/sessions} for {@code user} from {@code ip}. */
  Browser.Response open(String user, String ip) {
    return open(
        "{\"user\":\"" + user + "\",\"client_ip\":\"" + ip + "\",\"user_agent\":\"Firefox/140\"}");
  }

  Browser.Response open(String json) {
    return http.post(SESSIONS, json, "Authorization", "Bearer " + key);
  }

  Browser.Response check(String tokenOrId) {
    return http.get(SESSIONS + "/" + tokenOrId, "Authorization", "Bearer " + key);
  }

  Browser.Response end(String tokenOrId) {
    return http.delete(SESSIONS + "/" + tokenOrId, "Authorization", "Bearer " + key);
  }
}
