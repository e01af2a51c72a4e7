package dev.sessionlimits.server;

import dev.sessionlimits.store.jdbc.JdbcStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the stores {@link ServerConfig} asks for: PostgreSQL when {@code SESSIONLIMITS_DB_URL} is
 * set (cluster mode), otherwise the embedded H2 database in {@code SESSIONLIMITS_DATA_DIR}. The
 * server and the command line open their store here, so both act on the same one.
 */
public final class StoreFactory {

  private static final Logger LOG = LoggerFactory.getLogger(StoreFactory.class);

  private StoreFactory() {}

  /** The JDBC store of {@code config}; the caller closes it. */
  public static JdbcStore openStore(ServerConfig config) {
    JdbcStore store;
    if (config.dbUrl() != null) {
      store = JdbcStore.postgres(config.dbUrl(), config.cacheSize());
      LOG.info("Store: PostgreSQL at {}", ServerConfig.redactUrl(config.dbUrl()));
    } else {
      store = JdbcStore.embedded(config.dataDir(), config.cacheSize());
      LOG.info("Store: the embedded database in {}", config.dataDir().toAbsolutePath().normalize());
    }
    LOG.info(CacheSizing.describe(config.cacheSize(), Runtime.getRuntime().maxMemory()));
    return store;
  }
}
