package dev.sessionlimits.server.http;

import java.util.regex.Pattern;

/**
 * Turns a {@code User-Agent} header into words a person recognizes, such as "Firefox on Linux" or
 * "Safari on iPhone". It knows the common browsers, systems and command-line clients; anything else
 * is "an unknown browser" rather than a guess.
 */
final class UserAgents {

  /** What an empty or unrecognizable header is called. */
  private static final Pattern TOOL =
      Pattern.compile(
          "^(curl|Wget|HTTPie|python-requests|python-httpx|Python-urllib|okhttp|Go-http-client"
              + "|Java-http-client|Java|PostmanRuntime|node-fetch|axios|Apache-HttpClient"
              + "|libwww-perl|Ruby|Dart|insomnia)(/|$| )",
          Pattern.CASE_INSENSITIVE);

  private UserAgents() {}

  static String describe(String userAgent) {
    return words(userAgent).english();
  }

  /**
   * {@link #describe} worded in the reader's language ({@code agent.*} of the message bundles); the
   * names of browsers, systems and tools stay as they are.
   */
  static Localized words(String userAgent) {
    if (userAgent == null || userAgent.isBlank()) {
      return Sentence.of("agent.unknown");
    }
    String ua = userAgent.trim();
    var tool = TOOL.matcher(ua);
    if (tool.find()) {
      String name = toolName(tool.group(1));
      return locale -> name;
    }
    String browser = browser(ua);
    String system = system(ua);
    if (browser == null && system == null) {
      return Sentence.of("agent.unknown");
    }
    if (browser == null) {
      return Sentence.of("agent.browser_on", system);
    }
    return (system == null) ? locale -> browser : Sentence.of("agent.on", browser, system);
  }

  private static String toolName(String token) {
    return switch (token.toLowerCase(java.util.Locale.ROOT)) {
      case "curl" -> "curl";
      case "wget" -> "Wget";
      case "httpie" -> "HTTPie";
      case "python-requests", "python-httpx", "python-urllib" -> "a Python script";
      case "okhttp" -> "an OkHttp client";
      case "go-http-client" -> "a Go program";
      case "java-http-client", "java", "apache-httpclient" -> "a Java program";
      case "postmanruntime" -> "Postman";
      case "node-fetch", "axios" -> "a Node.js program";
      case "insomnia" -> "Insomnia";
      default -> "a script (" + token + ")";
    };
  }

  private static String browser(String ua) {
    if (ua.contains("Edg/")
        || ua.contains("EdgA/")
        || ua.contains("EdgiOS/")
        || ua.contains("Edge/")) {
      return "Edge";
    }
    if (ua.contains("OPR/") || ua.contains("Opera")) {
      return "Opera";
    }
    if (ua.contains("SamsungBrowser/")) {
      return "Samsung Internet";
    }
    if (ua.contains("Vivaldi/")) {
      return "Vivaldi";
    }
    if (ua.contains("Firefox/") || ua.contains("FxiOS/")) {
      return "Firefox";
    }
    if (ua.contains("Chrome/") || ua.contains("CriOS/") || ua.contains("Chromium/")) {
      return "Chrome";
    }
    if (ua.contains("Safari/") && (ua.contains("Version/") || ua.contains("Mobile/"))) {
      return "Safari";
    }
    if (ua.contains("Trident/") || ua.contains("MSIE ")) {
      return "Internet Explorer";
    }
    return null;
  }

  private static String system(String ua) {
    if (ua.contains("iPhone")) {
      return "iPhone";
    }
    if (ua.contains("iPad")) {
      return "iPad";
    }
    if (ua.contains("Android")) {
      return "Android";
    }
    if (ua.contains("CrOS")) {
      return "ChromeOS";
    }
    if (ua.contains("Windows")) {
      return "Windows";
    }
    if (ua.contains("Mac OS X") || ua.contains("Macintosh")) {
      return "macOS";
    }
    if (ua.contains("Linux") || ua.contains("X11")) {
      return "Linux";
    }
    return null;
  }
}
