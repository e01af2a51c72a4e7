package dev.sessionlimits.core;

/**
 * {@link SessionStore#open} was given a candidate whose id or token hash some stored session (live
 * or a tombstone) has already: nothing was opened or ended. A caller that derives a session's id
 * from a single-use credential learns from it that the credential was used.
 */
public final class DuplicateSessionException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  /** The candidate {@code sessionId} (or its token, {@code tokenHash}) exists already. */
  public DuplicateSessionException(String sessionId, TokenHash tokenHash) {
    super("a session with id " + sessionId + " or token " + tokenHash + " exists already");
  }
}
