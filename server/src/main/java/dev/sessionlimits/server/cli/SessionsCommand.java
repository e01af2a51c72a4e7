package dev.sessionlimits.server.cli;

import static dev.sessionlimits.server.http.Json.map;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.Views;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code sessionlimits sessions}: list and revoke live sessions, through the session manager. */
@Command(
    name = "sessions",
    mixinStandardHelpOptions = true,
    description = "List or revoke live sessions.")
final class SessionsCommand {

  @ParentCommand private Cli cli;
  @Spec private CommandSpec spec;

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List live sessions.")
  int list(
      @Option(names = "--user", paramLabel = "USERNAME", description = "Only hers.") String user,
      @Option(names = "--json", description = "Print JSON.") boolean json) {
    try (Admin admin = Admin.open(cli.env)) {
      List<Session> live =
          (user == null) ? admin.sessions.liveSessions() : admin.sessions.liveSessionsOfUser(user);
      PrintWriter out = spec.commandLine().getOut();
      Instant now = admin.clock.instant();
      if (json) {
        List<Object> views = new ArrayList<>();
        live.forEach(s -> views.add(Views.session(s, now, null)));
        out.println(Json.write(map("sessions", views)));
      } else {
        out.printf("%-24s %-32s %-39s %s%n", "ID", "USER", "CLIENT_IP", "CREATED_AT");
        for (Session s : live) {
          out.printf("%-24s %-32s %-39s %s%n", s.id(), s.user(), s.clientIp(), s.createdAt());
        }
      }
    }
    return Cli.DONE;
  }

  /** One session by id, or all of a user's. */
  static final class Which {
    @Option(names = "--id", paramLabel = "ID", required = true, description = "The session.")
    String id;

    @Option(
        names = "--user",
        paramLabel = "USERNAME",
        required = true,
        description = "All of her sessions.")
    String user;
  }

  @Command(
      name = "revoke",
      mixinStandardHelpOptions = true,
      description = "End a session, or all of a user's, as revoked_by_admin.")
  int revoke(@ArgGroup(multiplicity = "1") Which which) {
    try (Admin admin = Admin.open(cli.env)) {
      PrintWriter out = spec.commandLine().getOut();
      if (which.id != null) {
        Optional<Session> ended =
            admin.sessions.end(which.id, EndReason.REVOKED_BY_ADMIN, Admin.ACTOR);
        if (ended.isEmpty()) {
          throw new CliFailure(Cli.FAILED, "There is no active session with id " + which.id);
        }
        admin.auditor.record(
            "session_revoked", Admin.ACTOR, null, ended.get().user(), which.id, map());
        out.println("Revoked " + which.id);
      } else {
        List<String> ids = new ArrayList<>();
        for (Session s : admin.sessions.liveSessionsOfUser(which.user)) {
          if (admin.sessions.end(s.id(), EndReason.REVOKED_BY_ADMIN, Admin.ACTOR).isPresent()) {
            ids.add(s.id());
          }
        }
        admin.auditor.record(
            "sessions_revoked", Admin.ACTOR, null, which.user, null, map("ended_sessions", ids));
        out.println("Revoked " + ids.size() + " session(s) of " + which.user);
      }
    }
    return Cli.DONE;
  }
}
