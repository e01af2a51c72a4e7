package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.server.service.Passwords;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminBootstrapTest {

  @Test
  void withoutAConfiguredPasswordARandomOneIsPrintedOnceAndWorks() {
    Map<String, String> env = new HashMap<>();
    env.put("SESSIONLIMITS_ADMIN_PASSWORD", "");
    Stores stores = Stores.inMemory();
    String password;
    try (TestServer t = TestServer.start(stores, env, b -> {})) {
      String printed = t.out.toString(StandardCharsets.UTF_8);
      assertThat(printed).contains("\"admin\"", "shown only this once");
      password = printed.substring(printed.lastIndexOf(' ') + 1).trim();
      assertThat(password).hasSize(24);
      assertThat(t.browser().login("admin", password).status()).isEqualTo(201);
      assertThat(t.browser().login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(401);
    }
    try (TestServer again = TestServer.start(stores, env, b -> {})) {
      assertThat(again.out.toString(StandardCharsets.UTF_8)).isEmpty();
      assertThat(again.browser().login("admin", password).status()).isEqualTo(201);
    }
  }

  @Test
  void theConfiguredPasswordIsUsedOnlyAtFirstStart() {
    Stores stores = Stores.inMemory();
    try (TestServer t = TestServer.start(stores, Map.of(), b -> {})) {
      assertThat(t.out.toString(StandardCharsets.UTF_8)).isEmpty();
      t.admin().patch("/api/v1/users/admin", "{\"password\":\"changed-plum-harbor\"}");
    }
    try (TestServer again = TestServer.start(stores, Map.of(), b -> {})) {
      assertThat(again.browser().login("admin", TestServer.ADMIN_PASSWORD).status()).isEqualTo(401);
      assertThat(again.browser().login("admin", "changed-plum-harbor").status()).isEqualTo(201);
    }
  }

  @Test
  void passwordsAreStoredAsArgon2idHashes() {
    try (TestServer t = TestServer.start()) {
      String hash = t.stores.users().find("admin").orElseThrow().passwordHash();
      assertThat(hash).startsWith("$argon2id$v=19$").doesNotContain(TestServer.ADMIN_PASSWORD);
    }
    Passwords owasp = new Passwords(Passwords.Cost.OWASP);
    String hash = owasp.hash("a password");
    assertThat(hash).startsWith("$argon2id$v=19$m=19456,t=2,p=1$");
    assertThat(owasp.verify("a password", hash)).isTrue();
    assertThat(owasp.verify("another", hash)).isFalse();
    assertThat(owasp.verify("a password", null)).isFalse();
    assertThat(owasp.verify("a password", "not a hash")).isFalse();
  }
}
