package dev.sessionlimits.store.jdbc;

import com.zaxxer.hikari.HikariDataSource;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.UserStore;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the JDBC store does beyond the session store contract, on each database: users, settings and
 * the audit log ({@link JdbcRecordsTests}), sessions as rows and purge in batches ({@link
 * JdbcSessionRowsTests}), the quota lock rows and failures ({@link JdbcLocksAndFailuresTests}).
 * Each test gets an empty database behind a pool of its own, and a store with a purge batch of
 * {@value #BATCH}.
 */
abstract class AbstractJdbcStoreTest
    implements JdbcRecordsTests, JdbcSessionRowsTests, JdbcLocksAndFailuresTests {

  HikariDataSource pool;
  JdbcStore store;
  SessionStore sessions;
  UserStore users;
  SettingsStore settings;
  AuditLog audit;
  final List<Session> announced = new CopyOnWriteArrayList<>();

  /** A pool on an empty database (migrated or not), for one test. */
  abstract HikariDataSource emptyDatabase() throws Exception;

  @BeforeEach
  void openStore() throws Exception {
    pool = emptyDatabase();
    store = JdbcStore.using(pool, BATCH);
    sessions = store.sessions();
    users = store.users();
    settings = store.settings();
    audit = store.audit();
    sessions.subscribe(announced::add);
  }

  @AfterEach
  void closeStore() {
    if (store != null) {
      store.close();
    }
    if (pool != null) {
      pool.close();
    }
  }

  @Override
  public HikariDataSource pool() {
    return pool;
  }

  @Override
  public JdbcStore store() {
    return store;
  }

  @Override
  public SessionStore sessions() {
    return sessions;
  }

  @Override
  public UserStore users() {
    return users;
  }

  @Override
  public SettingsStore settings() {
    return settings;
  }

  @Override
  public AuditLog audit() {
    return audit;
  }

  @Override
  public List<Session> announced() {
    return announced;
  }
}
