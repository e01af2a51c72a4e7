package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.ExternalIdentities;
import dev.sessionlimits.core.ExternalIdentity;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.ops.Metrics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** A service's sessions for the users it authenticated itself, without HTTP. */
class ServiceSessionsTest {

  private static final ServiceSessions.Key KEY =
      new ServiceSessions.Key("0123456789abcdef", "shop");

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final SessionManager sessions = new SessionManager(SessionStore.inMemory(), clock);
  private final SettingsService settings =
      new SettingsService(
          SettingsStore.inMemory(), FileSettings.NONE, ExhaustionActions.builtIns(), clock);
  private final GroupStore groups = GroupStore.inMemory();
  private final UserStore users = UserStore.inMemory();
  private final ExternalIdentities identities = ExternalIdentities.inMemory();
  private final AuditLog audit = AuditLog.inMemory();
  private final Auditor auditor = new Auditor(audit, clock);
  private final ServiceSessions service =
      new ServiceSessions(
          new SignIns(sessions, settings, groups, auditor, Metrics.off()),
          new ExternalUsers(users, groups, identities, clock),
          new UserService(
              sessions,
              users,
              new Passwords(TestServer.CHEAP),
              groups,
              identities,
              SecondFactors.inMemory(),
              clock),
          sessions,
          settings,
          auditor);

  @Test
  void aNewUserIsCreatedAsAnExternalAccountWithoutAPasswordAndSignedIn() {
    SessionManager.LoginResult.Admitted admitted =
        service.open(KEY, open("hana", Optional.empty()));

    User hana = users.find("hana").orElseThrow();
    assertThat(hana.passwordHash()).isNull();
    assertThat(hana.admin()).isFalse();
    assertThat(identities.usernameFor(new ExternalIdentity(ServiceSessions.ISSUER, "hana")))
        .contains("hana");
    assertThat(admitted.session().authMethod()).isEqualTo("service");
    assertThat(event("user_created").details()).contains("\"api_key_name\":\"shop\"");
    assertThat(event("login").details())
        .contains("\"auth_method\":\"service\"", "\"api_key_id\":\"0123456789abcdef\"")
        .doesNotContain(admitted.token().secret());
  }

  @Test
  void theUsersOwnLimitIsSetAndAppliesToTheOpeningItCameWith() {
    settings.update(Map.of("SESSIONS_PER_USER", 5, "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"));
    service.open(KEY, open("ivan", Optional.empty()));

    assertThatThrownBy(
            () -> service.open(KEY, open("ivan", Optional.of(new ServiceSessions.LimitChange(1)))))
        .isInstanceOfSatisfying(
            ApiException.class,
            e -> assertThat(e.error().code()).isEqualTo("session_limit_reached"));
    assertThat(users.find("ivan").orElseThrow().sessionsLimit()).isEqualTo(1);
    assertThat(event("login_refused").details()).contains("\"api_key_name\":\"shop\"");
    assertThat(event("user_updated").details()).contains("\"new\":1");

    service.open(KEY, open("ivan", Optional.of(new ServiceSessions.LimitChange(null))));

    assertThat(users.find("ivan").orElseThrow().sessionsLimit()).isNull();
    assertThat(sessions.liveSessionsOfUser("ivan")).hasSize(2);
  }

  @Test
  void aLocalAccountAnAdministratorAndADisabledAccountAreNeverSignedIn() {
    users.create(
        new User("root", "$argon2id$x", true, false, null, TestServer.START, TestServer.START));
    service.open(KEY, open("jack", Optional.empty()));
    User jack = users.find("jack").orElseThrow();
    users.update(new User("jack", null, true, false, null, jack.createdAt(), jack.updatedAt()));
    service.open(KEY, open("kate", Optional.empty()));
    User kate = users.find("kate").orElseThrow();
    users.update(new User("kate", null, false, true, null, kate.createdAt(), kate.updatedAt()));

    assertThat(code(() -> service.open(KEY, open("root", Optional.empty()))))
        .isEqualTo("service_user_conflict");
    assertThat(code(() -> service.open(KEY, open("jack", Optional.empty()))))
        .isEqualTo("service_user_conflict");
    assertThat(code(() -> service.open(KEY, open("kate", Optional.empty()))))
        .isEqualTo("user_disabled");
    assertThat(sessions.liveSessionsOfUser("root")).isEmpty();
  }

  @Test
  void aSessionIsFoundByTokenOrIdAndEndsOnceAsLoggedOut() {
    SessionManager.LoginResult.Admitted admitted =
        service.open(KEY, open("lena", Optional.empty()));
    String id = admitted.session().id();

    assertThat(service.check(admitted.token().secret(), false))
        .containsInstanceOf(Lookup.Live.class);
    assertThat(service.check(id, false)).containsInstanceOf(Lookup.Live.class);
    assertThat(service.end(KEY, id, "192.0.2.1")).isPresent();

    Optional<Lookup> after = service.check(admitted.token().secret(), false);
    assertThat(after).containsInstanceOf(Lookup.Ended.class);
    assertThat(ServiceSessions.session(after.orElseThrow()).end().reason())
        .isEqualTo(EndReason.LOGGED_OUT);
    assertThat(service.end(KEY, id, "192.0.2.1")).isPresent();
    assertThat(types()).containsOnlyOnce("logout");
  }

  @Test
  void anIdleSessionIsAnsweredAsEndedByItsTimeout() {
    SessionManager.LoginResult.Admitted admitted =
        service.open(KEY, open("mona", Optional.empty()));
    clock.advance(Duration.ofSeconds(settings.settings().sessionCookieAge() + 1));

    Optional<Lookup> found = service.check(admitted.session().id(), false);

    assertThat(found).containsInstanceOf(Lookup.Ended.class);
    assertThat(ServiceSessions.session(found.orElseThrow()).end().reason())
        .isEqualTo(EndReason.IDLE_TIMEOUT);
  }

  @Test
  void aSessionNotOpenedByAServiceIsUnknownToIt() {
    SessionManager.LoginResult result =
        sessions.login(
            dev.sessionlimits.core.LoginAttempt.password("nora", "192.0.2.8", "Firefox"),
            new SignIns(sessions, settings, groups, auditor, Metrics.off())
                .policy(
                    new User("nora", null, false, false, null, clock.instant(), clock.instant())));
    SessionManager.LoginResult.Admitted own = (SessionManager.LoginResult.Admitted) result;

    assertThat(service.check(own.session().id(), false)).isEmpty();
    assertThat(service.check(own.token().secret(), false)).isEmpty();
    assertThat(service.end(KEY, own.session().id(), "192.0.2.1")).isEmpty();
    assertThat(sessions.liveSessionsOfUser("nora")).hasSize(1);
    assertThat(service.check("no-such-session", false)).isEmpty();
  }

  private static ServiceSessions.Open open(
      String user, Optional<ServiceSessions.LimitChange> limit) {
    return new ServiceSessions.Open(user, "192.0.2.9", "Firefox", null, limit);
  }

  private static String code(Runnable call) {
    try {
      call.run();
    } catch (ApiException e) {
      return e.error().code();
    }
    throw new AssertionError("no ApiException");
  }

  private List<String> types() {
    return audit.recent(100, Long.MAX_VALUE).stream().map(AuditEvent::type).toList();
  }

  private AuditEvent event(String type) {
    return audit.recent(100, Long.MAX_VALUE).stream()
        .filter(e -> e.type().equals(type))
        .findFirst()
        .orElseThrow();
  }
}
