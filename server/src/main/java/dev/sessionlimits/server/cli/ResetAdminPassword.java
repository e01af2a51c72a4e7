package dev.sessionlimits.server.cli;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.User;
import dev.sessionlimits.server.service.UserService;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code sessionlimits reset-admin-password}: for a lost administrator's password. Sets a new one
 * (generated, or read from standard input), enables the account again, ends its sessions and
 * records {@code admin_password_reset}. Only an administrator's password is reset this way.
 */
@Command(
    name = "reset-admin-password",
    mixinStandardHelpOptions = true,
    description =
        "Set a new password for an administrator who lost hers (enabling the account again);"
            + " without --password-stdin one is generated and shown once.")
final class ResetAdminPassword implements Callable<Integer> {

  @ParentCommand private Cli cli;
  @Spec private CommandSpec spec;

  @Option(
      names = "--user",
      paramLabel = "USERNAME",
      defaultValue = "admin",
      description = "The administrator (default ${DEFAULT-VALUE}).")
  private String username;

  @Option(names = "--password-stdin", description = "Read the password from standard input.")
  private boolean fromStdin;

  @Override
  public Integer call() {
    try (Admin admin = Admin.open(cli.env)) {
      User user = admin.users.existing(username);
      if (!user.admin()) {
        throw new CliFailure(
            Cli.FAILED,
            username + " is no administrator; use `sessionlimits users set-password` for her.");
      }
      String password = cli.newPassword(fromStdin, username, spec.commandLine().getOut());
      UserService.Changed changed =
          admin.users.update(
              user,
              new UserService.Change(password, true, false, user.sessionsLimit()),
              Admin.ACTOR,
              null);
      admin.auditor.record(
          "admin_password_reset",
          Admin.ACTOR,
          null,
          username,
          null,
          map("reenabled", user.disabled(), "ended_sessions", changed.endedSessions()));
      spec.commandLine().getOut().println("Reset the password of " + username);
    }
    return Cli.DONE;
  }
}
