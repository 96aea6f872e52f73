// Renders the API reference from this deployment's own OpenAPI document with
// the Swagger UI bundle beside this file: no inline script (the CSP allows none)
// and no request to any other host (validatorUrl: null turns off the badge that
// would call validator.swagger.io).
(() => {
  const root = document.getElementById("swagger-ui");
  if (typeof window.SwaggerUIBundle !== "function") {
    root.removeAttribute("aria-busy");
    root.querySelector(".docs-loading").textContent = "The API reference viewer did not load. The API is described at /v1/openapi.json.";
    return;
  }
  window.ui = window.SwaggerUIBundle({
    url: "/v1/openapi.json",
    domNode: root,
    deepLinking: false,
    validatorUrl: null,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    docExpansion: "list",
    defaultModelsExpandDepth: 0,
    displayOperationId: true,
    displayRequestDuration: true,
    filter: true,
    persistAuthorization: false,
    withCredentials: false,
    onComplete: () => {
      // Swagger UI shows "Servers" as plain text beside its select: give the select that name.
      root.querySelector("select#servers")?.setAttribute("aria-label", "Server");
      root.removeAttribute("aria-busy");
    },
  });
})();
