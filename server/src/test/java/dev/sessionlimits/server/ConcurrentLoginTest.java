package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.Burst;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** SPEC section 3's atomicity, over HTTP: a burst of simultaneous logins for one user. */
class ConcurrentLoginTest {

  private static final int LOGINS = 40;

  private static List<Integer> burst(TestServer t, List<Browser> browsers) throws Exception {
    return Burst.run(
        browsers.size(), i -> browsers.get(i).login("alice", "alice-plum-harbor-lantern").status());
  }

  private static List<Browser> browsers(TestServer t) {
    List<Browser> browsers = new ArrayList<>();
    for (int i = 0; i < LOGINS; i++) {
      browsers.add(t.browser());
    }
    return browsers;
  }

  @Test
  void fortySimultaneousLoginsUnderDenyAccessAdmitExactlyOne() throws Exception {
    try (TestServer t = TestServer.start()) {
      t.createUser("alice", "alice-plum-harbor-lantern");
      Browser admin = t.admin();
      admin.patch(
          "/api/v1/settings",
          "{\"SESSIONS_PER_USER\": 1, \"QUOTA_EXHAUSTION_ACTION\": \"DENY_ACCESS\"}");

      List<Integer> statuses = burst(t, browsers(t));

      assertThat(statuses).filteredOn(s -> s == 201).hasSize(1);
      assertThat(statuses).filteredOn(s -> s == 403).hasSize(LOGINS - 1);
      assertThat(admin.get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(1);
    }
  }

  @Test
  void fortySimultaneousLoginsUnderAnEvictingActionLeaveExactlyOneLiveSession() throws Exception {
    try (TestServer t = TestServer.start()) {
      t.createUser("alice", "alice-plum-harbor-lantern");
      Browser admin = t.admin();
      admin.patch(
          "/api/v1/settings",
          "{\"SESSIONS_PER_USER\": 1,"
              + " \"QUOTA_EXHAUSTION_ACTION\": \"DESTROY_OLDEST_SESSION\"}");
      List<Browser> browsers = browsers(t);

      List<Integer> statuses = burst(t, browsers);

      assertThat(statuses).containsOnly(201);
      assertThat(admin.get("/api/v1/sessions?user=alice").json().path("sessions")).hasSize(1);
      long live = browsers.stream().filter(b -> b.get("/api/v1/me").status() == 200).count();
      assertThat(live).isEqualTo(1);
    }
  }
}
