package dev.sessionlimits.server.service;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sessionlimits.core.MutableClock;
import dev.sessionlimits.core.SecondFactors;
import dev.sessionlimits.core.User;
import dev.sessionlimits.server.service.SecondFactorService.Check;
import dev.sessionlimits.server.service.SecondFactorService.Confirmed;
import dev.sessionlimits.server.service.SecondFactorService.Enrolment;
import dev.sessionlimits.server.service.SecondFactorService.NotEnrolling;
import dev.sessionlimits.server.service.SecondFactorService.WrongCode;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SecondFactorServiceTest {

  private final MutableClock clock = MutableClock.startingAt("2026-03-02T08:00:05Z");
  private final SecondFactors store = SecondFactors.inMemory();
  private final SecondFactorService service =
      new SecondFactorService(store, clock, new SecureRandom());
  private final User alice =
      new User("alice", "$argon2id$hash", false, false, null, clock.instant(), clock.instant());

  @Test
  void anEnrolmentShowsTheSecretAsAnOtpauthUriAndAQrCodeAndIsOnAfterTheFirstCode() {
    Enrolment enrolment = service.begin(alice).orElseThrow();

    assertThat(enrolment.uri().toString())
        .startsWith("otpauth://totp/Sessionlimits:alice?secret=" + enrolment.secret())
        .contains("&issuer=Sessionlimits", "&digits=6", "&period=30");
    assertThat(enrolment.qrSvg()).startsWith("<svg").contains("<path d=\"M");
    assertThat(enrolment.toString()).doesNotContain(enrolment.secret());
    assertThat(service.enabled("alice")).isFalse();

    SecondFactorService.Confirmation done = service.confirm("alice", codeNow(enrolment));

    assertThat(done).isInstanceOf(Confirmed.class);
    List<String> codes = ((Confirmed) done).recoveryCodes();
    assertThat(codes)
        .hasSize(SecondFactorService.RECOVERY_CODES)
        .doesNotHaveDuplicates()
        .allMatch(c -> c.matches("([A-Z2-7]{5}-){4}[A-Z2-7]{5}"));
    assertThat(service.enabled("alice")).isTrue();
    assertThat(service.unusedRecoveryCodes("alice")).isEqualTo(10);
  }

  @Test
  void aWrongFirstCodeLeavesTheEnrolmentWaitingAndAConfirmedFactorIsNotReplaced() {
    Enrolment enrolment = service.begin(alice).orElseThrow();

    assertThat(service.confirm("alice", "000000")).isInstanceOf(WrongCode.class);
    assertThat(service.enabled("alice")).isFalse();
    assertThat(service.confirm("alice", codeNow(enrolment))).isInstanceOf(Confirmed.class);

    assertThat(service.begin(alice)).isEmpty();
    assertThat(service.confirm("alice", codeNow(enrolment))).isInstanceOf(NotEnrolling.class);
    service.disable("alice");
    assertThat(service.enabled("alice")).isFalse();
    assertThat(service.begin(alice)).isPresent();
  }

  @Test
  void aCodeIsAcceptedOnceAndTheNextStepsCodeAfterIt() {
    Enrolment enrolment = enrolled();
    clock.advance(Duration.ofSeconds(30));
    String code = codeNow(enrolment);

    assertThat(service.check("alice", code)).isEqualTo(Check.TOTP);
    assertThat(service.check("alice", code)).isEqualTo(Check.REJECTED);
    assertThat(service.check("alice", "123")).isEqualTo(Check.REJECTED);

    clock.advance(Duration.ofSeconds(30));
    assertThat(service.check("alice", codeNow(enrolment))).isEqualTo(Check.TOTP);
    assertThat(service.check("bob", codeNow(enrolment))).isEqualTo(Check.REJECTED);
  }

  @Test
  void aRecoveryCodeWorksOnceWhicheverWayItIsTyped() {
    enrolled();
    List<String> codes = service.newRecoveryCodes("alice");
    String typed = " " + codes.get(3).replace("-", " ").toLowerCase(Locale.ROOT) + " ";

    assertThat(service.check("alice", typed)).isEqualTo(Check.RECOVERY_CODE);
    assertThat(service.check("alice", codes.get(3))).isEqualTo(Check.REJECTED);
    assertThat(service.check("alice", codes.get(4))).isEqualTo(Check.RECOVERY_CODE);
    assertThat(service.unusedRecoveryCodes("alice")).isEqualTo(8);
  }

  @Test
  void ofTwentySimultaneousSignInsWithOneCodeExactlyOnePasses() throws Exception {
    Enrolment enrolment = enrolled();
    clock.advance(Duration.ofSeconds(30));
    String code = codeNow(enrolment);
    List<Callable<Check>> tries = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      tries.add(() -> service.check("alice", code));
    }
    ExecutorService pool = Executors.newFixedThreadPool(8);
    int passed = 0;
    try {
      for (Future<Check> result : pool.invokeAll(tries)) {
        if (result.get() == Check.TOTP) {
          passed++;
        }
      }
    } finally {
      pool.shutdownNow();
    }

    assertThat(passed).isEqualTo(1);
  }

  private Enrolment enrolled() {
    Enrolment enrolment = service.begin(alice).orElseThrow();
    assertThat(service.confirm("alice", codeNow(enrolment))).isInstanceOf(Confirmed.class);
    return enrolment;
  }

  private String codeNow(Enrolment enrolment) {
    Instant now = clock.instant();
    return Totp.code(enrolment.secret(), Totp.stepOf(now));
  }
}
