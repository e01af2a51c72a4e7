package dev.sessionlimits.server;

import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.store.jdbc.JdbcStore;
import dev.sessionlimits.store.jdbc.SecretsKey;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the stores {@link ServerConfig} asks for: PostgreSQL when {@code SESSIONLIMITS_DB_URL} is
 * set (cluster mode), otherwise the embedded H2 database in {@code SESSIONLIMITS_DATA_DIR}. The
 * server and the command line open their store here, so both act on the same one.
 */
public final class StoreFactory {

  /** The variable naming the file of the keys that seal TOTP secrets. */
  public static final String KEY_FILE_VARIABLE = "SESSIONLIMITS_SECRETS_KEY_FILE";

  /** The embedded store's key file, in its data folder, when the variable is not set. */
  public static final String DEFAULT_KEY_FILE = "secrets.key";

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

  /**
   * {@code store}'s second factors, each TOTP secret sealed with the first key of {@code
   * SESSIONLIMITS_SECRETS_KEY_FILE}; on the embedded store without it, with the key in {@code
   * secrets.key} of the data folder, made at the first start. A cluster without a key file keeps
   * them as given and warns: its nodes must share one key, which only the operator can give them.
   *
   * @throws IllegalArgumentException if the key file cannot be read or made
   * @throws IllegalStateException if a stored secret cannot be opened: no key, or not the key that
   *     sealed it
   */
  public static SecondFactors secondFactors(ServerConfig config, JdbcStore store) {
    Optional<Path> file =
        config
            .secretsKeyFile()
            .or(
                () ->
                    (config.dbUrl() == null)
                        ? Optional.of(config.dataDir().resolve(DEFAULT_KEY_FILE))
                        : Optional.empty());
    try {
      if (file.isEmpty()) {
        store.requireNoSealedSecrets();
        LOG.warn(
            "TOTP secrets are stored unsealed in PostgreSQL: set {} to a file of keys that every"
                + " node shares (docs/security.md)",
            KEY_FILE_VARIABLE);
        return store.secondFactors();
      }
      SecretsKey key =
          config.secretsKeyFile().isPresent()
              ? SecretsKey.read(file.get())
              : SecretsKey.readOrCreate(file.get());
      SecondFactors sealed = store.secondFactors(key);
      LOG.info("TOTP secrets are sealed with the key {} of {}", key, file.get());
      return sealed;
    } catch (IllegalStateException e) {
      throw new IllegalStateException(
          e.getMessage()
              + ": set "
              + KEY_FILE_VARIABLE
              + " to the key file that sealed them, with the current key first"
              + " (docs/security.md)",
          e);
    }
  }
}
