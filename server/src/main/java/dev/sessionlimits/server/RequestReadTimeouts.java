package dev.sessionlimits.server;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.http.HttpParser;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.AbstractConnector;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes an HTTP/1 connection that takes longer than a bound to send a request's header, or then
 * its body: a client that trickles a byte every few seconds ("slowloris") would otherwise hold its
 * connection forever, since Jetty's idle timeout restarts at every byte and its minimum data rate
 * only applies while the application reads a body. Jetty has no bound on the time a whole header
 * takes, so this is hand-written, on Jetty's public connector API and the state of its HTTP/1
 * connection's parser ({@code org.eclipse.jetty.server.internal.HttpConnection}, an internal class:
 * {@code SlowClientTest} pins the behaviour across Jetty upgrades).
 *
 * <p>Design note. A sweep runs on the connector's scheduler every tenth of the bound (at least
 * every second) and looks at each connected end point's parser: a connection is "reading" while its
 * parser has begun a request and not yet reached its body (the header), or is in the body, and also
 * while a new connection has sent nothing at all. A mark (the request number, from {@link
 * HttpConnection#getMessagesIn()}, and the time the reading was first seen) is kept per reading
 * connection; the header and the body of one request each get the whole bound, as the request
 * number moves on when the header is complete. A connection reading for longer than the bound is
 * closed. Connections between requests (keep-alive) and those whose request is being answered, such
 * as an event stream, are left to the idle timeout. Only the sweep's thread touches the marks.
 */
final class RequestReadTimeouts extends AbstractLifeCycle {

  private static final Logger LOG = LoggerFactory.getLogger(RequestReadTimeouts.class);

  private final AbstractConnector connector;
  private final long boundNanos;
  private final long sweepNanos;
  private Map<EndPoint, Mark> marks = new HashMap<>();
  private volatile Scheduler.Task next;

  private record Mark(long request, long since) {}

  RequestReadTimeouts(AbstractConnector connector, Duration bound) {
    if (bound.isNegative() || bound.isZero()) {
      throw new IllegalArgumentException("the request read timeout must be positive, got " + bound);
    }
    this.connector = connector;
    this.boundNanos = bound.toNanos();
    this.sweepNanos =
        Math.max(
            TimeUnit.MILLISECONDS.toNanos(10),
            Math.min(TimeUnit.SECONDS.toNanos(1), boundNanos / 10));
  }

  @Override
  protected void doStart() {
    schedule();
  }

  @Override
  protected void doStop() {
    Scheduler.Task task = next;
    if (task != null) {
      task.cancel();
    }
  }

  private void schedule() {
    if (isRunning() || isStarting()) {
      next =
          connector
              .getScheduler()
              .schedule(this::sweepAndReschedule, sweepNanos, TimeUnit.NANOSECONDS);
    }
  }

  private void sweepAndReschedule() {
    try {
      sweep(System.nanoTime());
    } catch (RuntimeException e) {
      LOG.warn("The sweep for slow requests failed; it runs again", e);
    } finally {
      schedule();
    }
  }

  /** Closes the connections reading one request for longer than the bound; returns how many. */
  int sweep(long now) {
    Map<EndPoint, Mark> seen = new HashMap<>();
    int closed = 0;
    for (EndPoint endPoint : connector.getConnectedEndPoints()) {
      Connection connection = endPoint.getConnection();
      if (!(connection instanceof HttpConnection http)) {
        continue;
      }
      HttpParser parser = http.getParser();
      long request = http.getMessagesIn();
      boolean started = !parser.isStart() && (parser.inHeaderState() || parser.inContentState());
      boolean silentNew = parser.isStart() && request == 0 && http.getBytesIn() == 0;
      if (!started && !silentNew) {
        continue;
      }
      Mark mark = marks.get(endPoint);
      if (mark == null || mark.request() != request) {
        long age =
            silentNew
                ? TimeUnit.MILLISECONDS.toNanos(
                    Math.max(0, System.currentTimeMillis() - endPoint.getCreatedTimeStamp()))
                : 0;
        mark = new Mark(request, now - age);
      }
      if (now - mark.since() > boundNanos) {
        LOG.debug(
            "Closing {}: it took longer than {} ms to send a request",
            endPoint,
            TimeUnit.NANOSECONDS.toMillis(boundNanos));
        endPoint.close();
        closed++;
      } else {
        seen.put(endPoint, mark);
      }
    }
    marks = seen;
    if (closed > 0) {
      LOG.info(
          "Closed {} connection(s) that took longer than {} ms to send a request",
          closed,
          TimeUnit.NANOSECONDS.toMillis(boundNanos));
    }
    return closed;
  }
}
