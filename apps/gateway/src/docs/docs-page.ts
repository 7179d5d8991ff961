import { escapeHtml, htmlPage } from '../http/html.js';
import { DOCS_ASSETS_PATH } from './swagger-ui.js';

type JsonObject = Record<string, unknown>;

interface OperationRow {
  readonly method: string;
  readonly path: string;
  readonly summary: string;
  readonly isPublic: boolean;
  readonly statuses: readonly string[];
}

/**
 * /docs: Swagger UI over /docs/openapi.json, from the gateway's own copy of swagger-ui-dist (no CDN).
 * Without JavaScript (curl, a text browser) the page still lists every operation, from the same document.
 */
export function renderDocsPage(document: JsonObject): string {
  const rows = operationsOf(document)
    .map(
      (operation) => `<tr>
<td><code>${escapeHtml(operation.method.toUpperCase())}</code></td>
<td><code>${escapeHtml(operation.path)}</code></td>
<td>${escapeHtml(operation.summary)}</td>
<td>${operation.isPublic ? '<span class="muted">none</span>' : '<code>x-api-key</code>'}</td>
<td>${operation.statuses.map((status) => `<code>${escapeHtml(status)}</code>`).join(' ')}</td>
</tr>`,
    )
    .join('\n');
  return htmlPage(
    'ConnectPay gateway API',
    `<link rel="stylesheet" href="${DOCS_ASSETS_PATH}/swagger-ui.css">
<link rel="icon" type="image/png" href="${DOCS_ASSETS_PATH}/favicon-32x32.png">
<div id="swagger-ui"></div>
<noscript>
<h1>ConnectPay gateway API</h1>
<p>Internal services call ConnectPay through this gateway. Send <code>x-api-key</code> on every <code>/v1</code> call
(<code>local-dev-key</code> in the local environment).
The machine-readable document is <a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3.1); the service's
state is on <a href="/status">/status</a>.</p>
<h2>Endpoints</h2>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Auth</th><th>Answers</th></tr></thead>
<tbody>
${rows}
</tbody></table>
</noscript>
<script src="${DOCS_ASSETS_PATH}/swagger-ui-bundle.js" charset="utf-8"></script>
<script src="${DOCS_ASSETS_PATH}/docs.js" charset="utf-8"></script>`,
    'body{max-width:90rem}',
  );
}

function operationsOf(document: JsonObject): OperationRow[] {
  const paths = (document['paths'] ?? {}) as Record<string, Record<string, JsonObject>>;
  return Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, operation]) => ({
      method,
      path,
      summary: String(operation['summary'] ?? ''),
      isPublic: Array.isArray(operation['security']) && operation['security'].length === 0,
      statuses: Object.keys((operation['responses'] ?? {}) as JsonObject),
    })),
  );
}
