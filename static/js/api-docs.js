// Swagger UI for /docs, from the pinned swagger-ui-py package served by this site (no CDN, no
// inline script: the Content-Security-Policy allows scripts from this site only).
window.addEventListener("load", function () {
  var box = document.getElementById("swagger-ui");
  window.ui = SwaggerUIBundle({
    url: box.dataset.url,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
  });
});
