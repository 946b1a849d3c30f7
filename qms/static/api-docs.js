/* Starts Swagger UI on /api/docs (qms/api_docs.py) from the files shipped with qms; a file
   rather than an inline script, so that a Content-Security-Policy without 'unsafe-inline'
   allows it. */
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: root.dataset.openapiUrl,
    domNode: root,
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    validatorUrl: null,
    persistAuthorization: false,
    tryItOutEnabled: false
  });
})();
