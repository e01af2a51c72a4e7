package dev.sessionlimits.server.admin;

import static dev.sessionlimits.server.http.Json.map;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionlimits.core.InvalidSettingsException;
import dev.sessionlimits.core.Setting;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.auth.Reauthentication;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.http.Sentence;
import dev.sessionlimits.server.service.Auditor;
import dev.sessionlimits.server.service.SettingsService;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code /api/v1/settings}: read, change (all or nothing, audited) and describe the settings. */
final class SettingsRoutes {

  private final SettingsService settings;
  private final Authenticator auth;
  private final Reauthentication reauth;
  private final Auditor auditor;

  SettingsRoutes(
      SettingsService settings, Authenticator auth, Reauthentication reauth, Auditor auditor) {
    this.settings = settings;
    this.auth = auth;
    this.reauth = reauth;
    this.auditor = auditor;
  }

  void register(RoutesConfig routes) {
    routes.get("/api/v1/settings", this::getSettings);
    routes.patch("/api/v1/settings", this::patchSettings);
    routes.get("/api/v1/settings/schema", this::schema);
  }

  private void getSettings(Context ctx) {
    auth.requireAdmin(ctx);
    ctx.json(settings.settings().asMap());
  }

  private void patchSettings(Context ctx) {
    Authenticator.Caller caller = auth.requireAdmin(ctx);
    ObjectNode body = Json.object(Requests.body(ctx));
    Map<String, Object> changes = new LinkedHashMap<>();
    body.properties().forEach(e -> changes.put(e.getKey(), Json.plain(e.getValue())));
    SettingsService.Change change;
    try {
      change =
          settings.update(
              changes, (before, after) -> reauth.requireToChange(caller, before, after));
    } catch (InvalidSettingsException e) {
      throw ApiError.INVALID_SETTINGS
          .exception(
              Sentence.of("settings.refused_count", e.fields().size()),
              String.join(" ", e.fields().values()))
          .withFields(map("fields", e.fields()));
    } catch (SettingsStore.ConcurrentSettingsChangeException e) {
      throw ApiError.CONFLICT.exception();
    }
    Map<String, Object> diff = new LinkedHashMap<>();
    for (String name : changes.keySet()) {
      Setting setting = Setting.named(name);
      Object before = change.before().settings().get(setting);
      Object after = change.after().settings().get(setting);
      diff.put(name, map("old", before, "new", after));
    }
    if (!diff.isEmpty()) {
      auditor.record(
          "settings_changed",
          caller.username(),
          caller.clientIp(),
          "settings",
          null,
          map("changes", diff, "version", change.after().version()));
    }
    ctx.json(change.after().settings().asMap());
  }

  private void schema(Context ctx) {
    auth.requireAdmin(ctx);
    SettingsService.Snapshot snapshot = settings.current();
    List<Object> list = new ArrayList<>();
    for (Setting setting : Setting.values()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("name", setting.name());
      m.put("type", setting.type().code());
      m.put("label", setting.label());
      m.put("help", setting.help());
      m.put("default", setting.defaultValue());
      m.put("valid_range", setting.validRange(settings.actions().names()));
      if (setting.type() == Setting.Type.INTEGER) {
        m.put("min", setting.min());
        m.put("max", setting.max());
        m.put("special_value", setting.specialValue());
      }
      if (setting.type() == Setting.Type.ACTION) {
        m.put("choices", List.copyOf(settings.actions().names()));
      }
      m.put("value", snapshot.settings().get(setting));
      SettingsService.Source source = snapshot.sources().get(setting);
      m.put("source", source.code());
      m.put("read_only", source == SettingsService.Source.FILE);
      if (source == SettingsService.Source.FILE) {
        m.put("file", settings.files().get(setting).file().toString());
      }
      list.add(m);
    }
    ctx.json(map("settings", list));
  }
}
