/* Starts Swagger UI on /api/v1/docs from the settings the page carries (no inline script). */
(function () {
  const body = document.body.dataset;
  const config = JSON.parse(document.getElementById("swagger-settings").textContent);
  config.dom_id = "#swagger-ui";
  config.presets = [SwaggerUIBundle.presets.apis, SwaggerUIBundle.SwaggerUIStandalonePreset];
  if (body.apiCsrf && body.csrfToken) {
    config.requestInterceptor = (req) => { req.headers["X-CSRFToken"] = body.csrfToken; return req; };
  }
  window.ui = SwaggerUIBundle(config);
})();
