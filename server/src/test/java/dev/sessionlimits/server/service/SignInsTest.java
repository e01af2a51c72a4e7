package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.core.AuditEvent;
import dev.sessionlimits.core.AuditLog;
import dev.sessionlimits.core.ExhaustionActions;
import dev.sessionlimits.core.Group;
import dev.sessionlimits.core.GroupSource;
import dev.sessionlimits.core.GroupStore;
import dev.sessionlimits.core.LoginAttempt;
import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.core.SettingsStore;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.TestServer;
import dev.sessionlimits.server.http.ApiException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Opening a session for a user whose identity was proven, without HTTP. */
class SignInsTest {

  private final MutableClock clock = new MutableClock(TestServer.START);
  private final SessionManager sessions = new SessionManager(SessionStore.inMemory(), clock);
  private final SettingsService settings =
      new SettingsService(
          SettingsStore.inMemory(), FileSettings.NONE, ExhaustionActions.builtIns(), clock);
  private final GroupStore groups = GroupStore.inMemory();
  private final AuditLog audit = AuditLog.inMemory();
  private final SignIns signIns =
      new SignIns(
          sessions,
          settings,
          groups,
          new Auditor(audit, clock),
          dev.sessionlimits.server.ops.Metrics.off());

  @Test
  void aGroupsLimitRefusesTheLoginPastItAndTheRefusalIsAudited() {
    settings.update(Map.of("SESSIONS_PER_USER", 5, "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"));
    groups.create(Group.named("contractors", clock.instant()).withLimit(1, clock.instant()));
    groups.replaceMemberships("dana", GroupSource.LDAP, Set.of("contractors"));
    User dana = user("dana", null);

    signIns.open(dana, attempt("dana", "ldap"), null);

    assertThatThrownBy(() -> signIns.open(dana, attempt("dana", "ldap"), null))
        .isInstanceOfSatisfying(
            ApiException.class, e -> assertThat(e.getMessage()).contains("your limit is 1"));
    assertThat(sessions.liveSessions()).hasSize(1);
    assertThat(types()).contains("login", "login_refused");
    assertThat(event("login_refused").details()).contains("\"auth_method\":\"ldap\"");
  }

  @Test
  void aUsersOwnLimitWinsOverHerGroupsAndTheGlobalOne() {
    settings.update(Map.of("SESSIONS_PER_USER", 1, "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"));
    groups.create(Group.named("staff", clock.instant()).withLimit(1, clock.instant()));
    groups.replaceMemberships("erin", GroupSource.LOCAL, Set.of("staff"));
    User erin = user("erin", 3);

    for (int i = 0; i < 3; i++) {
      signIns.open(erin, attempt("erin", "password"), null);
    }

    assertThatThrownBy(() -> signIns.open(erin, attempt("erin", "password"), null))
        .isInstanceOf(ApiException.class);
    assertThat(sessions.liveSessions()).hasSize(3);
  }

  @Test
  void theLoginEventNamesHowTheUserSignedIn() {
    signIns.open(user("frank", null), attempt("frank", "oidc"), null);

    assertThat(event("login").details()).contains("\"auth_method\":\"oidc\"");
  }

  @Test
  void twentySimultaneousSignInsAtAGroupLimitOfOneOpenExactlyOneSession() throws Exception {
    settings.update(Map.of("SESSIONS_PER_USER", 10, "QUOTA_EXHAUSTION_ACTION", "DENY_ACCESS"));
    groups.create(Group.named("kiosk", clock.instant()).withLimit(1, clock.instant()));
    groups.replaceMemberships("gina", GroupSource.OIDC, Set.of("kiosk"));
    User gina = user("gina", null);
    List<Callable<Boolean>> logins = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      logins.add(
          () -> {
            try {
              signIns.open(gina, attempt("gina", "oidc"), null);
              return true;
            } catch (ApiException refused) {
              return false;
            }
          });
    }
    ExecutorService pool = Executors.newFixedThreadPool(20);
    int admitted = 0;
    try {
      for (Future<Boolean> f : pool.invokeAll(logins)) {
        admitted += f.get() ? 1 : 0;
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(admitted).isEqualTo(1);
    assertThat(sessions.liveSessions()).hasSize(1);
  }

  private User user(String name, Integer limit) {
    return new User(name, null, false, false, limit, TestServer.START, TestServer.START);
  }

  private static LoginAttempt attempt(String user, String method) {
    return new LoginAttempt(user, "192.0.2.7", "test", null, method);
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
