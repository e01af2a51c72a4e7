package dev.sessionlimits.server.cli;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.ApiKey;
import dev.sessionlimits.core.ApiKeyScope;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.ApiKeys;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sessionlimits api-keys}: list, create and revoke services' API keys, through {@link
 * ApiKeys} (which audits, with the actor {@value Admin#ACTOR}). {@code create} prints the key on
 * standard output once, alone on its line, so that a script can take it; nothing else shows it.
 */
@Command(
    name = "api-keys",
    mixinStandardHelpOptions = true,
    description = "List, create or revoke the API keys of services.")
final class ApiKeysCommand {

  /** The longest lifetime, as the API allows. */
  private static final int MAX_DAYS = 3650;

  @ParentCommand private Cli cli;
  @Spec private CommandSpec spec;

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List every key, live, expired and revoked (never the key itself).")
  int list(@Option(names = "--json", description = "Print JSON.") boolean json) {
    try (Admin admin = Admin.open(cli.env)) {
      List<ApiKey> keys = admin.apiKeys().list();
      PrintWriter out = spec.commandLine().getOut();
      if (json) {
        List<Object> views = new ArrayList<>();
        keys.forEach(k -> views.add(Views.apiKey(k)));
        out.println(Json.write(map("api_keys", views)));
        return Cli.DONE;
      }
      Instant now = admin.clock.instant();
      out.printf("%-16s %-8s %-30s %-40s %s%n", "ID", "STATE", "EXPIRES_AT", "SCOPES", "NAME");
      for (ApiKey k : keys) {
        String state = !k.live() ? "revoked" : k.acceptedAt(now) ? "live" : "expired";
        out.printf(
            "%-16s %-8s %-30s %-40s %s%n",
            k.id(),
            state,
            k.expiresAt().map(Instant::toString).orElse("never"),
            String.join(",", ApiKeys.codes(k)),
            k.name());
      }
    }
    return Cli.DONE;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create a key and print it, once: store it where the service reads it.")
  int create(
      @Option(names = "--name", required = true, paramLabel = "NAME", description = "Its name.")
          String name,
      @Option(
              names = "--scope",
              required = true,
              paramLabel = "SCOPE",
              description = "sessions:open, sessions:read or sessions:end; repeat for several.")
          List<String> scopeCodes,
      @Option(
              names = "--expires-in-days",
              paramLabel = "DAYS",
              description = "1 to 3650; without it the key never expires.")
          Integer days) {
    if (!ApiKey.isValidName(name)) {
      throw new CliFailure(
          Cli.USAGE,
          "--name must be 1 to "
              + ApiKey.MAX_NAME_LENGTH
              + " characters without control characters or whitespace at either end.");
    }
    Set<ApiKeyScope> scopes = EnumSet.noneOf(ApiKeyScope.class);
    for (String code : scopeCodes) {
      scopes.add(
          ApiKeyScope.ofCode(code)
              .orElseThrow(
                  () ->
                      new CliFailure(
                          Cli.USAGE,
                          "--scope must be one of "
                              + Arrays.stream(ApiKeyScope.values()).map(ApiKeyScope::code).toList()
                              + ", got \""
                              + code
                              + "\".")));
    }
    if (days != null && (days < 1 || days > MAX_DAYS)) {
      throw new CliFailure(
          Cli.USAGE, "--expires-in-days must be 1 to " + MAX_DAYS + ", got " + days + ".");
    }
    try (Admin admin = Admin.open(cli.env)) {
      ApiKeys.Created created =
          admin
              .apiKeys()
              .create(
                  name, scopes, Optional.ofNullable(days).map(Duration::ofDays), Admin.ACTOR, null);
      spec.commandLine().getOut().println(created.value());
      spec.commandLine()
          .getErr()
          .println(
              "Created the key "
                  + created.key().id()
                  + " ("
                  + name
                  + "), "
                  + created.key().expiresAt().map(at -> "expiring at " + at).orElse("not expiring")
                  + ". It is shown this once.");
    }
    return Cli.DONE;
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "Revoke a key: every node refuses it from its next request on.")
  int revoke(@Parameters(paramLabel = "ID", description = "The key's 16-digit id.") String id) {
    try (Admin admin = Admin.open(cli.env)) {
      Optional<ApiKey> revoked;
      try {
        revoked = admin.apiKeys().revoke(id, Admin.ACTOR, null);
      } catch (ApiException e) {
        throw new CliFailure(Cli.FAILED, "There is no API key with id " + id + ".");
      }
      spec.commandLine()
          .getOut()
          .println(revoked.isPresent() ? "Revoked " + id : id + " was revoked already");
    }
    return Cli.DONE;
  }
}
