package dev.sessionlimits.server.cli;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.InvalidSettingsException;
import dev.sessionlimits.core.Setting;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.service.SettingsService;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sessionlimits settings}: read and change settings, through {@link SettingsService}. */
@Command(
    name = "settings",
    mixinStandardHelpOptions = true,
    description = "Read or change the settings (defaults < API and command line < files).")
final class SettingsCommand {

  @ParentCommand private Cli cli;
  @Spec private CommandSpec spec;

  @Command(
      name = "get",
      mixinStandardHelpOptions = true,
      description = "Print the settings in force, or one of them, with where each comes from.")
  int get(
      @Parameters(paramLabel = "NAME", arity = "0..1", description = "One setting.") String name,
      @Option(names = "--json", description = "Print JSON.") boolean json) {
    Setting only = null;
    if (name != null) {
      only = Setting.named(name);
      if (only == null) {
        throw new CliFailure(Cli.USAGE, "There is no setting named " + name);
      }
    }
    try (Admin admin = Admin.open(cli.env)) {
      SettingsService.Snapshot snapshot = admin.settings().current();
      Map<String, Object> values = new LinkedHashMap<>();
      PrintWriter out = spec.commandLine().getOut();
      for (Setting setting : Setting.values()) {
        if (only != null && setting != only) {
          continue;
        }
        Object value = snapshot.settings().get(setting);
        String source = snapshot.sources().get(setting).code();
        values.put(setting.name(), map("value", value, "source", source));
        if (!json) {
          out.printf("%s=%s (%s)%n", setting.name(), value, source);
        }
      }
      if (json) {
        out.println(Json.write(values));
      }
    }
    return Cli.DONE;
  }

  @Command(
      name = "set",
      mixinStandardHelpOptions = true,
      description = "Change settings, as PATCH /api/v1/settings does: NAME=VALUE ...")
  int set(@Parameters(paramLabel = "NAME=VALUE", arity = "1..*") Map<String, String> changes) {
    Map<String, Object> typed = new LinkedHashMap<>();
    changes.forEach((name, value) -> typed.put(name, typed(name, value)));
    try (Admin admin = Admin.open(cli.env)) {
      SettingsService.Change change;
      try {
        change = admin.settings().update(typed, (before, after) -> {});
      } catch (InvalidSettingsException e) {
        throw new CliFailure(Cli.FAILED, String.join("\n", e.fields().values()));
      } catch (SettingsStore.ConcurrentSettingsChangeException e) {
        throw new CliFailure(Cli.FAILED, "The settings changed meanwhile; try again");
      }
      Map<String, Object> diff = new LinkedHashMap<>();
      for (String name : typed.keySet()) {
        Setting setting = Setting.named(name);
        diff.put(
            name,
            map(
                "old",
                change.before().settings().get(setting),
                "new",
                change.after().settings().get(setting)));
      }
      admin.auditor.record(
          "settings_changed",
          Admin.ACTOR,
          null,
          "settings",
          null,
          map("changes", diff, "version", change.after().version()));
      spec.commandLine().getOut().println("Changed " + String.join(", ", typed.keySet()));
    }
    return Cli.DONE;
  }

  /** {@code value} as the JSON of the API would carry it; the settings check it. */
  private static Object typed(String name, String value) {
    Setting setting = Setting.named(name);
    if (setting == null) {
      return value;
    }
    return switch (setting.type()) {
      case INTEGER -> {
        try {
          yield Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
          yield value;
        }
      }
      case BOOLEAN ->
          switch (value.strip()) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> value;
          };
      case ACTION -> value;
    };
  }
}
