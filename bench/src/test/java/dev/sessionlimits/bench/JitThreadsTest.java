package dev.sessionlimits.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class JitThreadsTest {

  private static final long SELF = ProcessHandle.current().pid();

  @Test
  void theJitsCpuGrowsWhileItCompilesNewHotCode() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
    double before = JitThreads.cpuMs(SELF);
    assertThat(before).isNotNaN().isGreaterThanOrEqualTo(0);

    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    double after = before;
    long sink = 0;
    for (int round = 0; after <= before && System.nanoTime() < deadline; round++) {
      sink += hot(round);
      after = JitThreads.cpuMs(SELF);
    }
    assertThat(after).isGreaterThan(before);
    assertThat(sink).isNotZero();
  }

  @Test
  void aProcessWithoutCompilerThreadsHasNoJitTime() throws Exception {
    assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "needs Linux's /proc");
    Process sleeper = new ProcessBuilder("sleep", "30").start();
    try {
      assertThat(JitThreads.cpuMs(sleeper.pid())).isNaN();
    } finally {
      sleeper.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void aProcessThatIsGoneHasNoJitTimeAndNothingToRenice() throws Exception {
    Process ended = new ProcessBuilder("true").start();
    ended.waitFor(10, TimeUnit.SECONDS);
    assertThat(JitThreads.cpuMs(ended.pid())).isNaN();
    assertThat(JitThreads.renice(ended.pid(), 0)).isNull();
  }

  /** Enough work for the JIT to compile this method: a loop of 10,000 over a changing value. */
  private static long hot(int round) {
    long x = round;
    for (int i = 0; i < 10_000; i++) {
      x = x * 6364136223846793005L + 1442695040888963407L;
      x ^= x >>> 29;
    }
    return x | 1;
  }
}
