package dev.sessionlimits.server.push;

import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.SessionListener;
import dev.sessionlimits.core.SessionStore;
import dev.sessionlimits.server.http.Json;
import dev.sessionlimits.server.http.Messages;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the browsers holding a session, at once, that it ended and why: one hub per server,
 * subscribed once to {@link SessionStore#subscribe}, keeping the open event streams of each
 * session. In cluster mode the store's listeners also hear of endings on other nodes, so nothing
 * here knows about nodes.
 *
 * <p>Design note. A stream's life is a {@link Slot}: {@link #open} reserves it (in the map, under
 * the per-session bound) before the HTTP response starts, so a refusal can still be a 429; the
 * response's writer is {@linkplain Slot#attach attached} a moment later, on another thread. A slot
 * is done exactly once ({@code done}, under the slot's monitor), by whichever comes first: the
 * session's ending (told by the listener, or found by the check in {@link #open}), the client going
 * away (a failed write: heartbeats find those), or the hub closing. Whoever ends it takes it out of
 * the map, so the map holds only slots that are still waiting. The race between a session ending
 * and its stream registering is closed by order: a slot is put in the map first and the store is
 * asked about the session second, so an ending is seen by the listener (slot already in the map) or
 * by that check (ending already stored), or by both, and the once-only end makes "both" harmless. A
 * slot whose writer is never attached (the response failed before the stream began) leaves the map
 * when its session ends, at the latest at expiry.
 *
 * <p>Writes never happen on the thread that ended the session (often a login request): the server
 * tells the hub of ends through {@link EndAnnouncer}, off that thread, and the listener only hands
 * the slots to this hub's two threads, which also send the heartbeats. An end's event is built once
 * per language, whatever the number of the session's streams.
 */
public final class PushHub implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PushHub.class);

  /**
   * More streams than this for one session are refused; a browser shares one session across tabs.
   */
  public static final int MAX_STREAMS_PER_SESSION = 16;

  static final String EVENT = "session_ended";

  /** Where events are written: one open server-sent-events response. */
  interface Stream {
    /** Sends one event; false when the client is gone. */
    boolean send(String event, String data);

    /** Sends a comment line (a heartbeat); false when the client is gone. */
    boolean comment(String text);

    /** Ends the response; idempotent. */
    void close();

    /** The language of the person reading: the one the stream's request asked for. */
    default Locale locale() {
      return Messages.DEFAULT;
    }
  }

  private final SessionStore store;
  private final BiFunction<Session, Locale, Map<String, Object>> endedBody;
  private final ConcurrentHashMap<String, Set<Slot>> waiting = new ConcurrentHashMap<>();
  private final ScheduledExecutorService executor;
  private final SessionStore.Subscription subscription;

  /**
   * @param endedBody the body of the 401 {@code session_ended} answer for an ended session in a
   *     language (that of the stream's request), which is also the event's data
   * @param heartbeat how often every open stream gets a comment, so proxies keep it open and
   *     departed clients are noticed
   */
  public PushHub(
      SessionStore store,
      BiFunction<Session, Locale, Map<String, Object>> endedBody,
      Duration heartbeat) {
    this(store, store::subscribe, endedBody, heartbeat);
  }

  /**
   * A hub told of ends through {@code ends} (such as {@link EndAnnouncer#subscribe}, off the ending
   * request's thread) rather than by the store directly; {@code store} still answers whether a
   * session ended before its stream registered.
   */
  public PushHub(
      SessionStore store,
      Function<SessionListener, SessionStore.Subscription> ends,
      BiFunction<Session, Locale, Map<String, Object>> endedBody,
      Duration heartbeat) {
    if (heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("heartbeat must be positive, got " + heartbeat);
    }
    this.store = store;
    this.endedBody = endedBody;
    AtomicInteger threads = new AtomicInteger();
    this.executor =
        Executors.newScheduledThreadPool(
            2,
            r -> {
              Thread t = new Thread(r, "sessionlimits-push-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    long every = heartbeat.toMillis();
    executor.scheduleWithFixedDelay(this::heartbeat, every, every, TimeUnit.MILLISECONDS);
    this.subscription = ends.apply(this::sessionEnded);
  }

  /**
   * A slot for a stream of {@code session} (as the request's token found it, live or ended), or
   * empty when that session already has {@link #MAX_STREAMS_PER_SESSION} streams. A slot of an
   * ended session sends its event as soon as its stream is attached.
   */
  Optional<Slot> open(Session session) {
    Slot slot = new Slot(session.id());
    if (session.end() != null) {
      slot.end(new Ended(session));
      return Optional.of(slot);
    }
    boolean[] admitted = {false};
    waiting.compute(
        session.id(),
        (id, slots) -> {
          Set<Slot> set = (slots == null) ? ConcurrentHashMap.newKeySet() : slots;
          if (set.size() < MAX_STREAMS_PER_SESSION) {
            set.add(slot);
            admitted[0] = true;
          }
          return set;
        });
    if (!admitted[0]) {
      return Optional.empty();
    }
    Optional<Session> now;
    try {
      now = store.get(session.id());
    } catch (RuntimeException e) {
      slot.drop();
      throw e;
    }
    if (now.isEmpty()) {
      slot.drop();
    } else if (now.get().end() != null) {
      slot.end(new Ended(now.get()));
    }
    return Optional.of(slot);
  }

  private void sessionEnded(Session session) {
    Set<Slot> slots = waiting.remove(session.id());
    if (slots != null) {
      Ended ended = new Ended(session);
      for (Slot slot : slots) {
        slot.end(ended);
      }
    }
  }

  /**
   * One end as its streams send it: the event's data is built once per language however many
   * streams (tabs) the session has.
   */
  private final class Ended {
    final Session session;
    private final Map<Locale, String> data = new ConcurrentHashMap<>(2);

    Ended(Session session) {
      this.session = session;
    }

    String data(Locale locale) {
      return data.computeIfAbsent(locale, l -> Json.write(endedBody.apply(session, l)));
    }
  }

  private void heartbeat() {
    for (Set<Slot> slots : waiting.values()) {
      for (Slot slot : slots) {
        try {
          slot.heartbeat();
        } catch (RuntimeException e) {
          LOG.debug("A heartbeat failed; dropping its stream", e);
          slot.drop();
        }
      }
    }
  }

  private void remove(Slot slot) {
    waiting.computeIfPresent(
        slot.sessionId,
        (id, slots) -> {
          slots.remove(slot);
          return slots.isEmpty() ? null : slots;
        });
  }

  private void run(Runnable task) {
    try {
      executor.execute(task);
    } catch (RejectedExecutionException e) {
      LOG.debug("Push hub closed; a stream was not written");
    }
  }

  /** The streams waiting for their session to end. */
  public int streams() {
    int n = 0;
    for (Set<Slot> slots : waiting.values()) {
      n += slots.size();
    }
    return n;
  }

  /** The streams of one session waiting for it to end. */
  public int streams(String sessionId) {
    Set<Slot> slots = waiting.get(sessionId);
    return (slots == null) ? 0 : slots.size();
  }

  /** The sessions that have streams waiting. */
  public int sessions() {
    return waiting.size();
  }

  /** Stops listening and heartbeats, and ends every open stream (so the server can stop). */
  @Override
  public void close() {
    subscription.close();
    executor.shutdownNow();
    List<Slot> all = new ArrayList<>();
    waiting.values().forEach(all::addAll);
    waiting.clear();
    all.forEach(Slot::drop);
  }

  /** One stream of one session, from reservation to its one end. */
  final class Slot {
    private final String sessionId;
    private Stream stream;
    private Ended ended;
    private boolean done;

    private Slot(String sessionId) {
      this.sessionId = sessionId;
    }

    /** The response is ready: send the event now if the session has already ended. */
    void attach(Stream stream) {
      boolean closed;
      boolean deliver;
      synchronized (this) {
        closed = done;
        if (!closed) {
          this.stream = stream;
        }
        deliver = !closed && ended != null;
      }
      if (closed) {
        stream.close();
      } else if (deliver) {
        run(this::deliver);
      }
    }

    /** The client went away, or the hub closes: forget the slot without an event. */
    void drop() {
      Stream toClose;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        toClose = stream;
      }
      remove(this);
      if (toClose != null) {
        toClose.close();
      }
    }

    private void end(Ended end) {
      boolean deliver;
      synchronized (this) {
        if (done || ended != null) {
          return;
        }
        ended = end;
        deliver = stream != null;
      }
      remove(this);
      if (deliver) {
        run(this::deliver);
      }
    }

    private void deliver() {
      Stream out;
      Ended end;
      synchronized (this) {
        if (done) {
          return;
        }
        done = true;
        out = stream;
        end = ended;
      }
      Session session = end.session;
      try {
        out.send(EVENT, end.data(out.locale()));
      } catch (RuntimeException e) {
        LOG.warn(
            "Could not push the end of session {} (token {}…)",
            session.id(),
            session.tokenHash().prefix(),
            e);
      } finally {
        out.close();
      }
    }

    private void heartbeat() {
      Stream out;
      synchronized (this) {
        if (done || stream == null) {
          return;
        }
        out = stream;
      }
      if (!out.comment("heartbeat")) {
        drop();
      }
    }
  }
}
