package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sessionlimits.store.jdbc.SessionCacheSize;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CacheSizingTest {

  private static final long MB = 1024 * 1024;
  private static final long HEAP = 2048 * MB;

  private final List<String> problems = new ArrayList<>();

  private SessionCacheSize sized(Map<String, String> env) {
    return CacheSizing.fromEnvironment(env, HEAP, problems);
  }

  @Test
  void withNeitherVariableTheCacheTakesAFifthOfTheHeap() {
    assertThat(sized(Map.of())).isEqualTo(SessionCacheSize.forHeap(HEAP));
    assertThat(problems).isEmpty();
    assertThat(ServerConfig.defaults().cacheSize()).isEqualTo(SessionCacheSize.forThisHeap());
  }

  @Test
  void aNumberOfSessionsIsTakenAsItIsAndZeroCachesNothing() {
    assertThat(sized(Map.of("SESSIONLIMITS_CACHE_SESSIONS", "1_000_000")).sessions())
        .isEqualTo(1_000_000);
    assertThat(sized(Map.of("SESSIONLIMITS_CACHE_SESSIONS", " 0 ")).sessions()).isZero();
    assertThat(problems).isEmpty();
  }

  @Test
  void anAmountOfMemoryHoldsAsManySessionsAsFitInIt() {
    assertThat(sized(Map.of("SESSIONLIMITS_CACHE_MEMORY", "350m")).sessions())
        .isEqualTo(350 * MB / SessionCacheSize.ENTRY_BYTES);
    assertThat(sized(Map.of("SESSIONLIMITS_CACHE_MEMORY", "1G")).bytes())
        .isLessThanOrEqualTo(1024 * MB);
    assertThat(sized(Map.of("SESSIONLIMITS_CACHE_MEMORY", "35000")).sessions()).isEqualTo(100);
    assertThat(problems).isEmpty();
  }

  @Test
  void badValuesAreRefusedNamingTheVariableTheValueAndWhatIsValid() {
    sized(Map.of("SESSIONLIMITS_CACHE_SESSIONS", "lots"));
    sized(Map.of("SESSIONLIMITS_CACHE_SESSIONS", "-1"));
    sized(Map.of("SESSIONLIMITS_CACHE_MEMORY", "256 megabytes"));

    assertThat(problems)
        .containsExactly(
            "SESSIONLIMITS_CACHE_SESSIONS must be a whole number of sessions 0..100000000"
                + " (0 caches nothing), got \"lots\"",
            "SESSIONLIMITS_CACHE_SESSIONS must be a whole number of sessions 0..100000000"
                + " (0 caches nothing), got \"-1\"",
            "SESSIONLIMITS_CACHE_MEMORY must be an amount of heap in bytes or with a suffix k, m"
                + " or g (256m, 1g; about 350 bytes per session), got \"256 megabytes\"");
  }

  @Test
  void aCacheOfMoreThanHalfTheHeapIsRefusedWithTheHeapItWouldNotFitIn() {
    sized(Map.of("SESSIONLIMITS_CACHE_MEMORY", "1500m"));
    sized(Map.of("SESSIONLIMITS_CACHE_SESSIONS", "5000000"));

    assertThat(problems)
        .containsExactly(
            "SESSIONLIMITS_CACHE_MEMORY=\"1500m\" asks for about 1499 MB of heap (4493897"
                + " sessions), more than half of this JVM's 2048 MB; valid: at most 1024 MB"
                + " (or give the JVM a larger -Xmx)",
            "SESSIONLIMITS_CACHE_SESSIONS=\"5000000\" asks for about 1668 MB of heap (5000000"
                + " sessions), more than half of this JVM's 2048 MB; valid: at most 1024 MB"
                + " (or give the JVM a larger -Xmx)");
  }

  @Test
  void bothVariablesAtOnceAreRefused() {
    sized(Map.of("SESSIONLIMITS_CACHE_SESSIONS", "1000", "SESSIONLIMITS_CACHE_MEMORY", "64m"));

    assertThat(problems)
        .containsExactly(
            "SESSIONLIMITS_CACHE_SESSIONS=\"1000\" and SESSIONLIMITS_CACHE_MEMORY=\"64m\" are both"
                + " set; set one (or neither, for a fifth of the heap)");
  }

  @Test
  void theServerRefusesToStartOnABadSizeAmongItsOtherProblems() {
    assertThatThrownBy(
            () -> ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_CACHE_SESSIONS", "many")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("SESSIONLIMITS_CACHE_SESSIONS must be a whole number")
        .hasMessageContaining("got \"many\"");
    assertThat(
            ServerConfig.fromEnvironment(Map.of("SESSIONLIMITS_CACHE_SESSIONS", "1234"))
                .cacheSize())
        .isEqualTo(new SessionCacheSize(1234));
  }

  @Test
  void theStartLogSaysHowManySessionsAndWhatPartOfTheHeap() {
    assertThat(CacheSizing.describe(new SessionCacheSize(1_000_000), HEAP))
        .isEqualTo("Node cache: 1,000,000 sessions (~333 MB of a 2,048 MB heap)");
  }
}
