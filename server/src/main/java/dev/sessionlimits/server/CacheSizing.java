package dev.sessionlimits.server;

import dev.sessionlimits.store.jdbc.SessionCacheSize;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node's session cache size, from {@value #SESSIONS} (a number of sessions) or {@value #MEMORY}
 * (heap, as {@code 256m}), at most one of them; neither gives {@link SessionCacheSize#forHeap}.
 * Either may take at most half of the heap: a cache larger than that would leave the server too
 * little to run in, and is refused at start rather than failing later for want of memory.
 */
final class CacheSizing {

  /** The cache's size as a number of sessions; 0 caches nothing. */
  static final String SESSIONS = "SESSIONLIMITS_CACHE_SESSIONS";

  /** The cache's size as heap memory: bytes, or with a suffix k, m or g (as in {@code -Xmx}). */
  static final String MEMORY = "SESSIONLIMITS_CACHE_MEMORY";

  private static final Pattern AMOUNT = Pattern.compile("([0-9]{1,12})([kmg]?)b?");

  private static final long MB = 1024 * 1024;

  private CacheSizing() {}

  /**
   * The size {@code env} asks for on a heap of at most {@code maxHeap} bytes; each bad value adds a
   * line to {@code problems} naming the variable, its value and what is valid, and the default is
   * returned in its stead.
   */
  static SessionCacheSize fromEnvironment(
      Map<String, String> env, long maxHeap, List<String> problems) {
    SessionCacheSize fallback = SessionCacheSize.forHeap(maxHeap);
    String sessionsText = value(env, SESSIONS);
    String memoryText = value(env, MEMORY);
    if (sessionsText != null && memoryText != null) {
      problems.add(
          SESSIONS
              + "=\""
              + sessionsText
              + "\" and "
              + MEMORY
              + "=\""
              + memoryText
              + "\" are both set; set one (or neither, for a fifth of the heap)");
      return fallback;
    }
    String variable;
    String text;
    SessionCacheSize size;
    if (sessionsText != null) {
      variable = SESSIONS;
      text = sessionsText;
      size = sessions(sessionsText);
      if (size == null) {
        problems.add(
            SESSIONS
                + " must be a whole number of sessions 0.."
                + SessionCacheSize.MAX_SESSIONS
                + " (0 caches nothing), got \""
                + sessionsText
                + "\"");
        return fallback;
      }
    } else if (memoryText != null) {
      variable = MEMORY;
      text = memoryText;
      size = memory(memoryText);
      if (size == null) {
        problems.add(
            MEMORY
                + " must be an amount of heap in bytes or with a suffix k, m or g (256m, 1g;"
                + " about "
                + SessionCacheSize.ENTRY_BYTES
                + " bytes per session), got \""
                + memoryText
                + "\"");
        return fallback;
      }
    } else {
      return fallback;
    }
    if (size.bytes() > maxHeap / 2) {
      problems.add(
          variable
              + "=\""
              + text
              + "\" asks for about "
              + size.bytes() / MB
              + " MB of heap ("
              + size.sessions()
              + " sessions), more than half of this JVM's "
              + maxHeap / MB
              + " MB; valid: at most "
              + maxHeap / 2 / MB
              + " MB (or give the JVM a larger -Xmx)");
      return fallback;
    }
    return size;
  }

  /** The line the server logs at start: how many sessions, what part of which heap. */
  static String describe(SessionCacheSize size, long maxHeap) {
    return String.format(
        Locale.ROOT,
        "Node cache: %,d sessions (~%,d MB of a %,d MB heap)",
        size.sessions(),
        size.bytes() / MB,
        maxHeap / MB);
  }

  private static SessionCacheSize sessions(String text) {
    try {
      long sessions = Long.parseLong(text.replace("_", ""));
      return (sessions < 0 || sessions > SessionCacheSize.MAX_SESSIONS)
          ? null
          : new SessionCacheSize(sessions);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  private static SessionCacheSize memory(String text) {
    Matcher m = AMOUNT.matcher(text.toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      return null;
    }
    long unit =
        switch (m.group(2)) {
          case "k" -> 1024;
          case "m" -> MB;
          case "g" -> 1024 * MB;
          default -> 1;
        };
    long bytes = Long.parseLong(m.group(1));
    if (bytes > Long.MAX_VALUE / unit
        || bytes * unit / SessionCacheSize.ENTRY_BYTES > SessionCacheSize.MAX_SESSIONS) {
      return null;
    }
    return SessionCacheSize.ofMemory(bytes * unit);
  }

  private static String value(Map<String, String> env, String name) {
    String v = env.get(name);
    return (v == null || v.isBlank()) ? null : v.trim();
  }
}
