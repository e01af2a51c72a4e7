package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionTest {

  @Test
  void theVersionIsTheReleaseTheBuildMade() {
    assertThat(Version.CURRENT).matches("\\d+\\.\\d+\\.\\d+(-[A-Za-z0-9.]+)?");
  }
}
