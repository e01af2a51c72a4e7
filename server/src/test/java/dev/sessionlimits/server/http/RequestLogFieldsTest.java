package dev.sessionlimits.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.SessionToken;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;

/** The request's path as its log lines carry it. */
class RequestLogFieldsTest {

  @Test
  void aSessionTokenInThePathIsNeverLoggedButIdsAndOtherSegmentsAre() {
    String token = SessionToken.generate(new SecureRandom()).secret();

    assertThat(RequestLogFields.loggable("/api/v1/service/sessions/" + token))
        .isEqualTo("/api/v1/service/sessions/<token>");
    assertThat(RequestLogFields.loggable("/api/v1/service/sessions/RJ7Oymj-hAlQrYN5SFsGUw"))
        .isEqualTo("/api/v1/service/sessions/RJ7Oymj-hAlQrYN5SFsGUw");
    assertThat(RequestLogFields.loggable("/api/v1/users/alice")).isEqualTo("/api/v1/users/alice");
    assertThat(RequestLogFields.loggable("/x/" + token + "a")).isEqualTo("/x/" + token + "a");
  }
}
