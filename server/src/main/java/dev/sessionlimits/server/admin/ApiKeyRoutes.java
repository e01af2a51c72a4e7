package dev.sessionlimits.server.admin;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.auth.Reauthentication;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.JsonFields;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.http.Text;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.ApiKeys;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code /api/v1/api-keys}: the administrators' API keys for services. Creation answers the key
 * itself, once; it needs a recent password entry ({@link Reauthentication}), since a key opens
 * sessions for any user. A key may be given a lifetime ({@code expires_in_days}, 1 to {@value
 * #MAX_DAYS}; without it, it never expires). The list and the audit name a key by its id and name
 * only. Revoking is idempotent: a second revocation changes nothing and records nothing.
 */
public final class ApiKeyRoutes {

  /** The longest lifetime a key may be given: ten years. */
  static final int MAX_DAYS = 3650;

  private static final List<String> SCOPE_CODES =
      Arrays.stream(ApiKeyScope.values()).map(ApiKeyScope::code).toList();

  private final ApiKeys keys;
  private final Authenticator auth;
  private final Reauthentication reauth;

  /** The routes over {@code keys}, which audits creations and revocations. */
  public ApiKeyRoutes(ApiKeys keys, Authenticator auth, Reauthentication reauth) {
    this.keys = keys;
    this.auth = auth;
    this.reauth = reauth;
  }

  /** Adds the routes of API keys to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.get("/api/v1/api-keys", this::list);
    routes.post("/api/v1/api-keys", this::create);
    routes.delete("/api/v1/api-keys/{id}", this::revoke);
  }

  private void list(Context ctx) {
    auth.requireAdmin(ctx);
    ctx.json(map("api_keys", keys.list().stream().map(Views::apiKey).toList()));
  }

  private void create(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    JsonFields fields =
        new JsonFields(Json.object(Requests.body(ctx)), "name", "scopes", "expires_in_days");
    String name = fields.string("name", ApiKey.MAX_NAME_LENGTH, true);
    if (name != null && !ApiKey.isValidName(name)) {
      fields.error("name", Sentence.of("field.api_key_name", "name", ApiKey.MAX_NAME_LENGTH));
    }
    List<String> codes = fields.strings("scopes", SCOPE_CODES.size(), 32, true);
    Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
    if (codes != null) {
      for (String code : codes) {
        Optional<ApiKeyScope> scope = ApiKeyScope.ofCode(code);
        if (scope.isEmpty() || !scopes.add(scope.get())) {
          scopes.clear();
          break;
        }
      }
      if (scopes.isEmpty()) {
        fields.error(
            "scopes",
            Sentence.of(
                "field.api_key_scopes",
                "scopes",
                String.join(", ", SCOPE_CODES),
                "[" + Text.shorten(String.join(", ", codes), 200) + "]"));
      }
    }
    Optional<Duration> lifetime = lifetime(fields);
    fields.done();
    reauth.require(caller);
    ApiKeys.Created created =
        keys.create(name, scopes, lifetime, caller.username(), caller.clientIp());
    ApiKey key = created.key();
    Map<String, Object> view = Views.apiKey(key);
    view.put("key", created.value());
    ctx.status(201).json(view);
  }

  private void revoke(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    keys.revoke(ctx.pathParam("id"), caller.username(), caller.clientIp());
    ctx.status(204);
  }

  /** {@code expires_in_days}: 1 to {@link #MAX_DAYS} days, or empty (absent or null: never). */
  private static Optional<Duration> lifetime(JsonFields fields) {
    return Optional.ofNullable(
            fields.wholeNumber("expires_in_days", 1, MAX_DAYS, "field.api_key_expiry"))
        .map(Duration::ofDays);
  }
}
