package dev.sessionlimits.server.cli;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.User;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.Views;
import dev.sessionlimits.server.service.UserService;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sessionlimits users}: list, add, set a password, disable; through {@link UserService}. */
@Command(
    name = "users",
    mixinStandardHelpOptions = true,
    description = "List, add, set the password of, or disable users.",
    subcommandsRepeatable = false)
final class UsersCommand {

  @ParentCommand private Cli cli;
  @Spec private CommandSpec spec;

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List every user.")
  int list(@Option(names = "--json", description = "Print JSON.") boolean json) {
    try (Admin admin = Admin.open(cli.env)) {
      List<User> users = admin.users.list();
      PrintWriter out = out();
      if (json) {
        List<Object> views = new ArrayList<>();
        users.forEach(u -> views.add(Views.user(u)));
        out.println(Json.write(map("users", views)));
      } else {
        out.printf("%-32s %-5s %-8s %s%n", "USERNAME", "ADMIN", "DISABLED", "SESSIONS_LIMIT");
        for (User u : users) {
          out.printf(
              "%-32s %-5s %-8s %s%n",
              u.username(),
              u.admin(),
              u.disabled(),
              (u.sessionsLimit() == null) ? "-" : u.sessionsLimit());
        }
      }
    }
    return Cli.DONE;
  }

  @Command(
      name = "add",
      mixinStandardHelpOptions = true,
      description = "Add a user; without --password-stdin a password is generated and shown once.")
  int add(
      @Parameters(paramLabel = "USERNAME") String username,
      @Option(names = "--admin", description = "An administrator.") boolean isAdmin,
      @Option(names = "--sessions-limit", paramLabel = "N", description = "Her own limit.")
          Integer limit,
      @Option(names = "--password-stdin", description = "Read the password from standard input.")
          boolean fromStdin) {
    if (!username.matches("[A-Za-z0-9._@-]{1,64}")) {
      throw new CliFailure(
          Cli.USAGE,
          "USERNAME must be 1 to 64 letters, digits or . _ @ -, got \"" + username + "\".");
    }
    try (Admin admin = Admin.open(cli.env)) {
      String password = cli.newPassword(fromStdin, username, out());
      User user = admin.users.create(username, password, isAdmin, false, limit);
      admin.auditor.record(
          "user_created",
          Admin.ACTOR,
          null,
          username,
          null,
          map("admin", user.admin(), "disabled", false, "sessions_limit", limit));
      out().println("Added " + username + (isAdmin ? ", an administrator" : ""));
    }
    return Cli.DONE;
  }

  @Command(
      name = "set-password",
      mixinStandardHelpOptions = true,
      description =
          "Set a user's password, ending her sessions; without --password-stdin one is generated.")
  int setPassword(
      @Parameters(paramLabel = "USERNAME") String username,
      @Option(names = "--password-stdin", description = "Read the password from standard input.")
          boolean fromStdin) {
    try (Admin admin = Admin.open(cli.env)) {
      User user = admin.users.existing(username);
      String password = cli.newPassword(fromStdin, username, out());
      UserService.Changed changed =
          admin.users.update(
              user,
              new UserService.Change(password, user.admin(), user.disabled(), user.sessionsLimit()),
              Admin.ACTOR,
              null);
      admin.auditor.record(
          "user_updated",
          Admin.ACTOR,
          null,
          username,
          null,
          map("changes", map("password", "changed", "ended_sessions", changed.endedSessions())));
      out().println("Set the password of " + username);
    }
    return Cli.DONE;
  }

  @Command(
      name = "disable",
      mixinStandardHelpOptions = true,
      description = "Disable a user, ending her sessions (the last administrator stays).")
  int disable(@Parameters(paramLabel = "USERNAME") String username) {
    try (Admin admin = Admin.open(cli.env)) {
      User user = admin.users.existing(username);
      UserService.Changed changed =
          admin.users.update(
              user,
              new UserService.Change(null, user.admin(), true, user.sessionsLimit()),
              Admin.ACTOR,
              null);
      admin.auditor.record(
          "user_updated",
          Admin.ACTOR,
          null,
          username,
          null,
          map(
              "changes",
              map(
                  "disabled",
                  map("old", user.disabled(), "new", true),
                  "ended_sessions",
                  changed.endedSessions())));
      out().println("Disabled " + username);
    }
    return Cli.DONE;
  }

  private PrintWriter out() {
    return spec.commandLine().getOut();
  }
}
