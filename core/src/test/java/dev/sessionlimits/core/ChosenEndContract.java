package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Ending a chosen session of one's own at sign-in. Part of the {@link SessionStoreContract}. */
public interface ChosenEndContract extends StoreUnderContract {

  /** {@code candidate} with another id, the same token, user, address and time. */
  private static Session withId(Session candidate, String id) {
    return new Session(
        id,
        candidate.tokenHash(),
        candidate.user(),
        candidate.clientIp(),
        candidate.userAgent(),
        candidate.device(),
        candidate.authMethod(),
        candidate.createdAt(),
        candidate.lastSeenAt(),
        candidate.expiresAt(),
        candidate.absoluteExpiresAt(),
        null);
  }

  @Test
  default void
      aLoginThatEndsAChosenSessionOfItsUserIsAdmittedAtTheLimitAndEndsItForTheReasonGiven() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);

    OpenResult result =
        store()
            .open(
                candidate("alice", IP_B, T0.plusSeconds(5), policy),
                policy,
                null,
                new EndFirst(phone.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    OpenResult.Opened opened = (OpenResult.Opened) result;
    assertThat(opened.ended()).extracting(Session::id).containsExactly(phone.id());
    Session ended = opened.ended().get(0);
    assertThat(ended.end().reason()).isEqualTo(EndReason.SIGNED_OUT_AT_SIGN_IN);
    assertThat(ended.end().cause().loginSessionId()).isEqualTo(opened.session().id());
    assertThat(ended.end().cause().loginIp()).isEqualTo(IP_B);
    assertThat(announced()).extracting(Session::id).containsExactly(phone.id());
    assertThat(store().liveSessionsOfUser("alice", T0.plusSeconds(6)))
        .extracting(Session::id)
        .containsExactly(opened.session().id());
  }

  @Test
  default void aChosenSessionOfAnotherUserIsNeitherEndedNorLeftOutOfTheCount() {
    QuotaPolicy policy = policy(-1, 1, ExhaustionAction.DENY_ACCESS);
    Session bobs = opened(candidate("bob", IP_A, T0, policy), policy);

    OpenResult result =
        store()
            .open(
                candidate("alice", IP_A, T0.plusSeconds(1), policy),
                policy,
                null,
                new EndFirst(bobs.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(store().find(bobs.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Live.class);
    assertThat(announced()).isEmpty();
  }

  @Test
  default void aRefusedLoginLeavesTheChosenSessionLive() {
    QuotaPolicy policy = policy(1, 1, ExhaustionAction.DENY_ACCESS);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);
    opened(candidate("bob", IP_B, T0, policy), policy);

    OpenResult result =
        store()
            .open(
                candidate("alice", IP_B, T0.plusSeconds(1), policy),
                policy,
                null,
                new EndFirst(phone.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(((OpenResult.Refused) result).deny().scope()).isEqualTo(Scope.IP);
    assertThat(store().find(phone.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Live.class);
    assertThat(announced()).isEmpty();
  }

  @Test
  default void anOpenOfAnIdThatIsStoredAlreadyThrowsDuplicateAndEndsNothing() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);
    Session first = candidate("alice", IP_B, T0.plusSeconds(1), policy);
    store().end(phone.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));
    Session laptop = opened(first, policy);
    store().end(laptop.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(2)));
    Session other = opened(candidate("alice", IP_A, T0.plusSeconds(3), policy), policy);
    announced().clear();

    Session again = withId(candidate("alice", IP_B, T0.plusSeconds(4), policy), first.id());

    assertThatThrownBy(
            () ->
                store()
                    .open(
                        again,
                        policy,
                        null,
                        new EndFirst(other.id(), EndReason.SIGNED_OUT_AT_SIGN_IN)))
        .isInstanceOf(DuplicateSessionException.class);
    assertThat(store().find(other.tokenHash(), T0.plusSeconds(5))).isInstanceOf(Lookup.Live.class);
    assertThat(announced()).isEmpty();
  }

  @Test
  default void aBurstOfOpensOfOneIdEndingOneSessionAdmitsExactlyOneAndEveryOtherIsADuplicate()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "resolve-one" + round;
      Session held = opened(candidate(user, "10.0.6.1", T0, policy), policy);
      String id = "resolved-" + round + "-" + SessionToken.newSessionId(new SecureRandom());

      List<Object> results =
          Burst.run(
              threads,
              i -> {
                try {
                  return store()
                      .open(
                          withId(candidate(user, "10.0.7." + i, T0.plusSeconds(1), policy), id),
                          policy,
                          null,
                          new EndFirst(held.id(), EndReason.SIGNED_OUT_AT_SIGN_IN));
                } catch (DuplicateSessionException e) {
                  return e;
                }
              });

      assertThat(results)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .as("round %d", round)
          .hasSize(1);
      assertThat(results)
          .filteredOn(r -> r instanceof DuplicateSessionException)
          .hasSize(threads - 1);
      assertThat(store().liveSessionsOfUser(user, T0.plusSeconds(2)))
          .extracting(Session::id)
          .containsExactly(id);
    }
  }

  @Test
  default void aBurstOfOpensEndingTheSameSessionNeverLeavesMoreThanTheLimitLive() throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "resolve-many" + round;
      Session held = opened(candidate(user, "10.0.8.1", T0, policy), policy);

      List<OpenResult> results =
          Burst.run(
              threads,
              i ->
                  store()
                      .open(
                          candidate(user, "10.0.9." + i, T0.plusSeconds(1), policy),
                          policy,
                          null,
                          new EndFirst(held.id(), EndReason.SIGNED_OUT_AT_SIGN_IN)));

      assertThat(results)
          .filteredOn(r -> r instanceof OpenResult.Opened)
          .as("round %d", round)
          .hasSize(1);
      assertThat(store().liveSessionsOfUser(user, T0.plusSeconds(2))).hasSize(1);
    }
  }
}
