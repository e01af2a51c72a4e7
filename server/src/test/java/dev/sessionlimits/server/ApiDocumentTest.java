package dev.sessionlimits.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.sessionlimits.server.apidocs.OpenApiDocument;
import dev.sessionlimits.server.http.ApiError;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document at {@code /api/v1/openapi.json} describes exactly the routes the server
 * registers, is valid OpenAPI 3.1, names every error code, and is served with an ETag; Swagger UI
 * is served at {@code /api/docs/} from the webjar, under its own Content-Security-Policy.
 */
class ApiDocumentTest {

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");

  private static TestServer t;
  private static JsonNode document;

  @BeforeAll
  static void start() {
    t = TestServer.start();
    document = t.browser().get("/api/v1/openapi.json").json();
  }

  @AfterAll
  static void stop() {
    t.close();
  }

  @Test
  void everyRouteTheServerRegistersIsAnOperationOfTheDocument() {
    assertThat(operations())
        .as("the document's operations, for each route the server registers")
        .containsAll(registeredRoutes());
  }

  @Test
  void everyOperationOfTheDocumentIsARouteTheServerRegisters() {
    Set<String> routes = registeredRoutes();
    assertThat(routes)
        .as("the routes of the server, for each operation of the document")
        .containsAll(operations());
  }

  @Test
  void theDocumentIsValidOpenApi31() {
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult result =
        new OpenAPIParser()
            .readContents(t.browser().get("/api/v1/openapi.json").text(), null, options);
    assertThat(result.getMessages()).as("swagger-parser's complaints").isEmpty();
    assertThat(result.getOpenAPI().getOpenapi()).isEqualTo("3.1.0");
    assertThat(result.getOpenAPI().getInfo().getVersion()).isEqualTo(Version.CURRENT);
    assertThat(result.getOpenAPI().getPaths()).hasSizeGreaterThan(30);
  }

  @Test
  void theErrorSchemaNamesEveryErrorCodeOfTheServerAndNoOther() {
    Set<String> documented = new TreeSet<>();
    document
        .at("/components/schemas/Error/properties/error/enum")
        .forEach(code -> documented.add(code.asText()));
    Set<String> codes = new TreeSet<>();
    Arrays.stream(ApiError.values()).map(ApiError::code).forEach(codes::add);
    assertThat(documented).isEqualTo(codes);
  }

  @Test
  void theDocumentIsTheMergeOfItsPartsAndIsRevalidatedByItsEtag() {
    assertThat(document).isEqualTo(OpenApiDocument.load(Version.CURRENT).json());
    Browser.Response first = t.browser().get("/api/v1/openapi.json");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("Content-Type")).startsWith("application/json");
    assertThat(first.header("Cache-Control")).isEqualTo("no-cache");
    String etag = first.header("ETag");
    assertThat(etag).matches("\"[0-9a-f]{64}\"");
    Browser.Response again = t.browser().get("/api/v1/openapi.json", "If-None-Match", etag);
    assertThat(again.status()).isEqualTo(304);
    assertThat(again.text()).isEmpty();
  }

  @Test
  void swaggerUiIsServedFromTheWebjarWithAPageThatPointsToTheDocument() {
    Browser browser = t.browser();
    Browser.Response redirect = browser.get("/api/docs");
    assertThat(redirect.status()).isEqualTo(302);
    assertThat(redirect.header("Location")).isEqualTo("docs/");
    Browser.Response page = browser.get("/api/docs/");
    assertThat(page.status()).isEqualTo(200);
    assertThat(page.header("Content-Type")).startsWith("text/html");
    assertThat(page.text()).contains("swagger-ui-bundle.js", "swagger-initializer.js");
    assertThat(page.text()).doesNotContain("<script>", "petstore");
    Browser.Response initializer = browser.get("/api/docs/swagger-initializer.js");
    assertThat(initializer.text()).contains("../v1/openapi.json").doesNotContain("petstore");
    Browser.Response bundle = browser.get("/api/docs/swagger-ui-bundle.js");
    assertThat(bundle.status()).isEqualTo(200);
    assertThat(bundle.header("Content-Type")).startsWith("text/javascript");
    assertThat(bundle.text()).contains("SwaggerUIBundle");
    assertThat(browser.get("/api/docs/swagger-ui.css").header("Content-Type"))
        .startsWith("text/css");
  }

  @Test
  void swaggerUiGetsAPolicyOfItsOwnWithoutInlineScriptOrEvalAndTheRestKeepTheStrictOne() {
    Browser browser = t.browser();
    for (String path : new String[] {"/api/docs/", "/api/docs/swagger-ui-bundle.js"}) {
      String policy = browser.get(path).header("Content-Security-Policy");
      assertThat(policy)
          .as(path)
          .contains("script-src 'self';")
          .doesNotContain("unsafe-eval", "unsafe-inline");
    }
    assertThat(browser.get("/api/v1/openapi.json").header("Content-Security-Policy"))
        .isEqualTo(HttpSetup.SECURITY_HEADERS.get("Content-Security-Policy"));
  }

  @Test
  void aFileSwaggerUiDoesNotHaveIsNotFoundAndNoOtherFileOfTheClasspathIsServed() {
    Browser browser = t.browser();
    for (String path :
        new String[] {
          "/api/docs/petstore.json",
          "/api/docs/index.html",
          "/api/docs/..%2Fopenapi%2Fbase.json",
          "/api/docs/swagger-ui.js.map"
        }) {
      Browser.Response r = browser.get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(r.error()).as(path).isEqualTo("not_found");
    }
  }

  /**
   * Each route of the server as {@code "METHOD /path"}, Javalin's {@code <rest>} as {@code {rest}}.
   */
  private static Set<String> registeredRoutes() {
    Set<String> routes = new TreeSet<>();
    for (String route : t.server.routes()) {
      routes.add(route.replace('<', '{').replace('>', '}'));
    }
    return routes;
  }

  private static Set<String> operations() {
    Set<String> operations = new TreeSet<>();
    for (Map.Entry<String, JsonNode> path : document.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> operation : path.getValue().properties()) {
        if (METHODS.contains(operation.getKey())) {
          operations.add(operation.getKey().toUpperCase(Locale.ROOT) + " " + path.getKey());
        }
      }
    }
    return operations;
  }
}
