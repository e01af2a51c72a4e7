package dev.sessionlimits.server.apidocs;

import dev.sessionlimits.server.http.ApiError;
import dev.sessionlimits.server.http.Sentence;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The API's own description: the OpenAPI document at {@code GET /api/v1/openapi.json}, and Swagger
 * UI for it at {@code /api/docs/}, its files served from the {@code org.webjars:swagger-ui} jar (no
 * CDN), with this server's own page and initializer, which point it to the document.
 *
 * <p>Design note. Swagger UI needs a little more than the web UI's Content-Security-Policy: it
 * draws its icons from {@code data:} images and adds one {@code <style>} element. Only its own
 * answers get that policy ({@link #DOCS_POLICY}: {@code data:} images, and that one style by its
 * hash); scripts stay {@code 'self'} alone (no inline script, no eval), so the page's script is a
 * file of its own.
 */
public final class ApiDocsRoutes {

  /** The path of the document. */
  public static final String DOCUMENT = "/api/v1/openapi.json";

  /** The path of Swagger UI's page. */
  public static final String UI = "/api/docs/";

  /**
   * The one {@code <style>} element Swagger UI's bundle adds (of swagger-ui 5.35.0), allowed by its
   * hash rather than every inline style. A newer webjar with another one is caught by {@code
   * ApiDocsUiTest}, which fails on any policy violation and names the new hash.
   */
  static final String SWAGGER_UI_STYLE = "sha256-RL3ie0nH+Lzz2YNqQN83mnU0J1ot4QL7b99vMdIX99w=";

  /** The Content-Security-Policy of Swagger UI's page and files. */
  static final String DOCS_POLICY =
      "default-src 'self'; script-src 'self';"
          + " style-src 'self' '"
          + SWAGGER_UI_STYLE
          + "'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none';"
          + " base-uri 'self'; form-action 'self'; frame-ancestors 'self'";

  private static final String WEBJAR = "/META-INF/resources/webjars/swagger-ui/";
  private static final String OWN = "/apidocs/";

  /** The files of Swagger UI the page loads, by name, with their media types. */
  private static final Map<String, String> WEBJAR_FILES =
      Map.of(
          "swagger-ui.css", "text/css",
          "index.css", "text/css",
          "swagger-ui-bundle.js", "text/javascript",
          "swagger-ui-standalone-preset.js", "text/javascript",
          "favicon-32x32.png", "image/png",
          "favicon-16x16.png", "image/png");

  private static final String INITIALIZER = "swagger-initializer.js";

  private final OpenApiDocument document;
  private final String swaggerUiVersion;
  private final Map<String, Asset> files = new ConcurrentHashMap<>();

  /**
   * Serves {@code document}, and Swagger UI from the webjar on the classpath.
   *
   * @throws IllegalStateException if the Swagger UI webjar is not on the classpath
   */
  public ApiDocsRoutes(OpenApiDocument document) {
    this.document = document;
    this.swaggerUiVersion = swaggerUiVersion();
  }

  /** Adds the document's and Swagger UI's routes to {@code routes}. */
  public void register(RoutesConfig routes) {
    routes.get(DOCUMENT, this::document);
    routes.get(UI, this::page);
    routes.get(UI + "{file}", this::file);
  }

  private void document(Context ctx) {
    send(ctx, "application/json", document.etag(), document.bytes());
  }

  /** The page; {@code /api/docs} (without the slash) is sent to {@code /api/docs/}. */
  private void page(Context ctx) {
    ctx.header("Content-Security-Policy", DOCS_POLICY);
    if (!ctx.path().endsWith("/")) {
      // Relative, so that a proxy's path prefix stays: the page's own URLs are relative too.
      ctx.status(302).header("Location", "docs/").result("");
      return;
    }
    send(ctx, "text/html; charset=utf-8", resource(OWN + "index.html"));
  }

  private void file(Context ctx) {
    ctx.header("Content-Security-Policy", DOCS_POLICY);
    String name = ctx.pathParam("file");
    if (INITIALIZER.equals(name)) {
      send(ctx, "text/javascript", resource(OWN + INITIALIZER));
      return;
    }
    String type = WEBJAR_FILES.get(name);
    if (type == null) {
      throw ApiError.NOT_FOUND.exception(Sentence.of("apidocs.no_file", name));
    }
    send(ctx, type, resource(WEBJAR + swaggerUiVersion + "/" + name));
  }

  /** A file read once: its bytes and their ETag. */
  private record Asset(byte[] bytes, String etag) {}

  private static void send(Context ctx, String type, Asset asset) {
    send(ctx, type, asset.etag(), asset.bytes());
  }

  /**
   * Answers {@code bytes} with {@code etag}, or 304 when the client has them: they change only with
   * the server's release, and are revalidated (not {@code no-store}) like the web UI's files.
   */
  private static void send(Context ctx, String type, String etag, byte[] bytes) {
    ctx.header("Cache-Control", "no-cache").header("ETag", etag);
    if (etag.equals(ctx.header("If-None-Match"))) {
      ctx.status(304);
      return;
    }
    ctx.contentType(type).result(bytes);
  }

  private Asset resource(String path) {
    return files.computeIfAbsent(
        path,
        p -> {
          try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(p)) {
            if (in == null) {
              throw new IllegalStateException("The classpath has no " + p);
            }
            byte[] bytes = in.readAllBytes();
            return new Asset(bytes, OpenApiDocument.etag(bytes));
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        });
  }

  private static String swaggerUiVersion() {
    String properties = "/META-INF/maven/org.webjars/swagger-ui/pom.properties";
    try (InputStream in = ApiDocsRoutes.class.getResourceAsStream(properties)) {
      if (in == null) {
        throw new IllegalStateException(
            "Swagger UI (org.webjars:swagger-ui) is not on the classpath: no " + properties);
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
