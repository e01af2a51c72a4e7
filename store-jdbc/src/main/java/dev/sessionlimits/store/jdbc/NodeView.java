package dev.sessionlimits.store.jdbc;

import static java.util.Objects.requireNonNull;

import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionListener;
import dev.sessionlimits.core.SessionStore.Subscription;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * What this node holds of the sessions beside the database: the {@link SessionCache} and the {@link
 * TouchBatcher} (both absent on a store that reads and writes the database on every call), and the
 * listeners to tell of ends. Every part of the session store reads rows through {@link #overlay}
 * and reports every end it made or heard of to {@link #ended}, after the commit.
 */
final class NodeView {

  private static final System.Logger LOG = System.getLogger(NodeView.class.getName());

  private final SessionCache cache;
  private final TouchBatcher touches;
  private final List<SessionListener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param cache the cache of live sessions, or null for none; with one, touches are batched
   */
  NodeView(Database db, SessionCache cache) {
    this.cache = cache;
    this.touches = (cache == null) ? null : new TouchBatcher(db);
  }

  /** The cache, or null. */
  SessionCache cache() {
    return cache;
  }

  /** The touch queue, or null when touches are written at once. */
  TouchBatcher touches() {
    return touches;
  }

  /** {@code stored} as this node sees it: with its queued touch, if touches are batched. */
  Session overlay(Session stored) {
    return (touches == null) ? stored : touches.overlay(stored);
  }

  Subscription subscribe(SessionListener listener) {
    requireNonNull(listener, "listener");
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * After the commit of {@code ended} (or on hearing of it from another node): out of the cache and
   * the touch queue, then the listeners, each told even if another fails.
   */
  void ended(List<Session> ended) {
    if (cache != null) {
      for (Session session : ended) {
        cache.invalidate(session.tokenHash());
        touches.forget(session.id());
      }
    }
    for (Session session : ended) {
      for (SessionListener listener : listeners) {
        try {
          listener.sessionEnded(session);
        } catch (RuntimeException e) {
          LOG.log(
              Level.WARNING,
              "A session listener failed for session "
                  + session.id()
                  + " (token "
                  + session.tokenHash().prefix()
                  + "…); the others are still told",
              e);
        }
      }
    }
  }

  /** Writes the queued touches, stops telling listeners and empties the cache. */
  void close() {
    if (touches != null) {
      touches.close();
    }
    if (cache != null) {
      cache.close();
    }
    listeners.clear();
  }
}
