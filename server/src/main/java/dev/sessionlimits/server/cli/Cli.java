package dev.sessionlimits.server.cli;

import dev.sessionlimits.server.Main;
import dev.sessionlimits.server.Version;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.service.PasswordPolicy;
import dev.sessionlimits.server.service.Passwords;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code sessionlimits}: the server and its administration in one jar. Without a command it serves
 * ({@link Main}); the other commands act on the store the server uses, read from the same {@code
 * SESSIONLIMITS_*} environment, through the same services.
 *
 * <h2>Exit codes</h2>
 *
 * 0 done; 1 failed (a refused change, an unreachable store, a failed start); 2 a usage error or a
 * bad environment (with the help text or the variable at fault); 3 the embedded database is in use
 * by another process, most likely a running server.
 *
 * <h2>Never against a running server's data</h2>
 *
 * H2 in file mode is opened by one process at a time: a running server holds its file lock, so a
 * command that opens the embedded store while it runs is refused by H2 itself, and exits 3 with a
 * message saying so. Nothing is ever written behind a server's back, whose node cache trusts that
 * it alone writes. Two commands only are special: {@code backup} hands the work to the running
 * server when the database is in use (a request file in the data directory, answered by {@link
 * dev.sessionlimits.server.BackupHandOff} with H2's {@code BACKUP TO}, a consistent copy while
 * writes go on), and {@code restore} runs only while no process has the directory open (it opens
 * the store first, so a running server makes it exit 3). On PostgreSQL every command works while
 * servers run (the store's row locks keep the limits exact, its notifications tell every node of
 * ended sessions and changed settings); backups there are {@code pg_dump}'s and {@code
 * pg_restore}'s job, and {@code backup} and {@code restore} say so.
 */
@Command(
    name = "sessionlimits",
    mixinStandardHelpOptions = true,
    versionProvider = Cli.VersionProvider.class,
    description = "Exact concurrent-session limits: the server and its administration.",
    footer = {
      "",
      "Without a command: serve. Configuration: the SESSIONLIMITS_* environment.",
      "Exit codes: 0 done, 1 failed, 2 usage or environment error,",
      "3 the embedded database is in use (stop the server; `backup` works while it runs)."
    },
    subcommands = {
      Cli.Serve.class,
      UsersCommand.class,
      SessionsCommand.class,
      SettingsCommand.class,
      ApiKeysCommand.class,
      BackupCommands.Backup.class,
      BackupCommands.Restore.class,
      ResetAdminPassword.class,
      Cli.VersionCommand.class
    })
public final class Cli implements Callable<Integer> {

  /** Done. */
  public static final int DONE = 0;

  /** Failed: a refused change, an unreachable store, a failed start. */
  public static final int FAILED = 1;

  /** A usage error or a bad environment. */
  public static final int USAGE = 2;

  /** The embedded database is in use by another process, most likely a running server. */
  public static final int IN_USE = 3;

  final Map<String, String> env;
  private final BufferedReader stdin;
  private boolean served;

  private Cli(Map<String, String> env, BufferedReader stdin) {
    this.env = env;
    this.stdin = stdin;
  }

  /** Runs the command line and exits with its code; {@code serve} returns when it stops. */
  public static void main(String[] args) {
    if (args.length > 0 && !args[0].equals("serve")) {
      // A command's output is its answer: the store's start-up news would only bury it.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
    }
    Cli cli =
        new Cli(
            System.getenv(),
            new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)));
    int code =
        cli.commandLine(
                new PrintWriter(System.out, true, StandardCharsets.UTF_8),
                new PrintWriter(System.err, true, StandardCharsets.UTF_8))
            .execute(args);
    // After serving, the process is stopping already: exit would wait for its own shutdown hook.
    if (!cli.served) {
      System.exit(code);
    }
  }

  /**
   * Runs {@code args} against {@code env}, with {@code stdin}, {@code out} and {@code err}; for
   * tests.
   *
   * @return the exit code
   */
  public static int run(
      Map<String, String> env, String stdin, PrintWriter out, PrintWriter err, String... args) {
    Cli cli = new Cli(env, new BufferedReader(new java.io.StringReader(stdin)));
    int code = cli.commandLine(out, err).execute(args);
    out.flush();
    err.flush();
    return code;
  }

  private CommandLine commandLine(PrintWriter out, PrintWriter err) {
    CommandLine line = new CommandLine(this);
    line.setOut(out);
    line.setErr(err);
    line.setExecutionExceptionHandler(
        (thrown, command, parsed) -> {
          // A command method's exception comes wrapped by picocli.
          Exception e =
              (thrown instanceof CommandLine.ExecutionException
                      && thrown.getCause() instanceof Exception cause)
                  ? cause
                  : thrown;
          if (e instanceof CliFailure failure) {
            err.println(failure.getMessage());
            return failure.exitCode();
          }
          if (e instanceof ApiException refused) {
            err.println(refused.getMessage());
            return FAILED;
          }
          err.println("Failed: " + e);
          return FAILED;
        });
    return line;
  }

  /** Without a command: serve. */
  @Override
  public Integer call() {
    served = true;
    Main.main(new String[0]);
    return DONE;
  }

  /**
   * A new password for {@code username}: the first line of standard input when {@code fromStdin}
   * (checked by the server's {@link PasswordPolicy}), else a generated one, printed once to {@code
   * out}.
   */
  String newPassword(boolean fromStdin, String username, PrintWriter out) {
    if (fromStdin) {
      String password;
      try {
        password = stdin.readLine();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      if (password == null || password.isEmpty()) {
        throw new CliFailure(USAGE, "--password-stdin: standard input holds no password");
      }
      PasswordPolicy.require(password, List.of(username), "password");
      return password;
    }
    String password = Passwords.generate(new SecureRandom());
    out.println("The new password of " + username + " (shown once): " + password);
    return password;
  }

  /** {@code sessionlimits serve}: the server, configured by the environment. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description =
          "Serve (the default): read the environment, open the store, serve until stopped.")
  static final class Serve implements Callable<Integer> {

    @CommandLine.ParentCommand private Cli cli;

    @Override
    public Integer call() {
      return cli.call();
    }
  }

  /** {@code sessionlimits version}. */
  @Command(
      name = "version",
      mixinStandardHelpOptions = true,
      description = "Print the version of Sessionlimits.")
  static final class VersionCommand implements Callable<Integer> {

    @CommandLine.Spec private CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      spec.commandLine().getOut().println(Version.CURRENT);
      return DONE;
    }
  }

  /** {@code --version}. */
  static final class VersionProvider implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {Version.CURRENT};
    }
  }
}
