package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Fixtures;
import dev.sessionlimits.core.ProviderSession;
import dev.sessionlimits.core.ProviderSessions;
import dev.sessionlimits.core.ProviderSessionsContract;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionEnd;
import dev.sessionlimits.core.SessionStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

class H2ProviderSessionsTest extends ProviderSessionsContract {

  @RegisterExtension final ClosedAfterEach stores = new ClosedAfterEach();

  @TempDir Path dataDir;

  private static final String ISSUER = "https://id.example.org";

  private JdbcStore jdbc;

  @Override
  protected ProviderSessions createStore() {
    jdbc = stores.add(JdbcStore.embedded(dataDir));
    return jdbc.providerSessions();
  }

  @Override
  protected String openSession(String user) {
    return open(jdbc, user);
  }

  /** The id of a new live session of {@code user} in {@code jdbc}. */
  static String open(JdbcStore jdbc, String user) {
    Session candidate = Fixtures.candidate(user, "192.0.2.1", Instant.now(), Fixtures.unlimited());
    jdbc.sessions().open(candidate, Fixtures.unlimited());
    return candidate.id();
  }

  @Test
  void aProviderSessionGoesWithItsSessionWhenThatIsPurged() {
    String id = open(jdbc, "alice");
    String kept = open(jdbc, "alice");
    Instant now = Instant.now();
    store.remember(new ProviderSession(id, ISSUER, Optional.of("s"), "a", "h"));
    store.remember(new ProviderSession(kept, ISSUER, Optional.of("s"), "a", "h"));
    jdbc.sessions().end(id, SessionEnd.of(EndReason.LOGGED_OUT, now));

    jdbc.sessions().purge(now.plus(SessionStore.TOMBSTONE_RETENTION).plusSeconds(1));

    assertThat(store.sessionsOf(ISSUER, "s")).containsExactly(kept);
    assertThat(store.idTokenHintOf(id)).isEmpty();
  }
}
