package dev.sessionlimits.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A minimal HTTP/1.1 client on a plain socket bound to a chosen local address (127.0.0.2, ...),
 * which java.net.http cannot do: enough to make requests come from different client addresses; and
 * requests sent exactly as given, or several on one connection.
 */
final class RawHttp {

  private static final Pattern CONTENT_LENGTH =
      Pattern.compile("(?im)^Content-Length:\\s*(\\d+)\\s*$");

  private RawHttp() {}

  static Browser.Response send(
      String localAddress,
      int port,
      String method,
      String path,
      String body,
      List<String> headers) {
    byte[] content = (body == null) ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head = new StringBuilder();
    head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
    head.append("Host: 127.0.0.1:").append(port).append("\r\n");
    head.append("Connection: close\r\n");
    if (body != null || !method.equals("GET")) {
      head.append("Content-Length: ").append(content.length).append("\r\n");
    }
    for (int i = 0; i < headers.size(); i += 2) {
      head.append(headers.get(i)).append(": ").append(headers.get(i + 1)).append("\r\n");
    }
    head.append("\r\n");
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      socket.bind(new InetSocketAddress(localAddress, 0));
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.write(content);
      out.flush();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Sends {@code request} exactly as given, however malformed, and reads the answer. */
  static Browser.Response sendBytes(int port, String request) {
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      socket.shutdownOutput();
      return parse(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Sends the GET requests {@code path} with {@code headers} on one connection, pipelined (the last
   * closes it), and answers their statuses in order.
   */
  static List<Integer> statusesOnOneConnection(int port, String path, List<List<String>> headers) {
    StringBuilder requests = new StringBuilder();
    for (int r = 0; r < headers.size(); r++) {
      requests.append("GET ").append(path).append(" HTTP/1.1\r\n");
      requests.append("Host: 127.0.0.1:").append(port).append("\r\n");
      List<String> fields = headers.get(r);
      for (int i = 0; i < fields.size(); i += 2) {
        requests.append(fields.get(i)).append(": ").append(fields.get(i + 1)).append("\r\n");
      }
      if (r == headers.size() - 1) {
        // Last: Jetty stops caching a connection's fields from a Connection: close on.
        requests.append("Connection: close\r\n");
      }
      requests.append("\r\n");
    }
    try (Socket socket = new Socket()) {
      socket.setSoTimeout(30_000);
      socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
      socket.getOutputStream().write(requests.toString().getBytes(StandardCharsets.ISO_8859_1));
      socket.getOutputStream().flush();
      return statuses(socket.getInputStream().readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The statuses of the responses in {@code raw}, one after another, each with a length. */
  private static List<Integer> statuses(byte[] raw) throws IOException {
    String all = new String(raw, StandardCharsets.ISO_8859_1);
    List<Integer> statuses = new ArrayList<>();
    int at = 0;
    while (at < all.length()) {
      int end = all.indexOf("\r\n\r\n", at);
      if (end < 0) {
        throw new IOException("no HTTP response head in: " + all.substring(at));
      }
      String head = all.substring(at, end);
      statuses.add(Integer.parseInt(head.split(" ", 3)[1]));
      Matcher length = CONTENT_LENGTH.matcher(head);
      if (!length.find()) {
        throw new IOException("no Content-Length in: " + head);
      }
      at = end + 4 + Integer.parseInt(length.group(1));
    }
    return statuses;
  }

  private static Browser.Response parse(byte[] raw) throws IOException {
    String all = new String(raw, StandardCharsets.ISO_8859_1);
    int end = all.indexOf("\r\n\r\n");
    if (end < 0) {
      throw new IOException("no HTTP response head in: " + all);
    }
    String[] lines = all.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (int i = 1; i < lines.length; i++) {
      int colon = lines[i].indexOf(':');
      headers
          .computeIfAbsent(lines[i].substring(0, colon).trim(), k -> new ArrayList<>())
          .add(lines[i].substring(colon + 1).trim());
    }
    byte[] rest = java.util.Arrays.copyOfRange(raw, end + 4, raw.length);
    List<String> encoding = headers.getOrDefault("Transfer-Encoding", List.of());
    if (!encoding.isEmpty() && encoding.get(0).toLowerCase(Locale.ROOT).contains("chunked")) {
      rest = dechunk(rest);
    }
    return new Browser.Response(
        status, HttpHeaders.of(headers, (a, b) -> true), new String(rest, StandardCharsets.UTF_8));
  }

  private static byte[] dechunk(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = new java.io.ByteArrayInputStream(body);
    try {
      while (true) {
        StringBuilder size = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\n') {
          if (c != '\r') {
            size.append((char) c);
          }
        }
        int n = Integer.parseInt(size.toString().split(";")[0].trim(), 16);
        if (n == 0) {
          return out.toByteArray();
        }
        out.write(in.readNBytes(n));
        in.read();
        in.read();
      }
    } catch (IOException | NumberFormatException e) {
      return out.toByteArray();
    }
  }
}
