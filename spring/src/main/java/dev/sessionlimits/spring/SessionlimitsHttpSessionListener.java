package dev.sessionlimits.spring;

import static dev.sessionlimits.spring.SessionlimitsAuthenticationStrategy.SESSION_ID;
import static dev.sessionlimits.spring.SessionlimitsAuthenticationStrategy.attribute;

import dev.sessionlimits.core.EndReason;
import dev.sessionlimits.core.SessionManager;
import dev.sessionlimits.core.StoreUnavailableException;
import jakarta.servlet.http.HttpSession;
import jakarta.servlet.http.HttpSessionEvent;
import jakarta.servlet.http.HttpSessionListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Ends the store session of an HttpSession the container destroys: {@code idle_timeout} when it
 * timed out, {@code logged_out} when the application invalidated it. A session ended already (by
 * logout, or found ended by the filter) is left as it is. Container sessions expired when the
 * application stops end their store sessions too, freeing their places at once.
 */
public final class SessionlimitsHttpSessionListener implements HttpSessionListener {

  private static final Log LOG = LogFactory.getLog(SessionlimitsHttpSessionListener.class);

  private final SessionManager manager;

  public SessionlimitsHttpSessionListener(SessionManager manager) {
    this.manager = manager;
  }

  @Override
  public void sessionDestroyed(HttpSessionEvent event) {
    HttpSession session = event.getSession();
    String id = attribute(session, SESSION_ID);
    if (id == null) {
      return;
    }
    long idleMillis = manager.now().toEpochMilli() - session.getLastAccessedTime();
    int maxInactive = session.getMaxInactiveInterval();
    boolean timedOut = maxInactive > 0 && idleMillis >= maxInactive * 1000L;
    try {
      manager.end(id, timedOut ? EndReason.IDLE_TIMEOUT : EndReason.LOGGED_OUT, null);
    } catch (StoreUnavailableException e) {
      // the store's own timeout ends it; the container's session expiry must not fail for it
      LOG.warn("Could not end the Sessionlimits session of a destroyed HttpSession: " + e);
    }
  }
}
