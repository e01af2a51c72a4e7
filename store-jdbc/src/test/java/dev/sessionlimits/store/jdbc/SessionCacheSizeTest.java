package dev.sessionlimits.store.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SessionCacheSizeTest {

  private static final long MB = 1024 * 1024;

  @Test
  void theDefaultGivesTheCacheAFifthOfTheHeap() {
    assertThat(SessionCacheSize.forHeap(2048 * MB).sessions())
        .isEqualTo(2048 * MB / 5 / SessionCacheSize.ENTRY_BYTES)
        .isGreaterThan(1_000_000);
    assertThat(SessionCacheSize.forHeap(256 * MB).sessions()).isBetween(150_000L, 160_000L);
    assertThat(SessionCacheSize.forHeap(2048 * MB).bytes()).isLessThanOrEqualTo(2048 * MB / 5);
  }

  @Test
  void theDefaultStopsAtTenMillionSessionsOnAHugeHeap() {
    assertThat(SessionCacheSize.forHeap(512L * 1024 * MB).sessions())
        .isEqualTo(SessionCacheSize.DEFAULT_CAP);
    assertThat(SessionCacheSize.forHeap(Long.MAX_VALUE).sessions())
        .isEqualTo(SessionCacheSize.DEFAULT_CAP);
  }

  @Test
  void aMemoryBudgetHoldsAsManySessionsAsFitInIt() {
    assertThat(SessionCacheSize.ofMemory(350 * 1000).sessions()).isEqualTo(1000);
    assertThat(SessionCacheSize.ofMemory(349).sessions()).isZero();
  }

  @Test
  void sizesOutsideTheBoundsAreRefusedNamingTheValue() {
    assertThatThrownBy(() -> new SessionCacheSize(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got -1");
    assertThatThrownBy(() -> new SessionCacheSize(SessionCacheSize.MAX_SESSIONS + 1))
        .hasMessageContaining("0.." + SessionCacheSize.MAX_SESSIONS);
    assertThatThrownBy(() -> SessionCacheSize.ofMemory(-5)).hasMessageContaining("got -5");
    assertThatThrownBy(() -> SessionCacheSize.forHeap(0)).hasMessageContaining("got 0");
  }
}
