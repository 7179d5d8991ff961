import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export interface DocsAsset {
  readonly contentType: string;
  readonly body: Buffer;
}

/** Where the page finds its files: served by the gateway itself, so /docs works offline and behind a strict CSP. */
export const DOCS_ASSETS_PATH = '/docs/assets';

/**
 * Swagger UI's settings. An external file rather than an inline script, so the page's CSP can stay
 * `script-src 'self'`. Operations open from a deep link (`/docs#/merchant/MerchantPayments_create`),
 * request bodies show their schema (fields, allowed values, patterns) rather than an example, and
 * `validatorUrl: null` keeps the page from asking swagger.io to validate the document.
 */
const INITIALIZER = `window.addEventListener('load', function () {
  window.ui = SwaggerUIBundle({
    url: '/docs/openapi.json',
    dom_id: '#swagger-ui',
    deepLinking: true,
    docExpansion: 'list',
    defaultModelRendering: 'model',
    defaultModelExpandDepth: 5,
    defaultModelsExpandDepth: 0,
    displayRequestDuration: true,
    showCommonExtensions: true,
    validatorUrl: null,
  });
});
`;

/** The files swagger-ui-dist ships that the page uses, read once from node_modules at startup. */
export function loadDocsAssets(): ReadonlyMap<string, DocsAsset> {
  const dist = dirname(createRequire(import.meta.url).resolve('swagger-ui-dist/package.json'));
  const file = (name: string) => readFileSync(join(dist, name));
  return new Map<string, DocsAsset>([
    ['swagger-ui.css', { contentType: 'text/css; charset=utf-8', body: file('swagger-ui.css') }],
    ['swagger-ui-bundle.js', { contentType: 'text/javascript; charset=utf-8', body: file('swagger-ui-bundle.js') }],
    ['favicon-32x32.png', { contentType: 'image/png', body: file('favicon-32x32.png') }],
    ['docs.js', { contentType: 'text/javascript; charset=utf-8', body: Buffer.from(INITIALIZER) }],
  ]);
}

/**
 * The page's Content-Security-Policy: its own scripts and styles only (Swagger UI sets style
 * attributes, hence 'unsafe-inline' for styles), data: images for its icons, and fetches to the
 * gateway itself (the document, and "Try it out").
 */
export const DOCS_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
