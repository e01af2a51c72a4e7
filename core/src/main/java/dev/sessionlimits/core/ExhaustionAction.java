package dev.sessionlimits.core;

/**
 * What a login does when it would exceed a limit ({@code QUOTA_EXHAUSTION_ACTION}). The four
 * built-in actions are constants here; a custom action is a public class with a no-argument
 * constructor, listed in {@code META-INF/services/dev.sessionlimits.core.ExhaustionAction} and
 * chosen by its {@link #name()}.
 *
 * <p>An action only chooses: it returns an {@link ActionDecision} and never ends a session itself.
 * The quota decision checks the choice. An action that throws, names a session that is not in the
 * exhausted set, or ends too few to make room, refuses the login: a faulty plug-in can never let a
 * login past the limit.
 */
public interface ExhaustionAction {

  /** Refuse the login; nothing changes. */
  ExhaustionAction DENY_ACCESS = BuiltInAction.DENY_ACCESS;

  /** End the sessions that expire soonest, as many as needed (the default). */
  ExhaustionAction DESTROY_NEXT_EXPIRING = BuiltInAction.DESTROY_NEXT_EXPIRING;

  /** End the earliest-created sessions, as many as needed. */
  ExhaustionAction DESTROY_OLDEST_SESSION = BuiltInAction.DESTROY_OLDEST_SESSION;

  /** End every session in the exhausted set. */
  ExhaustionAction DESTROY_OLD_SESSIONS = BuiltInAction.DESTROY_OLD_SESSIONS;

  /**
   * The name under which administrators choose this action, e.g. {@code DESTROY_OLDEST_SESSION}.
   */
  String name();

  /** Decides what to do about one exhausted limit. */
  ActionDecision onExhausted(Exhaustion exhaustion);
}
