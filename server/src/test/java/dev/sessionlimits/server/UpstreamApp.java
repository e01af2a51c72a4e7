package dev.sessionlimits.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The protected app behind the proxy, on the JDK's own HTTP server: {@code /echo} answers, as JSON,
 * the method, the request target and every header it received (names in lower case, each with all
 * its values); {@code /reports/q3.html} is a page that asks to be cached for an hour; {@code
 * /app.html} is a page whose script calls {@code /echo} with {@code fetch} as an app's would.
 */
final class UpstreamApp implements AutoCloseable {

  static final String REPORT_TITLE = "Q3 report";

  /**
   * On a click on {@code #load}, fetches {@code /echo} asking for JSON and writes what came back
   * into {@code #result}: status, whether a redirect was followed, X-Session-End-Reason, the body.
   */
  static final String APP_PAGE =
      """
      <!doctype html>
      <html lang="en"><head><meta charset="utf-8"><title>The app</title></head>
      <body>
        <h1>The app</h1>
        <button id="load" type="button">Load</button>
        <pre id="result" data-done="0"></pre>
        <script>
          let calls = 0;
          document.getElementById('load').addEventListener('click', async () => {
            const out = document.getElementById('result');
            const response = await fetch('/echo', { headers: { Accept: 'application/json' } });
            out.textContent = JSON.stringify({
              status: response.status, redirected: response.redirected, url: response.url,
              reason: response.headers.get('X-Session-End-Reason'), body: await response.text(),
            });
            out.dataset.done = String(++calls);
          });
        </script>
      </body></html>
      """;

  private static final ObjectMapper MAPPER = new ObjectMapper();

  final String address;
  private final HttpServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final AtomicInteger requests = new AtomicInteger();

  private UpstreamApp(HttpServer server) {
    this.server = server;
    this.address = "127.0.0.1:" + server.getAddress().getPort();
  }

  static UpstreamApp start() {
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    UpstreamApp app = new UpstreamApp(server);
    server.createContext("/", app::handle);
    server.setExecutor(app.executor);
    server.start();
    return app;
  }

  /** How many requests reached the app. */
  int requests() {
    return requests.get();
  }

  private void handle(HttpExchange exchange) throws IOException {
    requests.incrementAndGet();
    try (exchange) {
      exchange.getRequestBody().readAllBytes();
      String path = exchange.getRequestURI().getPath();
      switch (path) {
        case "/echo" -> answer(exchange, 200, "application/json", echo(exchange));
        case "/reports/q3.html" -> {
          exchange.getResponseHeaders().set("Cache-Control", "public, max-age=3600");
          exchange.getResponseHeaders().set("Expires", "Thu, 01 Jan 2099 00:00:00 GMT");
          answer(
              exchange,
              200,
              "text/html; charset=utf-8",
              "<!doctype html><html lang=\"en\">"
                  + "<head><meta charset=\"utf-8\"><title>"
                  + REPORT_TITLE
                  + "</title></head><body>"
                  + "<h1 id=\"report\">"
                  + REPORT_TITLE
                  + "</h1></body></html>");
        }
        case "/app.html" -> answer(exchange, 200, "text/html; charset=utf-8", APP_PAGE);
        default -> answer(exchange, 404, "text/plain", "not found");
      }
    }
  }

  private static String echo(HttpExchange exchange) throws IOException {
    Map<String, List<String>> headers = new TreeMap<>();
    exchange
        .getRequestHeaders()
        .forEach(
            (name, values) ->
                headers
                    .computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .addAll(values));
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("method", exchange.getRequestMethod());
    body.put("uri", exchange.getRequestURI().toString());
    body.put("headers", headers);
    return MAPPER.writeValueAsString(body);
  }

  private static void answer(HttpExchange exchange, int status, String type, String text)
      throws IOException {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    if (exchange.getRequestMethod().equals("HEAD")) {
      exchange.sendResponseHeaders(status, -1);
      return;
    }
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
