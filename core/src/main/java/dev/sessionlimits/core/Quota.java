package dev.sessionlimits.core;

import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The quota decision of SPEC section 3, the one place where it is made. It is a pure function: the
 * same inputs give the same decision, and it changes nothing. Stores call it while they hold the
 * user's and the address's locks, and then carry it out.
 */
public final class Quota {

  private static final System.Logger LOG = System.getLogger(Quota.class.getName());

  private Quota() {}

  /**
   * Decides a login.
   *
   * @param attempt the login
   * @param userSessions the user's sessions (ended and expired ones are ignored)
   * @param ipSessions the sessions from the login's address, whoever owns them (likewise)
   * @param policy the limits and the exhaustion action
   * @param now the time of the login
   */
  public static QuotaDecision decide(
      LoginAttempt attempt,
      Collection<Session> userSessions,
      Collection<Session> ipSessions,
      QuotaPolicy policy,
      Instant now) {
    Map<String, QuotaDecision.Eviction> evictions = new LinkedHashMap<>();
    for (Scope scope : Scope.values()) {
      int limit = policy.limit(scope);
      if (limit == QuotaPolicy.UNLIMITED) {
        continue;
      }
      List<Session> live = live(scope == Scope.USER ? userSessions : ipSessions, now);
      if (live.size() < limit) {
        continue;
      }
      Exhaustion exhaustion = new Exhaustion(scope, limit, live, attempt, now);
      QuotaDecision verdict = consult(policy.action(), exhaustion);
      if (verdict instanceof QuotaDecision.Deny) {
        return verdict;
      }
      for (QuotaDecision.Eviction eviction : ((QuotaDecision.Admit) verdict).evictions()) {
        evictions.putIfAbsent(eviction.session().id(), eviction);
      }
    }
    return new QuotaDecision.Admit(new ArrayList<>(evictions.values()));
  }

  /**
   * Applies limits to sessions that already exist, as {@code POST /api/v1/sessions/enforce} does
   * after a limit was lowered: for every user over its limit, and then every address over the
   * address limit, the sessions to end so that the rest fit exactly (no room is made for a new
   * login).
   *
   * <p>Which ones end follows the action: {@code DESTROY_NEXT_EXPIRING} the soonest to expire,
   * {@code DESTROY_OLDEST_SESSION} and {@code DESTROY_OLD_SESSIONS} the oldest (the newest {@code
   * limit} stay), {@code DENY_ACCESS} the newest (the ones it would have refused). A custom action
   * is asked as if the limit were one higher, which asks it for exactly the excess; if it fails or
   * refuses, the oldest go.
   *
   * <p>The address limit is global: it and its action come from {@code addressPolicy} ({@link
   * QuotaPolicy#ipLimit()} and {@link QuotaPolicy#action()}), never from one user's policy. A
   * session counts towards its address only if its own user's policy limits addresses: an exempt
   * administrator's sessions (policy without limits) are neither counted nor ended.
   *
   * @param sessions the sessions to consider (ended and expired ones are ignored)
   * @param policyOf the policy of each user, by user name
   * @param addressPolicy the policy that carries the address limit and its action
   * @param now the time of enforcement
   */
  public static List<QuotaDecision.Eviction> enforce(
      Collection<Session> sessions,
      Function<String, QuotaPolicy> policyOf,
      QuotaPolicy addressPolicy,
      Instant now) {
    List<Session> live = live(sessions, now);
    Map<String, List<Session>> byUser = new LinkedHashMap<>();
    for (Session session : live) {
      byUser.computeIfAbsent(session.user(), k -> new ArrayList<>()).add(session);
    }
    Map<String, QuotaDecision.Eviction> evictions = new LinkedHashMap<>();
    Map<String, QuotaPolicy> policies = new HashMap<>();
    byUser.forEach(
        (user, own) -> {
          QuotaPolicy policy = policies.computeIfAbsent(user, policyOf);
          for (Session s : excess(Scope.USER, policy.userLimit(), own, policy.action(), now)) {
            evictions.putIfAbsent(
                s.id(), new QuotaDecision.Eviction(s, Scope.USER, policy.userLimit()));
          }
        });
    int addressLimit = addressPolicy.ipLimit();
    Map<String, List<Session>> byIp = new LinkedHashMap<>();
    for (Session session : live) {
      boolean counted = policies.get(session.user()).ipLimit() != QuotaPolicy.UNLIMITED;
      if (counted && !evictions.containsKey(session.id())) {
        byIp.computeIfAbsent(session.clientIp(), k -> new ArrayList<>()).add(session);
      }
    }
    byIp.forEach(
        (ip, fromIp) -> {
          for (Session s : excess(Scope.IP, addressLimit, fromIp, addressPolicy.action(), now)) {
            evictions.putIfAbsent(s.id(), new QuotaDecision.Eviction(s, Scope.IP, addressLimit));
          }
        });
    return new ArrayList<>(evictions.values());
  }

  /**
   * {@link #enforce(Collection, Function, QuotaPolicy, Instant)} with the address limit and action
   * of the strictest policy among the users whose sessions count towards an address.
   *
   * @deprecated the address limit is global: give it as its own policy
   */
  @Deprecated
  public static List<QuotaDecision.Eviction> enforce(
      Collection<Session> sessions, Function<String, QuotaPolicy> policyOf, Instant now) {
    Map<String, QuotaPolicy> policies = new HashMap<>();
    QuotaPolicy address = null;
    for (Session session : live(sessions, now)) {
      QuotaPolicy policy = policies.computeIfAbsent(session.user(), policyOf);
      // Any policy without an address limit will do while no counted user has one.
      if (address == null
          || (policy.ipLimit() != QuotaPolicy.UNLIMITED
              && (address.ipLimit() == QuotaPolicy.UNLIMITED
                  || policy.ipLimit() < address.ipLimit()))) {
        address = policy;
      }
    }
    return (address == null) ? List.of() : enforce(sessions, policies::get, address, now);
  }

  private static List<Session> excess(
      Scope scope, int limit, List<Session> live, ExhaustionAction action, Instant now) {
    if (limit == QuotaPolicy.UNLIMITED || live.size() <= limit) {
      return List.of();
    }
    int excess = live.size() - limit;
    List<Session> byCreation = new ArrayList<>(live);
    byCreation.sort(Session.BY_CREATION);
    if (action == ExhaustionAction.DENY_ACCESS) {
      return byCreation.subList(limit, byCreation.size());
    }
    if (action == ExhaustionAction.DESTROY_OLDEST_SESSION
        || action == ExhaustionAction.DESTROY_OLD_SESSIONS) {
      return byCreation.subList(0, excess);
    }
    Exhaustion asked =
        new Exhaustion(scope, limit + 1, byCreation, byCreation.get(0).attempt(), now);
    QuotaDecision verdict = consult(action, asked);
    if (verdict instanceof QuotaDecision.Admit admit) {
      return admit.evictions().stream().map(QuotaDecision.Eviction::session).toList();
    }
    return byCreation.subList(0, excess);
  }

  /** The sessions of {@code sessions} that are live at {@code now}, earliest-created first. */
  public static List<Session> live(Collection<Session> sessions, Instant now) {
    List<Session> live = new ArrayList<>(sessions.size());
    for (Session session : sessions) {
      if (session.isLive(now)) {
        live.add(session);
      }
    }
    live.sort(Session.BY_CREATION);
    return live;
  }

  private static QuotaDecision consult(ExhaustionAction action, Exhaustion exhaustion) {
    Scope scope = exhaustion.scope();
    int limit = exhaustion.limit();
    int active = exhaustion.live().size();
    ActionDecision decision;
    try {
      decision = action.onExhausted(exhaustion);
    } catch (RuntimeException | LinkageError e) {
      LOG.log(
          Level.ERROR,
          "Exhaustion action "
              + describe(action)
              + " threw for "
              + scope.code()
              + " limit "
              + limit
              + " with "
              + active
              + " active; the login is refused",
          e);
      return failed(action, exhaustion, "threw " + e);
    }
    if (decision instanceof ActionDecision.End end) {
      String problem = checkEnd(end, exhaustion);
      if (problem == null) {
        Map<String, Session> byId = new LinkedHashMap<>();
        exhaustion.live().forEach(s -> byId.put(s.id(), s));
        List<QuotaDecision.Eviction> evictions = new ArrayList<>(end.sessionIds().size());
        for (String id : end.sessionIds()) {
          evictions.add(new QuotaDecision.Eviction(byId.get(id), scope, limit));
        }
        return new QuotaDecision.Admit(evictions);
      }
      LOG.log(
          Level.ERROR,
          "Exhaustion action {0} {1} for {2} limit {3} with {4} active; the login is refused",
          describe(action),
          problem,
          scope.code(),
          limit,
          active);
      return failed(action, exhaustion, problem);
    }
    if (decision instanceof ActionDecision.Deny) {
      return new QuotaDecision.Deny(
          scope,
          limit,
          active,
          describe(action) + " refused a login over the " + scope.code() + " limit of " + limit);
    }
    LOG.log(
        Level.ERROR,
        "Exhaustion action {0} returned no decision; the login is refused",
        describe(action));
    return failed(action, exhaustion, "returned no decision");
  }

  private static String checkEnd(ActionDecision.End end, Exhaustion exhaustion) {
    Set<String> live = new HashSet<>();
    exhaustion.live().forEach(s -> live.add(s.id()));
    Set<String> seen = new HashSet<>();
    for (String id : end.sessionIds()) {
      if (!live.contains(id)) {
        return "named session " + id + ", which is not among the " + live.size() + " live sessions";
      }
      if (!seen.add(id)) {
        return "named session " + id + " twice";
      }
    }
    if (seen.size() < exhaustion.toEnd()) {
      return "ended " + seen.size() + " sessions where " + exhaustion.toEnd() + " must end";
    }
    return null;
  }

  private static QuotaDecision.Deny failed(
      ExhaustionAction action, Exhaustion exhaustion, String problem) {
    return new QuotaDecision.Deny(
        exhaustion.scope(),
        exhaustion.limit(),
        exhaustion.live().size(),
        "exhaustion action "
            + describe(action)
            + " failed ("
            + problem
            + "), so the login was refused");
  }

  private static String describe(ExhaustionAction action) {
    try {
      return action.name();
    } catch (RuntimeException e) {
      return action.getClass().getName();
    }
  }
}
