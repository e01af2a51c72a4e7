package dev.sessionlimits.store.jdbc;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The payloads of the PostgreSQL notifications that tell every node which sessions ended: on
 * channel {@value #CHANNEL}, {@code "1 <origin node> <id> <id> ..."}, each id with {@code %} and
 * space percent-encoded. PostgreSQL refuses payloads of 8000 bytes or more, so the ids of one
 * transaction are split over as many payloads as needed, each at most {@value #MAX_PAYLOAD_BYTES}
 * bytes.
 */
final class EndNotices {

  /** The channel every node LISTENs on. */
  static final String CHANNEL = "sessionlimits_ended";

  /** The largest payload written, safely under PostgreSQL's limit of 8000 bytes. */
  static final int MAX_PAYLOAD_BYTES = 7900;

  private static final String VERSION = "1";

  private EndNotices() {}

  /** What one payload says: who ended the sessions, and which. */
  record Notice(String origin, List<String> sessionIds) {}

  /** The payloads announcing that node {@code origin} ended {@code sessionIds}; none if no ids. */
  static List<String> payloads(String origin, List<String> sessionIds) {
    List<String> payloads = new ArrayList<>();
    String head = VERSION + ' ' + origin;
    int headBytes = utf8Length(head);
    StringBuilder payload = null;
    int bytes = 0;
    for (String id : sessionIds) {
      String encoded = encode(id);
      int length = 1 + utf8Length(encoded);
      if (payload == null || bytes + length > MAX_PAYLOAD_BYTES) {
        if (payload != null) {
          payloads.add(payload.toString());
        }
        payload = new StringBuilder(head);
        bytes = headBytes;
      }
      payload.append(' ').append(encoded);
      bytes += length;
    }
    if (payload != null) {
      payloads.add(payload.toString());
    }
    return payloads;
  }

  /** The notice in {@code payload}, or null if it is not one this version writes. */
  static Notice parse(String payload) {
    if (payload == null) {
      return null;
    }
    String[] parts = payload.split(" ");
    if (parts.length < 2 || !parts[0].equals(VERSION)) {
      return null;
    }
    List<String> ids = new ArrayList<>(parts.length - 2);
    for (int i = 2; i < parts.length; i++) {
      if (!parts[i].isEmpty()) {
        ids.add(decode(parts[i]));
      }
    }
    return new Notice(parts[1], ids);
  }

  private static String encode(String id) {
    if (id.indexOf('%') < 0 && id.indexOf(' ') < 0) {
      return id;
    }
    return id.replace("%", "%25").replace(" ", "%20");
  }

  private static String decode(String id) {
    if (id.indexOf('%') < 0) {
      return id;
    }
    return id.replace("%20", " ").replace("%25", "%");
  }

  private static int utf8Length(String s) {
    int ascii = 0;
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) >= 0x80) {
        return s.getBytes(StandardCharsets.UTF_8).length;
      }
      ascii++;
    }
    return ascii;
  }
}
