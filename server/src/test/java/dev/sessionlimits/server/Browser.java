package dev.sessionlimits.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.sessionlimits.server.http.Requests;
import dev.sessionlimits.server.service.DeviceCookies;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * One simulated browser: its own HTTP client and its own cookie jar (just {@code sl_session} and
 * the device cookie {@code sl_device}), so two browsers are two independent sessions and devices.
 */
public final class Browser {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final URI base;
  private final String userAgent;
  private final String localAddress;
  private volatile String cookie;
  private volatile String device;
  private volatile String cookieName = Requests.COOKIE;

  Browser(URI base, String userAgent) {
    this(base, userAgent, null);
  }

  /** A browser whose requests leave from {@code localAddress} (such as 127.0.0.2); null for any. */
  Browser(URI base, String userAgent, String localAddress) {
    this.base = base;
    this.userAgent = userAgent;
    this.localAddress = localAddress;
  }

  /** The response of one request. */
  public record Response(int status, java.net.http.HttpHeaders headers, String text) {
    JsonNode json() {
      try {
        return MAPPER.readTree(text);
      } catch (IOException e) {
        throw new UncheckedIOException("not JSON: " + text, e);
      }
    }

    String header(String name) {
      return headers.firstValue(name).orElse(null);
    }

    /** The {@code error} code of the body; null if it has none. */
    public String error() {
      return json().path("error").asText(null);
    }

    @Override
    public String toString() {
      return status + " " + text;
    }
  }

  Response get(String path, String... headers) {
    return send("GET", path, null, null, headers);
  }

  Response delete(String path, String... headers) {
    return send("DELETE", path, null, null, headers);
  }

  Response post(String path, String json, String... headers) {
    return send("POST", path, json, "application/json", headers);
  }

  Response patch(String path, String json, String... headers) {
    return send("PATCH", path, json, "application/json", headers);
  }

  /** Logs in and keeps the cookie; returns the response. */
  public Response login(String user, String password) {
    return post(
        "/api/v1/login", "{\"username\":\"" + user + "\",\"password\":\"" + password + "\"}");
  }

  Response send(String method, String path, String body, String contentType, String... headers) {
    if (localAddress != null) {
      return sendRaw(method, path, body, contentType, headers);
    }
    HttpRequest.Builder request =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    if (contentType != null) {
      request.header("Content-Type", contentType);
    }
    if (userAgent != null) {
      request.header("User-Agent", userAgent);
    }
    String jar = cookieHeader();
    if (jar != null) {
      request.header("Cookie", jar);
    }
    for (int i = 0; i < headers.length; i += 2) {
      request.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> response =
          http.send(request.build(), HttpResponse.BodyHandlers.ofString());
      remember(response.headers().allValues("Set-Cookie"));
      return new Response(response.statusCode(), response.headers(), response.body());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private Response sendRaw(
      String method, String path, String body, String contentType, String... headers) {
    List<String> all = new ArrayList<>();
    if (contentType != null) {
      all.add("Content-Type");
      all.add(contentType);
    }
    if (userAgent != null) {
      all.add("User-Agent");
      all.add(userAgent);
    }
    String jar = cookieHeader();
    if (jar != null) {
      all.add("Cookie");
      all.add(jar);
    }
    all.addAll(List.of(headers));
    Response response = RawHttp.send(localAddress, base.getPort(), method, path, body, all);
    remember(response.headers().allValues("Set-Cookie"));
    return response;
  }

  private String cookieHeader() {
    List<String> pairs = new ArrayList<>();
    String session = cookie;
    if (session != null) {
      pairs.add(cookieName + "=" + session);
    }
    String known = device;
    if (known != null) {
      pairs.add(DeviceCookies.COOKIE + "=" + known);
    }
    return pairs.isEmpty() ? null : String.join("; ", pairs);
  }

  private void remember(List<String> setCookies) {
    for (String header : new ArrayList<>(setCookies)) {
      String first = header.split(";", 2)[0];
      if (first.startsWith(DeviceCookies.COOKIE + "=")) {
        device = first.substring(DeviceCookies.COOKIE.length() + 1);
        continue;
      }
      int equals = first.indexOf('=');
      String name = (equals < 0) ? first : first.substring(0, equals);
      if (!name.equals(Requests.COOKIE) && !name.equals(Requests.HOST_COOKIE)) {
        continue;
      }
      String value = first.substring(equals + 1);
      if (value.isEmpty() || header.contains("Max-Age=0")) {
        if (name.equals(cookieName)) {
          cookie = null;
        }
      } else {
        cookie = value;
        cookieName = name;
      }
    }
  }

  /** The name the cookie was set under: {@code sl_session}, or {@code __Host-sl_session}. */
  String cookieName() {
    return cookieName;
  }

  String cookie() {
    return cookie;
  }

  void cookie(String value) {
    this.cookie = value;
  }

  /** The device cookie this browser holds, or null. */
  String device() {
    return device;
  }

  void device(String value) {
    this.device = value;
  }
}
