// GET /openapi.json and GET /docs (Swagger UI from swagger-ui-dist, served locally: no CDN, CSP-friendly).
import { dirname, join } from 'node:path';
import { Router } from 'express';

const DIST = dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS = ['swagger-ui.css', 'swagger-ui-bundle.js', 'favicon-32x32.png'];

const PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>balance-check API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="/docs/swagger-ui-bundle.js"></script><script src="/docs/init.js"></script></body></html>`;
// A file, not an inline script: helmet's CSP allows scripts from 'self' only.
const INIT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });`;

export function createDocsRouter(document: Record<string, unknown>): Router {
  const router = Router();
  const body = JSON.stringify(document);
  router.get('/openapi.json', (_req, res) => void res.type('application/json').send(body));
  router.get('/docs', (_req, res) => void res.type('html').send(PAGE));
  router.get('/docs/init.js', (_req, res) => void res.type('application/javascript').send(INIT));
  for (const file of ASSETS) {
    router.get(`/docs/${file}`, (_req, res) => res.sendFile(join(DIST, file), { maxAge: '1h' }));
  }
  return router;
}
