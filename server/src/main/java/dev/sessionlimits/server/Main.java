package dev.sessionlimits.server;

import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.identity.oidc.OidcConfig;
import dev.sessionlimits.server.service.FileSettings;
import dev.sessionlimits.store.jdbc.JdbcStore;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code sessionlimits serve}, the command line's default command: reads the {@code
 * SESSIONLIMITS_*} environment once, opens the store and serves until the process is stopped.
 */
public final class Main {

  private static final Logger LOG = LoggerFactory.getLogger(Main.class);

  private Main() {}

  public static void main(String[] args) {
    ServerConfig config;
    Optional<OidcConfig> oidc;
    LogFormat logFormat;
    try {
      Map<String, String> env = Environment.current();
      logFormat = LogFormat.fromEnvironment(env);
      config = ServerConfig.fromEnvironment(env);
      oidc = OidcConfig.fromEnvironment(env);
    } catch (IllegalArgumentException e) {
      System.err.println(
          "Sessionlimits cannot start, because of its environment:\n" + e.getMessage());
      System.exit(2);
      return;
    }
    SessionlimitsServer server;
    AutoCloseable handOff;
    try {
      // Bad settings files stop the start before the store is even opened.
      FileSettings.load(
          config.configDir(), ExhaustionActions.load(Main.class.getClassLoader()).names());
      JdbcStore store = StoreFactory.openStore(config);
      Stores stores = Stores.of(store, StoreFactory.secondFactors(config, store), store::isHealthy);
      // With JSON logs standard output is only JSON lines: the first start's generated
      // administrator password, shown once and never logged, goes to standard error.
      server =
          SessionlimitsServer.builder()
              .config(config)
              .oidc(oidc)
              .stores(stores)
              .out(logFormat == LogFormat.JSON ? System.err : System.out)
              .start();
      // The command line's backups of the embedded database, which only this process can open.
      handOff = (config.dbUrl() == null) ? BackupHandOff.start(config.dataDir(), store) : () -> {};
    } catch (RuntimeException e) {
      LOG.debug("Start failed", e);
      System.err.println("Sessionlimits cannot start: " + e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  closeQuietly(handOff);
                  server.close();
                  stopped.countDown();
                },
                "sessionlimits-shutdown"));
    // With virtual threads every request thread is a daemon: main itself keeps the process alive.
    while (stopped.getCount() > 0) {
      try {
        stopped.await();
      } catch (InterruptedException e) {
        // keep serving until the process is told to stop
      }
    }
  }

  private static void closeQuietly(AutoCloseable closeable) {
    try {
      closeable.close();
    } catch (Exception e) {
      LOG.debug("Closing {} failed", closeable, e);
    }
  }
}
