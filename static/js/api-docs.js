// Starts Swagger UI (served from /static/ by drf-spectacular-sidecar) on the API's
// documentation page; the schema's address comes from the page (no inline script, CSP).
(function () {
  "use strict";
  var el = document.getElementById("swagger-ui");
  if (!el || typeof SwaggerUIBundle === "undefined") { return; }
  SwaggerUIBundle({
    url: el.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: false,
    // Only reading: no "Try it out" for methods the API refuses anyway.
    supportedSubmitMethods: ["get"],
    // No call to the public validator (it is not this origin: the CSP forbids it).
    validatorUrl: null,
    defaultModelsExpandDepth: 0,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
}());
