// Swagger UI for this server's own API document (not the webjar's example). The URL is relative
// to the page, /api/docs/, so it also works behind a proxy that adds a path prefix. No validator
// badge: it would call validator.swagger.io, outside this server.
window.addEventListener("load", function () {
  window.ui = SwaggerUIBundle({
    url: new URL("../v1/openapi.json", window.location.href).href,
    dom_id: "#swagger-ui",
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: "StandaloneLayout",
  });
});
