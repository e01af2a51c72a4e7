package dev.sessionlimits.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UserAgentsTest {

  @ParameterizedTest(name = "{1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 | Firefox on Linux",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0.0.0 Safari/537.36 | Chrome on Windows",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0.0.0 Safari/537.36 Edg/126.0.2592.87 | Edge on Windows",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko)"
            + " Version/17.5 Safari/605.1.15 | Safari on macOS",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
            + " Gecko) Version/17.5 Mobile/15E148 Safari/604.1 | Safari on iPhone",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like"
            + " Gecko) CriOS/126.0.6478.54 Mobile/15E148 Safari/604.1 | Chrome on iPhone",
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0.6478.71 Mobile Safari/537.36 | Chrome on Android",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " SamsungBrowser/25.0 Chrome/121.0.0.0 Mobile Safari/537.36 | Samsung Internet on"
            + " Android",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0.0.0 Safari/537.36 OPR/111.0.0.0 | Opera on Windows",
        "Mozilla/5.0 (X11; CrOS x86_64 14541.0.0) AppleWebKit/537.36 (KHTML, like Gecko)"
            + " Chrome/126.0.0.0 Safari/537.36 | Chrome on ChromeOS",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:127.0) Gecko/20100101 Firefox/127.0 |"
            + " Firefox on macOS",
        "curl/8.5.0 | curl",
        "python-requests/2.32.3 | a Python script",
        "Java-http-client/17.0.15 | a Java program",
        "Go-http-client/1.1 | a Go program",
        "Mozilla/5.0 (X11; Linux x86_64) | a browser on Linux",
        "SomethingElse/1.0 | an unknown browser",
        "'' | an unknown browser",
      })
  void describesUserAgentsInWordsAPersonRecognizes(String userAgent, String expected) {
    assertThat(UserAgents.describe(userAgent)).isEqualTo(expected);
  }
}
