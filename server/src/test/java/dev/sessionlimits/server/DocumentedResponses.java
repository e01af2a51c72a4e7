package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Checks recorded answers against the OpenAPI document: the status must be one the operation
 * documents, and a JSON body must match the schema of that status (JSON Schema 2020-12, the dialect
 * of OpenAPI 3.1, by networknt's validator). Counts the bodies it validated.
 */
final class DocumentedResponses {

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private final ObjectNode document;
  private final SchemaRegistry registry =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private final Map<String, Schema> schemas = new HashMap<>();
  private int validated;

  /** Checks answers against {@code document}, the text of {@code /api/v1/openapi.json}. */
  DocumentedResponses(String document) {
    this.document = (ObjectNode) JSON.readTree(document);
  }

  /**
   * Asserts that {@code response}, the answer to {@code method} on a path of the template {@code
   * path} (as the document writes it, {@code /api/v1/users/{username}}), is documented and, when it
   * has a JSON body, matches its schema; answers the response.
   */
  Browser.Response check(String method, String path, Browser.Response response) {
    String operation = "/paths/" + escape(path) + "/" + method.toLowerCase(Locale.ROOT);
    assertThat(document.at(operation).isMissingNode())
        .as("%s %s is an operation of the document", method, path)
        .isFalse();
    String at = operation + "/responses/" + response.status();
    JsonNode answer = document.at(at);
    assertThat(answer.isMissingNode())
        .as("%s %s documents status %s (answer: %s)", method, path, response.status(), response)
        .isFalse();
    if (answer.has("$ref")) {
      at = answer.get("$ref").asString().substring(1);
      answer = document.at(at);
    }
    String type = response.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("application/json") || response.text().isEmpty()) {
      return response;
    }
    String pointer = at + "/content/" + escape("application/json") + "/schema";
    assertThat(document.at(pointer).isMissingNode())
        .as("%s %s %s documents a JSON body", method, path, response.status())
        .isFalse();
    List<Error> errors = schema(pointer).validate(JSON.readTree(response.text()));
    assertThat(errors)
        .as("%s %s %s: %s against %s", method, path, response.status(), response.text(), pointer)
        .isEmpty();
    validated++;
    return response;
  }

  /** How many bodies were validated against a schema. */
  int validated() {
    return validated;
  }

  /** The schema at {@code pointer}, its {@code $ref}s resolved within the document. */
  private Schema schema(String pointer) {
    return schemas.computeIfAbsent(
        pointer,
        p -> {
          ObjectNode root = document.deepCopy();
          root.put("$ref", "#" + p);
          return registry.getSchema(root);
        });
  }

  private static String escape(String segment) {
    return segment.replace("~", "~0").replace("/", "~1");
  }
}
