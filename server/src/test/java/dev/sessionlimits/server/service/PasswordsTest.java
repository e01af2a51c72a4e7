package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PasswordsTest {

  private static final long MIB = 1024 * 1024;

  @Test
  void hashesRunAtOnceAtMostOnePerCoreAndTogetherInAQuarterOfTheHeapButAlwaysOne() {
    assertThat(Passwords.defaultConcurrency(Passwords.Cost.OWASP, 256 * MIB, 2)).isEqualTo(2);
    assertThat(Passwords.defaultConcurrency(Passwords.Cost.OWASP, 256 * MIB, 8)).isEqualTo(3);
    assertThat(Passwords.defaultConcurrency(Passwords.Cost.OWASP, 512 * MIB, 8)).isEqualTo(6);
    assertThat(Passwords.defaultConcurrency(Passwords.Cost.OWASP, 1024 * MIB, 16)).isEqualTo(13);
    assertThat(Passwords.defaultConcurrency(Passwords.Cost.OWASP, 32 * MIB, 4)).isEqualTo(1);
  }
}
