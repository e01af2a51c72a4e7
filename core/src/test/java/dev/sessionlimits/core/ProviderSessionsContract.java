package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The behaviour every {@link ProviderSessions} must have: a back-channel logout finds the sessions
 * of a provider session, or of a provider's user, of that issuer only. A store's test class extends
 * this, says how to make a fresh, empty store and how to open a session it may remember (a database
 * keeps a provider session only for a session it holds).
 */
public abstract class ProviderSessionsContract {

  private static final String ISSUER = "https://id.example.org/realms/staff";
  private static final String OTHER_ISSUER = "https://login.example.com/tenant/v2.0";
  private static final String HINT = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhIn0.c2ln";
  private static final Instant T0 = Instant.parse("2026-12-07T18:00:00Z");

  protected ProviderSessions store;

  /** A new, empty store; closed after the test if it is {@link AutoCloseable}. */
  protected abstract ProviderSessions createStore() throws Exception;

  /** The id of a new live session of {@code user} in the store's database, if it has one. */
  protected abstract String openSession(String user);

  @BeforeEach
  void openStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void closeStore() throws Exception {
    if (store instanceof AutoCloseable closeable) {
      closeable.close();
    }
  }

  private ProviderSession remembered(String user, String issuer, String sid, String subject) {
    ProviderSession session =
        new ProviderSession(openSession(user), issuer, Optional.ofNullable(sid), subject, HINT);
    store.remember(session);
    return session;
  }

  @Test
  void aProviderSessionFindsTheSessionsOpenedInItOfItsIssuerOnly() {
    ProviderSession laptop = remembered("alice", ISSUER, "sid-1", "sub-a");
    ProviderSession phone = remembered("alice", ISSUER, "sid-1", "sub-a");
    remembered("alice", ISSUER, "sid-2", "sub-a");
    remembered("alice", OTHER_ISSUER, "sid-1", "sub-a");

    assertThat(store.sessionsOf(ISSUER, "sid-1"))
        .containsExactlyInAnyOrder(laptop.sessionId(), phone.sessionId());
    assertThat(store.sessionsOf(ISSUER, "SID-1")).isEmpty();
    assertThat(store.sessionsOf(ISSUER, "unknown")).isEmpty();
  }

  @Test
  void aSubjectFindsAllSessionsOfThatUserAtItsIssuerWithOrWithoutSid() {
    ProviderSession withSid = remembered("alice", ISSUER, "sid-1", "sub-a");
    ProviderSession withoutSid = remembered("alice", ISSUER, null, "sub-a");
    remembered("bob", ISSUER, "sid-3", "sub-b");
    remembered("alice", OTHER_ISSUER, "sid-4", "sub-a");

    assertThat(store.sessionsOfSubject(ISSUER, "sub-a"))
        .containsExactlyInAnyOrder(withSid.sessionId(), withoutSid.sessionId());
    assertThat(store.sessionsOfSubject(ISSUER, "nobody")).isEmpty();
  }

  @Test
  void theIdTokenHintOfASessionIsKeptUntilItIsForgotten() {
    ProviderSession session = remembered("alice", ISSUER, "sid-1", "sub-a");
    ProviderSession other = remembered("bob", ISSUER, "sid-2", "sub-b");

    assertThat(store.idTokenHintOf(session.sessionId())).contains(HINT);
    assertThat(store.idTokenHintOf("no-such-session")).isEmpty();

    store.forget(session.sessionId());
    store.forget("no-such-session");

    assertThat(store.idTokenHintOf(session.sessionId())).isEmpty();
    assertThat(store.sessionsOf(ISSUER, "sid-1")).isEmpty();
    assertThat(store.sessionsOfSubject(ISSUER, "sub-a")).isEmpty();
    assertThat(store.idTokenHintOf(other.sessionId())).contains(HINT);
  }

  @Test
  void rememberingASessionAgainReplacesWhatWasRecordedForIt() {
    ProviderSession first = remembered("alice", ISSUER, "sid-1", "sub-a");
    String longHint = "x".repeat(8000);
    ProviderSession again =
        new ProviderSession(first.sessionId(), ISSUER, Optional.of("sid-9"), "sub-a", longHint);

    store.remember(again);

    assertThat(store.sessionsOf(ISSUER, "sid-1")).isEmpty();
    assertThat(store.sessionsOf(ISSUER, "sid-9")).containsExactly(first.sessionId());
    assertThat(store.idTokenHintOf(first.sessionId())).contains(longHint);
  }

  @Test
  void aLogoutTokenIsReceivedFirstOnceAndEveryReceiptAfterThatIsAReplayUntilItIsKept() {
    Instant until = T0.plusSeconds(180);

    assertThat(store.firstReceipt(ISSUER, "jti-1", until, T0)).isTrue();
    assertThat(store.firstReceipt(ISSUER, "jti-1", until, T0.plusSeconds(1))).isFalse();
    assertThat(store.firstReceipt(ISSUER, "jti-1", until, T0.plusSeconds(179))).isFalse();
    assertThat(store.firstReceipt(ISSUER, "JTI-1", until, T0)).isTrue();
    assertThat(store.firstReceipt(OTHER_ISSUER, "jti-1", until, T0)).isTrue();
  }

  @Test
  void aTokenPastTheTimeItWasKeptUntilIsForgottenAndCountsAsNewAgain() {
    store.firstReceipt(ISSUER, "jti-old", T0.plusSeconds(60), T0);

    assertThat(store.firstReceipt(ISSUER, "jti-old", T0.plusSeconds(240), T0.plusSeconds(60)))
        .isTrue();
    assertThat(store.firstReceipt(ISSUER, "jti-old", T0.plusSeconds(240), T0.plusSeconds(61)))
        .isFalse();
  }

  @Test
  void ofManyConcurrentReceiptsOfOneTokenExactlyOneIsTheFirst() throws Exception {
    List<Boolean> firsts =
        Burst.run(16, i -> store.firstReceipt(ISSUER, "jti-burst", T0.plusSeconds(120), T0));

    assertThat(firsts).containsOnlyOnce(true).hasSize(16);
  }

  @Test
  void aProviderSessionNeedsASessionIdAnIssuerASubjectAndAHint() {
    assertThatThrownBy(() -> new ProviderSession("", ISSUER, Optional.empty(), "s", HINT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProviderSession("id", ISSUER, Optional.of(""), "s", HINT))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ProviderSession("id", ISSUER, Optional.empty(), "s", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(new ProviderSession("id", ISSUER, Optional.empty(), "s", HINT).toString())
        .doesNotContain(HINT);
  }
}
