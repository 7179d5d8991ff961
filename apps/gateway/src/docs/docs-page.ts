import { escapeHtml, htmlPage } from '../http/html.js';
import { OPERATIONS } from './openapi.js';

/** /docs: the endpoints as a page a person can read without a Swagger UI (no script, no CDN). */
export function renderDocsPage(): string {
  const rows = OPERATIONS.map(
    (operation) => `<tr>
<td><code>${operation.method.toUpperCase()}</code></td>
<td><code>${escapeHtml(operation.path)}</code></td>
<td>${escapeHtml(operation.summary)}</td>
<td>${operation.public ? '<span class="muted">none</span>' : '<code>x-api-key</code>'}</td>
<td>${Object.keys(operation.responses)
      .map((status) => `<code>${escapeHtml(status)}</code>`)
      .join(' ')}</td>
</tr>`,
  ).join('\n');
  return htmlPage(
    'ConnectPay gateway API',
    `<h1>ConnectPay gateway API</h1>
<p>Internal services call ConnectPay through this gateway. Send <code>x-api-key</code> on every <code>/v1</code> call
(<code>local-dev-key</code> in the local environment). The machine-readable document is
<a href="/docs/openapi.json">/docs/openapi.json</a> (OpenAPI 3.1).</p>
<h2>Endpoints</h2>
<table><thead><tr><th>Method</th><th>Path</th><th>What it does</th><th>Auth</th><th>Answers</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Errors</h2>
<p>Every error has one shape: <code>{"error":{"code","message","requestId","cause"?,"details"?,"provider"?:{"status","body"}}}</code>.
<code>provider</code> is ConnectPay's own answer, passed through. Every answer carries <code>x-request-id</code>.</p>
<h2>Example</h2>
<pre><code>curl -s localhost:3000/v1/merchant/payments -H 'x-api-key: local-dev-key' -H 'content-type: application/json' \\
  -d '{"merchant":{"redirectUrl":"https://shop.example/return"},"payment":{"paymentMethod":["PIS"],"providerCountryCode":"LT","instructedAmount":{"amount":"12.34","currency":"EUR"}},"identifiers":{"merchantReference":"order-1"}}'</code></pre>`,
  );
}
