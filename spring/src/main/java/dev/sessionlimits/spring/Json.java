package dev.sessionlimits.spring;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A flat JSON object of strings and numbers, for the starter's three- to five-field answers.
 * Hand-written (RFC 8259 escaping) so the starter runs with Jackson 2 (Boot 3) and Jackson 3 (Boot
 * 4) alike, without tying itself to either.
 */
final class Json {

  private final Map<String, Object> fields = new LinkedHashMap<>();

  static Json object() {
    return new Json();
  }

  Json put(String name, String value) {
    fields.put(name, value);
    return this;
  }

  Json put(String name, long value) {
    fields.put(name, value);
    return this;
  }

  @Override
  public String toString() {
    StringBuilder out = new StringBuilder("{");
    fields.forEach(
        (name, value) -> {
          if (out.length() > 1) {
            out.append(',');
          }
          string(out, name);
          out.append(':');
          if (value instanceof Long n) {
            out.append(n);
          } else {
            string(out, (String) value);
          }
        });
    return out.append('}').toString();
  }

  private static void string(StringBuilder out, String s) {
    out.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    out.append('"');
  }
}
