package dev.sessionlimits.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.push.EventRoutes;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * A client of {@code GET /api/v1/me/events} on a plain socket, so that tests decide exactly when
 * the connection closes: reads the answer's head, then server-sent events line by line as they
 * come.
 */
final class EventStream implements AutoCloseable {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  /** One event: its name and data, or a comment line (name null, data the comment). */
  record Event(String name, String data) {
    JsonNode json() {
      try {
        return MAPPER.readTree(data);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + data, e);
      }
    }
  }

  final int status;
  final Map<String, String> headers;
  private final Socket socket;
  private final InputStream in;
  private final boolean chunked;
  private int chunkLeft;
  private boolean inChunks;
  private boolean ended;

  private EventStream(Socket socket, InputStream in, int status, Map<String, String> headers) {
    this.socket = socket;
    this.in = in;
    this.status = status;
    this.headers = headers;
    this.chunked =
        headers.getOrDefault("Transfer-Encoding", "").toLowerCase(Locale.ROOT).contains("chunked");
  }

  /** Opens the stream with the session cookie {@code token} (none if null) and reads the head. */
  static EventStream open(URI base, String token) {
    return open(base, token, "text/event-stream");
  }

  static EventStream open(URI base, String token, String accept) {
    StringBuilder head =
        new StringBuilder()
            .append("GET ")
            .append(EventRoutes.PATH)
            .append(" HTTP/1.1\r\n")
            .append("Host: ")
            .append(base.getHost())
            .append(':')
            .append(base.getPort())
            .append("\r\n")
            .append("User-Agent: ")
            .append(TestServer.FIREFOX_LINUX)
            .append("\r\n");
    if (accept != null) {
      head.append("Accept: ").append(accept).append("\r\n");
    }
    if (token != null) {
      head.append("Cookie: ").append(Requests.COOKIE).append('=').append(token).append("\r\n");
    }
    head.append("\r\n");
    Socket socket = new Socket();
    try {
      socket.setSoTimeout(10_000);
      socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
      socket.getOutputStream().write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      InputStream in = new BufferedInputStream(socket.getInputStream());
      String statusLine = rawLine(in);
      if (statusLine == null) {
        throw new IOException("the server closed the connection without answering");
      }
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
      for (String line = rawLine(in); line != null && !line.isEmpty(); line = rawLine(in)) {
        int colon = line.indexOf(':');
        headers.merge(
            line.substring(0, colon).trim(),
            line.substring(colon + 1).trim(),
            (a, b) -> a + ", " + b);
      }
      return new EventStream(socket, in, status, Map.copyOf(headers));
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        // already failing
      }
      throw new UncheckedIOException(e);
    }
  }

  /** The whole body of an answer that is not a stream (a 401, 406 or 429). */
  JsonNode json() {
    int length = Integer.parseInt(headers.getOrDefault("Content-Length", "-1"));
    try {
      byte[] body = (length >= 0) ? in.readNBytes(length) : readRest();
      return MAPPER.readTree(body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The next event, skipping comments; null when the server ends the stream first. */
  Event next(Duration timeout) {
    while (true) {
      Event event = nextIncludingComments(timeout);
      if (event == null || event.name() != null) {
        return event;
      }
    }
  }

  /** The next event or comment; null at the end of the stream. */
  Event nextIncludingComments(Duration timeout) {
    String name = null;
    List<String> data = new ArrayList<>();
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      while (true) {
        String line = line();
        if (line == null) {
          return null;
        }
        if (line.startsWith(":")) {
          if (name == null && data.isEmpty()) {
            return new Event(null, line.substring(1).trim());
          }
        } else if (line.isEmpty()) {
          if (name != null || !data.isEmpty()) {
            return new Event(name == null ? "message" : name, String.join("\n", data));
          }
        } else if (line.startsWith("event:")) {
          name = line.substring(6).trim();
        } else if (line.startsWith("data:")) {
          data.add(line.substring(5).startsWith(" ") ? line.substring(6) : line.substring(5));
        }
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("no event within " + timeout, e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether the server ended the stream (within {@code timeout}). */
  boolean endsWithin(Duration timeout) {
    try {
      socket.setSoTimeout((int) timeout.toMillis());
      while (true) {
        String line = line();
        if (line == null) {
          return true;
        }
      }
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException e) {
      return true;
    }
  }

  private String line() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    while (true) {
      int b = read();
      if (b < 0) {
        return bytes.size() == 0 ? null : bytes.toString(StandardCharsets.UTF_8);
      }
      if (b == '\n') {
        return bytes.toString(StandardCharsets.UTF_8);
      }
      if (b != '\r') {
        bytes.write(b);
      }
    }
  }

  private int read() throws IOException {
    if (ended) {
      return -1;
    }
    if (!chunked) {
      return in.read();
    }
    if (chunkLeft == 0) {
      if (inChunks) {
        rawLine(in);
      }
      String size = rawLine(in);
      if (size == null || size.isBlank()) {
        ended = true;
        return -1;
      }
      chunkLeft = Integer.parseInt(size.split(";")[0].trim(), 16);
      inChunks = true;
      if (chunkLeft == 0) {
        ended = true;
        return -1;
      }
    }
    chunkLeft--;
    return in.read();
  }

  private byte[] readRest() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int b = read(); b >= 0; b = read()) {
      out.write(b);
    }
    return out.toByteArray();
  }

  private static String rawLine(InputStream in) throws IOException {
    StringBuilder line = new StringBuilder();
    while (true) {
      int c = in.read();
      if (c < 0) {
        return line.length() == 0 ? null : line.toString();
      }
      if (c == '\n') {
        return line.toString();
      }
      if (c != '\r') {
        line.append((char) c);
      }
    }
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException e) {
      // closing is all that is wanted
    }
  }
}
