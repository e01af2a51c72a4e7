package dev.sessionlimits.server.http;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.exc.StreamConstraintsException;
import com.fasterxml.jackson.core.io.JsonEOFException;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Strict JSON in (no duplicate keys, no trailing data, bounded nesting), plain JSON out. */
public final class Json {

  /** The one mapper: strict on reading, for every JSON the server reads and writes. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .disable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
          .build();

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(32)
                .maxNumberLength(100)
                .maxStringLength(Requests.MAX_BODY_BYTES)
                .build());
  }

  private static final Pattern DUPLICATE = Pattern.compile("Duplicate field '([^']*)'");
  private static final Pattern UNEXPECTED_CHARACTER =
      Pattern.compile("^Unexpected character \\(('.{1,2}')");

  private Json() {}

  /** The body as a JSON object; 400 {@code invalid_json} or {@code invalid_request} otherwise. */
  public static ObjectNode object(byte[] body) {
    JsonNode node = parse(body);
    if (!(node instanceof ObjectNode object)) {
      throw ApiException.badRequest(Sentence.of("json.not_an_object", describe(node)));
    }
    return object;
  }

  static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      throw ApiException.badRequest(Sentence.of("json.empty"));
    }
    try (JsonParser parser = MAPPER.createParser(body)) {
      JsonNode node = MAPPER.readTree(parser);
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest(Sentence.of("json.empty"));
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiError.INVALID_JSON.exception(
          (e.getLocation() == null)
              ? Sentence.of("json.invalid", problem(e))
              : Sentence.of(
                  "json.invalid_at",
                  String.valueOf(e.getLocation().getLineNr()),
                  String.valueOf(e.getLocation().getColumnNr()),
                  problem(e)));
    } catch (IOException e) {
      throw ApiError.INVALID_JSON.exception(Sentence.of("json.unreadable"));
    }
  }

  /** {@code value} as JSON text. */
  public static String write(Object value) {
    try {
      return MAPPER.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A JSON value as the Java value core's settings expect: number, boolean, string, or as is. */
  public static Object plain(JsonNode node) {
    if (node == null || node.isNull()) {
      return null;
    }
    if (node.isNumber()) {
      return node.numberValue();
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    return node;
  }

  /** A stored JSON text as a tree, or the text itself if it is not JSON. */
  static Object tree(String text) {
    try {
      return MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      return text;
    }
  }

  /** An ordered map of the keys and values given in turn: {@code map("a", 1, "b", 2)}. */
  public static Map<String, Object> map(Object... keysAndValues) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (int i = 0; i < keysAndValues.length; i += 2) {
      map.put((String) keysAndValues[i], keysAndValues[i + 1]);
    }
    return map;
  }

  static Sentence describe(JsonNode node) {
    if (node == null || node.isNull()) {
      return Sentence.of("json.type.null");
    }
    if (node.isArray()) {
      return Sentence.of("json.type.array");
    }
    if (node.isObject()) {
      return Sentence.of("json.type.object");
    }
    if (node.isTextual()) {
      return Sentence.of("json.type.string");
    }
    if (node.isBoolean()) {
      return Sentence.of("json.type.boolean", node.asText());
    }
    if (node.isNumber()) {
      return Sentence.of("json.type.number", node.asText());
    }
    return Sentence.of("json.type.other", node.getNodeType().toString().toLowerCase(Locale.ROOT));
  }

  /**
   * What is wrong with the body, in the server's words: Jackson's messages name its own classes,
   * features and source descriptions, which mean nothing to a client.
   */
  static String problem(JsonProcessingException e) {
    String original = (e.getOriginalMessage() == null) ? "" : e.getOriginalMessage();
    if (e instanceof JsonEOFException) {
      return "it ends before the JSON value is complete.";
    }
    if (e instanceof StreamConstraintsException) {
      return "it is nested deeper than 32 levels, or holds a number or string that is too long.";
    }
    Matcher duplicate = DUPLICATE.matcher(original);
    if (duplicate.find()) {
      return "the field \"" + Text.shorten(duplicate.group(1), 64) + "\" appears twice.";
    }
    if (e instanceof MismatchedInputException && original.contains("Trailing token")) {
      return "there is more after the JSON value.";
    }
    Matcher unexpected = UNEXPECTED_CHARACTER.matcher(original);
    if (unexpected.find()) {
      return "unexpected character " + unexpected.group(1) + ".";
    }
    if (original.startsWith("Unrecognized token")) {
      return "a word that is not a JSON value (strings need double quotes; the words are true,"
          + " false and null).";
    }
    if (original.startsWith("Invalid UTF-8") || original.contains("Invalid UTF-8")) {
      return "it is not valid UTF-8.";
    }
    if (original.contains("Non-standard token") || original.contains("NaN")) {
      return "NaN and Infinity are not JSON numbers.";
    }
    return "it is malformed.";
  }

  /** The names of an object's fields, in order. */
  static List<String> names(ObjectNode node) {
    List<String> names = new ArrayList<>();
    node.properties().forEach(e -> names.add(e.getKey()));
    return names;
  }
}
