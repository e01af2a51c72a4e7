package dev.sessionlimits.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.sessionlimits.core.QuotaPolicy;
import dev.sessionlimits.core.User;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads the fields of a JSON request object, collecting a sentence per bad field (unknown, missing,
 * wrong type, too long) so that one 400 answer names them all.
 */
public final class JsonFields {

  private final ObjectNode node;
  private final Map<String, Localized> errors = new LinkedHashMap<>();

  /** Reads the fields of {@code node}; a field not named in {@code allowed} is an error. */
  public JsonFields(ObjectNode node, String... allowed) {
    this.node = node;
    List<String> known = List.of(allowed);
    for (String name : Json.names(node)) {
      if (!known.contains(name)) {
        errors.put(
            name, Sentence.of("field.unknown", Text.shorten(name, 64), String.join(", ", known)));
      }
    }
  }

  /** Whether the body has the field {@code name} (null included). */
  public boolean has(String name) {
    return node.has(name);
  }

  /**
   * A string of at most {@code maxLength} characters without control characters (a NUL, a line
   * break, ...: they have no place in a name, and a database or a log line would take them badly),
   * or null when absent and not required.
   */
  public String string(String name, int maxLength, boolean required) {
    String text = secret(name, maxLength, required);
    if (text != null && Text.hasControl(text)) {
      errors.put(name, Sentence.of("field.control_characters", name));
      return null;
    }
    return text;
  }

  /**
   * A password: like {@link #string}, but any character is allowed, since it is only ever hashed.
   */
  public String secret(String name, int maxLength, boolean required) {
    JsonNode value = node.get(name);
    if (value == null || (value.isNull() && !required)) {
      if (required) {
        errors.put(name, Sentence.of("field.required", name));
      }
      return null;
    }
    if (!value.isTextual()) {
      errors.put(name, Sentence.of("field.not_a_string", name, Json.describe(value)));
      return null;
    }
    String text = value.textValue();
    if (text.length() > maxLength) {
      errors.put(name, Sentence.of("field.too_long", name, maxLength, text.length()));
      return null;
    }
    if (required && text.isEmpty()) {
      errors.put(name, Sentence.of("field.empty", name));
      return null;
    }
    return text;
  }

  /** A boolean, or null when absent. */
  public Boolean bool(String name) {
    JsonNode value = node.get(name);
    if (value == null) {
      return null;
    }
    if (!value.isBoolean()) {
      errors.put(name, Sentence.of("field.not_a_boolean", name, Json.describe(value)));
      return null;
    }
    return value.booleanValue();
  }

  /**
   * A list of at most {@code maxItems} strings, each like {@link #string} (required, at most {@code
   * maxLength} characters), in the order given; null when absent and not required. Each bad item is
   * named with its index.
   */
  public List<String> strings(String name, int maxItems, int maxLength, boolean required) {
    JsonNode value = node.get(name);
    if (value == null || (value.isNull() && !required)) {
      if (required) {
        errors.put(name, Sentence.of("field.required", name));
      }
      return null;
    }
    if (!value.isArray()) {
      errors.put(name, Sentence.of("field.not_a_list", name, Json.describe(value)));
      return null;
    }
    if (value.size() > maxItems) {
      errors.put(name, Sentence.of("field.too_many_items", name, maxItems, value.size()));
      return null;
    }
    List<String> items = new ArrayList<>();
    for (int i = 0; i < value.size(); i++) {
      JsonNode item = value.get(i);
      String what = name + "[" + i + "]";
      if (!item.isTextual()) {
        errors.putIfAbsent(name, Sentence.of("field.not_a_string", what, Json.describe(item)));
      } else if (item.textValue().isEmpty() || item.textValue().length() > maxLength) {
        errors.putIfAbsent(
            name, Sentence.of("field.item_length", what, maxLength, item.textValue().length()));
      } else if (Text.hasControl(item.textValue())) {
        errors.putIfAbsent(name, Sentence.of("field.item_control_characters", what));
      } else {
        items.add(item.textValue());
      }
    }
    return errors.containsKey(name) ? null : items;
  }

  /**
   * A per-user session limit: null (use the global value), -1 (unlimited) or 1..100000. Only call
   * when {@link #has} is true.
   */
  public Integer sessionsLimit(String name) {
    return sessionsLimit(name, Sentence.of("field.null_means_global"));
  }

  /**
   * A session limit as {@link #sessionsLimit(String)}, whose error sentence says that null means
   * {@code nullMeans}.
   */
  public Integer sessionsLimit(String name, String nullMeans) {
    return sessionsLimit(name, locale -> nullMeans);
  }

  /**
   * A session limit as {@link #sessionsLimit(String)}, whose error sentence says (in the reader's
   * language) that null means {@code nullMeans}.
   */
  public Integer sessionsLimit(String name, Localized nullMeans) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    String max = String.valueOf(User.MAX_SESSIONS_LIMIT);
    if (!value.isIntegralNumber() || !value.canConvertToInt()) {
      errors.put(
          name, Sentence.of("field.sessions_limit", name, nullMeans, max, Json.describe(value)));
      return null;
    }
    int limit = value.intValue();
    if (limit != QuotaPolicy.UNLIMITED && (limit < 1 || limit > User.MAX_SESSIONS_LIMIT)) {
      errors.put(
          name,
          Sentence.of(
              (limit == 0) ? "field.sessions_limit_zero" : "field.sessions_limit",
              name,
              nullMeans,
              max,
              String.valueOf(limit)));
      return null;
    }
    return limit;
  }

  /**
   * A whole number from {@code min} to {@code max}, or null if the field is absent or null;
   * anything else marks it with the sentence {@code key}, whose arguments are the field's name,
   * {@code max} and what was sent.
   */
  public Integer wholeNumber(String name, int min, int max, String key) {
    JsonNode value = node.get(name);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isIntegralNumber()
        && value.canConvertToInt()
        && value.intValue() >= min
        && value.intValue() <= max) {
      return value.intValue();
    }
    errors.put(name, Sentence.of(key, name, max, Json.describe(value)));
    return null;
  }

  /** Marks the field {@code name} bad with {@code sentence}, unless it is already. */
  public void error(String name, String sentence) {
    errors.putIfAbsent(name, locale -> sentence);
  }

  /** Marks the field {@code name} bad with {@code sentence}, unless it is already. */
  public void error(String name, Localized sentence) {
    errors.putIfAbsent(name, sentence);
  }

  /** Throws 400 {@code invalid_request} with {@code fields} if any field was bad. */
  public void done() {
    if (!errors.isEmpty()) {
      throw ApiException.invalidFields(errors);
    }
  }
}
