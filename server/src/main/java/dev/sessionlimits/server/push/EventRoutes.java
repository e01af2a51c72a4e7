package dev.sessionlimits.server.push;

import dev.sessionlimits.core.Lookup;
import dev.sessionlimits.core.Session;
import dev.sessionlimits.core.User;
import dev.sessionlimits.core.UserStore;
import dev.sessionlimits.server.auth.Authenticator;
import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.ApiException;
import dev.sessionlimits.server.http.Messages;
import dev.sessionlimits.server.http.MethodGuard;
import dev.sessionlimits.server.http.Requests;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.sse.SseClient;
import io.javalin.http.sse.SseHandler;
import java.util.Locale;
import java.util.Optional;

/**
 * {@code GET /api/v1/me/events}: a server-sent-events stream that carries one {@code session_ended}
 * event (the 401 body) when the caller's session ends, then closes. Opening it, and every automatic
 * reconnect of a browser's EventSource, looks the session up without extending it. A session that
 * had already ended gets its event at once. The event's sentence is in the language the stream's
 * request asked for ({@code Accept-Language}, which a browser's EventSource sends).
 */
public final class EventRoutes {

  /** The path of the event stream. */
  public static final String PATH = "/api/v1/me/events";

  private final Authenticator auth;
  private final UserStore users;
  private final Requests requests;
  private final PushHub hub;

  /** The event stream of the caller's session, fed by {@code hub}. */
  public EventRoutes(Authenticator auth, UserStore users, Requests requests, PushHub hub) {
    this.auth = auth;
    this.users = users;
    this.requests = requests;
    this.hub = hub;
  }

  /** Adds the event stream route to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.get(PATH, this::events);
  }

  private void events(Context ctx) throws Exception {
    Session session = session(ctx);
    String accept = ctx.header("Accept");
    if (accept == null || !accept.toLowerCase(Locale.ROOT).contains("text/event-stream")) {
      throw ApiError.NOT_ACCEPTABLE.exception();
    }
    PushHub.Slot slot =
        hub.open(session)
            .orElseThrow(
                () -> ApiError.TOO_MANY_STREAMS.exception(PushHub.MAX_STREAMS_PER_SESSION));
    ctx.res().setHeader("Cache-Control", null);
    if (MethodGuard.isHead(ctx)) {
      // The headers a stream starts with (as Javalin's SseClient writes them), and no stream.
      slot.drop();
      ctx.contentType("text/event-stream")
          .header("Cache-Control", "no-cache")
          .header("X-Accel-Buffering", "no")
          .header("Connection", "close")
          .status(200);
      ctx.res().flushBuffer(); // committed as a stream is: without a Content-Length
      return;
    }
    Locale locale = Messages.locale(ctx);
    try {
      new SseHandler(
              client -> {
                client.onClose(slot::drop);
                client.keepAlive();
                slot.attach(new SseStream(client, locale));
              })
          .handle(ctx);
    } catch (Exception | Error e) {
      slot.drop();
      throw e;
    }
  }

  /** The token's session, live or ended, looked up quietly; 401 when there is none. */
  private Session session(Context ctx) {
    String token = requests.sessionToken(ctx);
    Lookup lookup = auth.peek(token);
    if (lookup instanceof Lookup.Ended ended) {
      return ended.session();
    }
    if (lookup instanceof Lookup.Live live) {
      Optional<User> user = users.find(live.session().user());
      if (user.isPresent() && !user.get().disabled()) {
        return live.session();
      }
    }
    throw ApiException.notAuthenticated();
  }

  /** Javalin's SSE client as a {@link PushHub.Stream}; one write at a time, none after closing. */
  private static final class SseStream implements PushHub.Stream {
    private final SseClient client;
    private final Locale locale;

    SseStream(SseClient client, Locale locale) {
      this.client = client;
      this.locale = locale;
    }

    @Override
    public Locale locale() {
      return locale;
    }

    @Override
    public synchronized boolean send(String event, String data) {
      if (client.terminated()) {
        return false;
      }
      client.sendEvent(event, data);
      return !client.terminated();
    }

    @Override
    public synchronized boolean comment(String text) {
      if (client.terminated()) {
        return false;
      }
      client.sendComment(text);
      return !client.terminated();
    }

    @Override
    public synchronized void close() {
      client.close();
    }
  }
}
