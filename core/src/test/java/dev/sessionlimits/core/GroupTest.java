package dev.sessionlimits.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class GroupTest {

  private static final Instant T0 = Instant.parse("2026-01-05T09:00:00Z");

  @Test
  void namesFromDirectoriesAndProvidersAreValidAsTheyCome() {
    assertThat(Group.isValidName("Domain Admins")).isTrue();
    assertThat(Group.isValidName("/staff/ops")).isTrue();
    assertThat(Group.isValidName("cn=x,ou=groups")).isTrue();
    assertThat(Group.isValidName("Équipe 🚀")).isTrue();
    assertThat(Group.isValidName("x".repeat(64))).isTrue();
  }

  @Test
  void emptyLongPaddedOrControlCharacterNamesAreNot() {
    assertThat(Group.isValidName(null)).isFalse();
    assertThat(Group.isValidName("")).isFalse();
    assertThat(Group.isValidName("x".repeat(65))).isFalse();
    assertThat(Group.isValidName(" staff")).isFalse();
    assertThat(Group.isValidName("staff\t")).isFalse();
    assertThat(Group.isValidName("a\u0000b")).isFalse();
    assertThat(Group.isValidName("a\u007fb")).isFalse();
    assertThat(Group.isValidName("a\ud800b")).isFalse();
    assertThatThrownBy(() -> Group.named("a\nb", T0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("\"a?b\"");
  }

  @Test
  void aGroupsLimitIsValidAsAUsersOwn() {
    assertThat(new Group("g", -1, "", T0, T0).sessionsLimit()).isEqualTo(-1);
    assertThat(Group.named("g", T0).withLimit(5, T0.plusSeconds(1)).sessionsLimit()).isEqualTo(5);
    assertThatThrownBy(() -> new Group("g", 0, "", T0, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Group("g", 100_001, "", T0, T0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Group("g", 1, "x".repeat(1025), T0, T0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
