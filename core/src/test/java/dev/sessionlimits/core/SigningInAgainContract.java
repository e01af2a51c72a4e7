package dev.sessionlimits.core;

import static dev.sessionlimits.core.Fixtures.candidate;
import static dev.sessionlimits.core.Fixtures.policy;
import static dev.sessionlimits.core.Fixtures.userLimit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Signing in again with the session one holds (ASVS 7.2.4). Part of the {@link
 * SessionStoreContract}.
 */
public interface SigningInAgainContract extends StoreUnderContract {

  @Test
  default void aLoginThatPresentsItsSessionEndsItAsSupersededAndIsNotCountedAgainstIt() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session old = opened(candidate("alice", IP_A, T0, policy), policy);

    OpenResult result =
        store().open(candidate("alice", IP_A, T0.plusSeconds(5), policy), policy, old.tokenHash());

    assertThat(result).isInstanceOf(OpenResult.Opened.class);
    OpenResult.Opened opened = (OpenResult.Opened) result;
    assertThat(opened.ended()).isEmpty();
    assertThat(opened.superseded().id()).isEqualTo(old.id());
    assertThat(opened.superseded().end().reason()).isEqualTo(EndReason.SUPERSEDED);
    assertThat(opened.superseded().end().cause().loginSessionId()).isEqualTo(opened.session().id());
    Lookup lookup = store().find(old.tokenHash(), T0.plusSeconds(6));
    assertThat(lookup).isInstanceOf(Lookup.Ended.class);
    assertThat(((Lookup.Ended) lookup).session().end().reason()).isEqualTo(EndReason.SUPERSEDED);
    assertThat(announced()).extracting(Session::id).containsExactly(old.id());
    assertThat(store().liveSessionsOfUser("alice", T0.plusSeconds(6)))
        .extracting(Session::id)
        .containsExactly(opened.session().id());
  }

  @Test
  default void signingInAgainAtTheLimitEvictsNoOtherDevice() {
    QuotaPolicy policy = policy(2, 2, ExhaustionAction.DESTROY_OLDEST_SESSION);
    Session phone = opened(candidate("alice", IP_A, T0, policy), policy);
    Session laptop = opened(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy);

    OpenResult.Opened again =
        (OpenResult.Opened)
            store()
                .open(
                    candidate("alice", IP_A, T0.plusSeconds(2), policy),
                    policy,
                    laptop.tokenHash());

    assertThat(again.ended()).isEmpty();
    assertThat(again.superseded().id()).isEqualTo(laptop.id());
    assertThat(store().liveSessionsOfUser("alice", T0.plusSeconds(3)))
        .extracting(Session::id)
        .containsExactly(phone.id(), again.session().id());
  }

  @Test
  default void aPresentedSessionOfAnotherUserEndsTooAndFreesItsPlaceAtTheAddress() {
    QuotaPolicy policy = policy(-1, 1, ExhaustionAction.DENY_ACCESS);
    Session bobs = opened(candidate("bob", IP_A, T0, policy), policy);

    OpenResult result =
        store().open(candidate("alice", IP_A, T0.plusSeconds(1), policy), policy, bobs.tokenHash());

    assertThat(((OpenResult.Opened) result).superseded().id()).isEqualTo(bobs.id());
    assertThat(store().find(bobs.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Ended.class);
    assertThat(store().liveSessionsFrom(IP_A, T0.plusSeconds(2)))
        .extracting(Session::user)
        .containsExactly("alice");
  }

  @Test
  default void aRefusedLoginLeavesThePresentedSessionLive() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    opened(candidate("alice", IP_A, T0, policy), policy);
    Session bobs = opened(candidate("bob", IP_B, T0, policy), policy);

    OpenResult result =
        store().open(candidate("alice", IP_B, T0.plusSeconds(1), policy), policy, bobs.tokenHash());

    assertThat(result).isInstanceOf(OpenResult.Refused.class);
    assertThat(store().find(bobs.tokenHash(), T0.plusSeconds(2))).isInstanceOf(Lookup.Live.class);
    assertThat(announced()).isEmpty();
  }

  @Test
  default void anEndedOrUnknownPresentedTokenChangesNothingElse() {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DENY_ACCESS);
    Session old = opened(candidate("alice", IP_A, T0, policy), policy);
    store().end(old.id(), SessionEnd.of(EndReason.LOGGED_OUT, T0.plusSeconds(1)));

    OpenResult.Opened afterLogout =
        (OpenResult.Opened)
            store()
                .open(candidate("alice", IP_A, T0.plusSeconds(2), policy), policy, old.tokenHash());
    OpenResult unknown =
        store()
            .open(
                candidate("alice", IP_A, T0.plusSeconds(3), policy),
                policy,
                TokenHash.of("never-issued"));

    assertThat(afterLogout.superseded()).isNull();
    assertThat(
            ((Lookup.Ended) store().find(old.tokenHash(), T0.plusSeconds(4)))
                .session()
                .end()
                .reason())
        .isEqualTo(EndReason.LOGGED_OUT);
    assertThat(unknown).isInstanceOf(OpenResult.Refused.class);
  }

  @Test
  default void aBurstOfLoginsPresentingTheSameSessionsAdmitsOneLoginPerPresentedSession()
      throws Exception {
    int limit = 3;
    QuotaPolicy policy = userLimit(limit, ExhaustionAction.DENY_ACCESS);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "again" + round;
      List<Session> held = new ArrayList<>();
      for (int i = 0; i < limit; i++) {
        held.add(opened(candidate(user, "10.0.2." + i, T0, policy), policy));
      }

      List<OpenResult> results =
          Burst.run(
              threads,
              i ->
                  store()
                      .open(
                          candidate(user, "10.0.3." + i, T0.plusSeconds(1), policy),
                          policy,
                          held.get(i % limit).tokenHash()));

      List<OpenResult.Opened> admitted =
          results.stream()
              .filter(r -> r instanceof OpenResult.Opened)
              .map(r -> (OpenResult.Opened) r)
              .toList();
      assertThat(admitted).as("round %d", round).hasSize(limit);
      assertThat(admitted)
          .extracting(o -> o.superseded().id())
          .containsExactlyInAnyOrderElementsOf(held.stream().map(Session::id).toList());
      assertThat(store().liveSessionsOfUser(user, T0.plusSeconds(2)))
          .extracting(Session::id)
          .containsExactlyInAnyOrderElementsOf(
              admitted.stream().map(o -> o.session().id()).toList());
    }
  }

  @Test
  default void aBurstOfLoginsPresentingOneSessionUnderAnEvictingActionLeavesExactlyTheLimit()
      throws Exception {
    QuotaPolicy policy = userLimit(1, ExhaustionAction.DESTROY_NEXT_EXPIRING);
    int threads = burstThreads();
    for (int round = 0; round < burstRounds(); round++) {
      String user = "again-evicting" + round;
      Session held = opened(candidate(user, "10.0.4.1", T0, policy), policy);

      List<OpenResult> results =
          Burst.run(
              threads,
              i ->
                  store()
                      .open(
                          candidate(user, "10.0.5." + i, T0.plusSeconds(1), policy),
                          policy,
                          held.tokenHash()));

      List<OpenResult.Opened> opened = results.stream().map(r -> (OpenResult.Opened) r).toList();
      assertThat(opened).filteredOn(o -> o.superseded() != null).as("round %d", round).hasSize(1);
      assertThat(opened.stream().mapToInt(o -> o.ended().size()).sum()).isEqualTo(threads - 1);
      assertThat(store().liveSessionsOfUser(user, T0.plusSeconds(2))).hasSize(1);
    }
  }
}
