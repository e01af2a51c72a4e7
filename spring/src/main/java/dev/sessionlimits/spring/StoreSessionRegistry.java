package dev.sessionlimits.spring;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionManager;
import java.security.Principal;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.session.SessionInformation;
import org.springframework.security.core.session.SessionRegistry;
import org.springframework.security.core.userdetails.UserDetails;

/**
 * Spring Security's {@link SessionRegistry} as a view over the store: what it lists is what the
 * store holds (on a shared database, every instance's sessions). Session ids are the store's public
 * session ids, principals are user names; {@link SessionInformation#expireNow} ends the session in
 * the store ({@code revoked_by_admin}), so its browser is told on its next request. Registering and
 * removing are done by the store itself (opening, ending), so those calls change nothing.
 */
public final class StoreSessionRegistry implements SessionRegistry {

  private final SessionManager manager;

  public StoreSessionRegistry(SessionManager manager) {
    this.manager = manager;
  }

  /** The user names with a live session. */
  @Override
  public List<Object> getAllPrincipals() {
    Set<Object> users = new LinkedHashSet<>();
    for (Session session : manager.liveSessions()) {
      users.add(session.user());
    }
    return new ArrayList<>(users);
  }

  /**
   * The live sessions of {@code principal} (a user name, a {@link UserDetails}, an {@link
   * Authentication} or any {@link Principal}); ended ones are not listed, whatever {@code
   * includeExpiredSessions} says, as the store keeps them by token, not by user.
   */
  @Override
  public List<SessionInformation> getAllSessions(Object principal, boolean includeExpiredSessions) {
    List<SessionInformation> sessions = new ArrayList<>();
    for (Session session : manager.liveSessionsOfUser(nameOf(principal))) {
      sessions.add(new StoreSessionInformation(session, false));
    }
    return sessions;
  }

  /** The session with this store id, live or ended (expired), or null if the store has none. */
  @Override
  public SessionInformation getSessionInformation(String sessionId) {
    return manager
        .get(sessionId)
        .map(s -> new StoreSessionInformation(s, !s.isLive(manager.now())))
        .orElse(null);
  }

  @Override
  public void refreshLastRequest(String sessionId) {
    // each request touches its session in the store (SessionlimitsFilter)
  }

  @Override
  public void registerNewSession(String sessionId, Object principal) {
    // the store opened it (SessionlimitsAuthenticationStrategy)
  }

  @Override
  public void removeSessionInformation(String sessionId) {
    // the store ended it (logout, the container's timeout, an eviction)
  }

  static String nameOf(Object principal) {
    if (principal instanceof UserDetails details) {
      return details.getUsername();
    }
    if (principal instanceof Principal named) {
      return named.getName();
    }
    return String.valueOf(principal);
  }

  /** One store session; {@link #expireNow} ends it in the store. */
  private final class StoreSessionInformation extends SessionInformation {

    private static final long serialVersionUID = 1L;

    StoreSessionInformation(Session session, boolean expired) {
      super(session.user(), session.id(), Date.from(session.lastSeenAt()));
      if (expired) {
        super.expireNow();
      }
    }

    @Override
    public void expireNow() {
      super.expireNow();
      manager.end(getSessionId(), EndReason.REVOKED_BY_ADMIN, null);
    }
  }
}
