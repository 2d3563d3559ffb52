/**
 * GET /docs: Swagger UI over /openapi.json, every file from this origin. The start-up code is a
 * file of its own (/docs/assets/docs.js), not an inline script, so the page's policy can be
 * script-src 'self' with nothing inline allowed.
 */
export const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Broadsheet API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
<link rel="stylesheet" href="/docs/assets/docs.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/docs.js"></script>
</body>
</html>
`;

// No validator badge: it would load an image from validator.swagger.io. No deep links: they put
// a link inside each operation's toggle button, which screen readers cannot reach (axe-core
// nested-interactive). Swagger UI's server picker is a <select> in an empty <label>, so it is
// named once rendered.
export const DOCS_SCRIPT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: false,
  validatorUrl: null,
  onComplete: () => document.getElementById('servers')?.setAttribute('aria-label', 'Server'),
});
`;

// Swagger UI's own colours fail WCAG AA contrast (white on #61affe is 2.3:1); these pass 4.5:1.
export const DOCS_STYLE = `.swagger-ui .opblock .opblock-summary-method{color:#000;text-shadow:none}
.swagger-ui .info .title small pre,.swagger-ui .info .title small.version-stamp{background:#3f6212}
.swagger-ui .info .url,.swagger-ui .info a{color:#1d4ed8}
.swagger-ui .btn.authorize{color:#166534;border-color:#166534}
.swagger-ui .btn.authorize svg{fill:#166534}
.swagger-ui .json-schema-2020-12-expand-deep-button{color:#4b5563}
`;

export const DOCS_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');
