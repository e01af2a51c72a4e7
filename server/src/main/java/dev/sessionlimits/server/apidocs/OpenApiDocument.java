package dev.sessionlimits.server.apidocs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * The OpenAPI 3.1 document of the HTTP API, served at {@code GET /api/v1/openapi.json}. It is kept
 * as JSON files under the classpath's {@code openapi/}, one per area of the API so that each stays
 * readable, and merged here once at start: objects are merged key by key, and a key that two files
 * both give a value that is not an object is a mistake in the files, refused at once.
 */
public final class OpenApiDocument {

  /** The parts, in the order they are merged; {@code base.json} holds the document's head. */
  static final List<String> PARTS =
      List.of(
          "base.json",
          "components-errors.json",
          "components-objects.json",
          "paths-sign-in.json",
          "paths-account.json",
          "paths-settings-users.json",
          "paths-groups-sessions-audit.json",
          "paths-api-keys.json",
          "paths-monitors.json",
          "paths-service.json");

  private static final String DIRECTORY = "/openapi/";

  private final JsonNode document;
  private final byte[] bytes;
  private final String etag;

  private OpenApiDocument(JsonNode document, byte[] bytes) {
    this.document = document;
    this.bytes = bytes;
    this.etag = etag(bytes);
  }

  /**
   * Reads and merges the parts, with {@code version} (the server's release) as the document's
   * {@code info.version}.
   *
   * @throws IllegalStateException if a part is missing, is not a JSON object, or repeats a value of
   *     another part
   */
  public static OpenApiDocument load(String version) {
    ObjectMapper mapper = new ObjectMapper();
    ObjectNode merged = mapper.createObjectNode();
    for (String part : PARTS) {
      merge(merged, read(mapper, part), part, "");
    }
    ((ObjectNode) merged.path("info")).set("version", TextNode.valueOf(version));
    try {
      return new OpenApiDocument(merged, mapper.writeValueAsBytes(merged));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The merged document (not to be changed). */
  public JsonNode json() {
    return document;
  }

  /** The document as UTF-8 JSON, as served. */
  byte[] bytes() {
    return bytes.clone();
  }

  /** A strong ETag: the SHA-256 of {@link #bytes()}, quoted. */
  String etag() {
    return etag;
  }

  private static ObjectNode read(ObjectMapper mapper, String part) {
    try (InputStream in = OpenApiDocument.class.getResourceAsStream(DIRECTORY + part)) {
      if (in == null) {
        throw new IllegalStateException(
            "The API document's part " + DIRECTORY + part + " is missing");
      }
      JsonNode node = mapper.readTree(in);
      if (!(node instanceof ObjectNode object)) {
        throw new IllegalStateException("The API document's part " + part + " is not an object");
      }
      return object;
    } catch (IOException e) {
      throw new IllegalStateException("The API document's part " + part + " cannot be read", e);
    }
  }

  private static void merge(ObjectNode into, ObjectNode from, String part, String at) {
    for (Map.Entry<String, JsonNode> field : from.properties()) {
      String path = at + "/" + field.getKey();
      JsonNode existing = into.get(field.getKey());
      if (existing == null) {
        into.set(field.getKey(), field.getValue());
      } else if (existing instanceof ObjectNode object
          && field.getValue() instanceof ObjectNode addition) {
        merge(object, addition, part, path);
      } else {
        throw new IllegalStateException(
            "The API document's part " + part + " gives " + path + " again");
      }
    }
  }

  /** A strong ETag of {@code bytes}: their SHA-256, quoted. */
  static String etag(byte[] bytes) {
    try {
      return "\""
          + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes))
          + "\"";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("Every Java has SHA-256", e);
    }
  }
}
