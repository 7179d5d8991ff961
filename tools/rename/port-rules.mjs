// Every place a default port lives, as file + pattern pairs. A pattern is literal text with
// {gateway}, {webhook}, {sandboxMtls} or {sandboxOneway} where the port stands; any run of spaces
// in a pattern matches any run of white space (so a reflowed Markdown line still matches). Only the
// port digits inside a match are rewritten, so "3000" as a timeout or a test value is never touched.
// tools/test/rename.spec.ts fails when a pattern stops matching its file: when you move or reword a
// default, update its pattern here in the same change.

/** @type {readonly { file: string; patterns: readonly string[] }[]} */
export const PORT_RULES = Object.freeze([
  // The sources of truth.
  {
    file: 'apps/gateway/src/bootstrap/settings.ts',
    patterns: ['GATEWAY_PORT: integer(0, 65_535, {gateway})'],
  },
  {
    file: 'apps/webhook/src/bootstrap/settings.ts',
    patterns: ['WEBHOOK_PORT: integer(0, 65_535, {webhook})'],
  },
  {
    // The sandbox's only copy: apps/sandbox and LOCAL_BASE_URLS use SANDBOX_DEFAULT_PORTS, and
    // tools/test/compose.spec.ts reads it from here for the compose checks.
    file: 'packages/config/src/variables.ts',
    patterns: ['SANDBOX_DEFAULT_PORTS = Object.freeze({ mtls: {sandboxMtls}, oneway: {sandboxOneway} }'],
  },
  {
    file: 'apps/gateway/src/docs/openapi.ts',
    patterns: ['curl -s localhost:{gateway}/v1/merchant/payments'],
  },
  // This tool's own record of the current defaults.
  {
    file: 'tools/rename/current.mjs',
    patterns: [
      'gateway: {gateway},',
      'webhook: {webhook},',
      'sandboxMtls: {sandboxMtls},',
      'sandboxOneway: {sandboxOneway},',
    ],
  },

  // Images and the Compose topology.
  {
    // The three apps' targets share this file: each pattern carries the port of the app whose stage holds it.
    file: 'Dockerfile',
    patterns: [
      'EXPOSE {gateway}',
      "fetch('http://127.0.0.1:{gateway}/health/ready')",
      'EXPOSE {webhook}',
      "fetch('http://127.0.0.1:{webhook}/health/ready')",
      'EXPOSE {sandboxMtls} {sandboxOneway}',
      "get('https://127.0.0.1:{sandboxOneway}/sandbox/v1/health'",
    ],
  },
  {
    file: 'docker-compose.yml',
    patterns: [
      '> gateway :{gateway}',
      '> webhook-1 :{webhook}',
      'CONNECTPAY_LOCAL_MTLS_URL: https://sandbox:{sandboxMtls}',
      'CONNECTPAY_LOCAL_ONEWAY_URL: https://sandbox:{sandboxOneway}',
      'WEBHOOK_PUBLIC_URL: http://localhost:{webhook}',
      "fetch('http://127.0.0.1:{webhook}/health/ready')",
      'SANDBOX_WEBHOOK_URL: http://webhook-1:{webhook}/webhooks/',
      'POST https://localhost:{sandboxOneway}/sandbox/v1/payments/',
      'SANDBOX_PUBLIC_ONEWAY_URL: https://localhost:{sandboxOneway}',
      "'127.0.0.1:{sandboxMtls}:{sandboxMtls}'",
      "'127.0.0.1:{sandboxOneway}:{sandboxOneway}'",
      "get('https://127.0.0.1:{sandboxOneway}/sandbox/v1/health'",
      'GATEWAY_NOTIFICATION_URL: http://webhook-2:{webhook}/notifications/payments',
      "'127.0.0.1:{gateway}:{gateway}'",
      "fetch('http://127.0.0.1:{gateway}/health/ready')",
      "'127.0.0.1:{webhook}:{webhook}'",
      ":3002:{webhook}'",
    ],
  },

  // Tests that assert a default (tests that pass a port as an arbitrary value are left alone).
  {
    file: 'apps/gateway/test/settings.spec.ts',
    patterns: ['port {gateway} on loopback', 'port: {gateway},'],
  },
  {
    file: 'apps/webhook/test/settings.spec.ts',
    patterns: ['port: {webhook},'],
  },
  {
    file: 'packages/config/test/local.spec.ts',
    patterns: ["{ mtls: 'https://127.0.0.1:{sandboxMtls}', oneway: 'https://127.0.0.1:{sandboxOneway}' }"],
  },
  {
    file: 'packages/config/test/nest.spec.ts',
    patterns: ["baseUrls.oneway).toBe('https://127.0.0.1:{sandboxOneway}')"],
  },
  // Scripts.
  {
    file: 'tools/fresh-clone.sh',
    patterns: [
      'Ports: GATEWAY_PORT ({gateway}), SANDBOX_MTLS_PORT ({sandboxMtls}),',
      '# SANDBOX_ONEWAY_PORT ({sandboxOneway}); set them',
      'GATEWAY_PORT:-{gateway}}',
      'SANDBOX_MTLS_PORT:-{sandboxMtls}}',
      'SANDBOX_ONEWAY_PORT:-{sandboxOneway}}',
    ],
  },

  // Documentation.
  {
    file: 'README.md',
    patterns: [
      '(mTLS on :{sandboxMtls}, one-way on :{sandboxOneway})',
      'http://localhost:{gateway}',
      'localhost:{gateway}/v1/merchant/payments',
      'https://localhost:{sandboxOneway}/sandbox/v1/payments/',
    ],
  },
  {
    file: 'apps/gateway/README.md',
    patterns: [
      'the gateway on :{gateway}',
      'localhost:{gateway}/v1/merchant/payments',
      '"redirectUrl":"https://127.0.0.1:{sandboxOneway}/sandbox/pay/',
      'http://localhost:{gateway}/',
      'listening port (0 picks a free one) | `{gateway}`',
      'gateway.listen(); // http://127.0.0.1:{gateway}',
    ],
  },
  {
    file: 'apps/webhook/README.md',
    patterns: [
      'SANDBOX_WEBHOOK_URL=http://127.0.0.1:{webhook}/webhooks/',
      '# terminal 2, :{webhook}',
      '`http://127.0.0.1:{webhook}/notifications/payments`',
      'localhost:{webhook}/admin/dead-letters',
      'localhost:{webhook}/metrics',
      'http://127.0.0.1:{webhook}/auth/start',
      'listening port (0 picks a free one) | `{webhook}`',
      'webhook.listen(); // http://127.0.0.1:{webhook}',
    ],
  },
  {
    file: 'apps/sandbox/README.md',
    patterns: [
      'two-way (mTLS) | `https://127.0.0.1:{sandboxMtls}`',
      'one-way TLS | `https://127.0.0.1:{sandboxOneway}`',
      '`SANDBOX_MTLS_PORT`, `SANDBOX_ONEWAY_PORT` | `{sandboxMtls}`, `{sandboxOneway}`',
    ],
  },
  {
    file: 'packages/config/README.md',
    patterns: [
      '`https://127.0.0.1:{sandboxMtls}` (sandbox)',
      '`https://127.0.0.1:{sandboxOneway}` (sandbox)',
      'SANDBOX_DEFAULT_PORTS = { mtls: {sandboxMtls}, oneway: {sandboxOneway} }',
    ],
  },
  {
    file: 'packages/hosts/README.md',
    patterns: ["{ mtls: 'https://127.0.0.1:{sandboxMtls}' } }); // the sandbox"],
  },
  {
    file: 'docs/README.md',
    patterns: ['`localhost:{gateway}`, `:{webhook}`, `:{sandboxMtls}` and `:{sandboxOneway}`'],
  },
  {
    file: 'docs/adding-an-api.md',
    patterns: ['localhost:{gateway}/v1/catalog/'],
  },
  {
    file: 'docs/environments.md',
    patterns: [
      'sandbox `https://127.0.0.1:{sandboxMtls}`',
      'sandbox `https://127.0.0.1:{sandboxOneway}`',
      'serves the gateway on :{gateway}.',
      '(`https://0.0.0.0:{sandboxOneway}/…`)',
      '`https://sandbox:{sandboxOneway}`',
      'localhost:{gateway}/health/ready',
    ],
  },
  {
    file: 'docs/operating-webhooks.md',
    patterns: [
      'localhost:{webhook}/',
      'localhost:{gateway}/v1/merchant/payments',
      'https://localhost:{sandboxOneway}/sandbox/v1/payments/',
      'https://localhost:{sandboxOneway}/sandbox/v1/events',
      'https://localhost:{sandboxOneway}/sandbox/v1/webhook-subscription',
    ],
  },
  {
    file: 'docs/rotating-certificates.md',
    patterns: ['localhost:{gateway}/'],
  },
  {
    file: 'docs/security-model.md',
    patterns: ['localhost:{gateway}/', 'localhost:{webhook}/webhooks/'],
  },
]);

/**
 * Text that puts a default's digits after a colon without being that default: a timeout, or a URL a
 * test passes as a plain value (hosts' resolve() and the config's URL checks take any URL). The
 * rename leaves these alone; tools/test/rename.spec.ts fails on any other ":<default port>" that no
 * rule above covers, so a new mention of a default cannot be missed.
 */
/** @type {readonly { file: string; texts: readonly string[] }[]} */
export const NOT_DEFAULTS = Object.freeze([
  { file: 'Dockerfile', texts: ['timeout:3000'] },
  { file: 'docker-compose.yml', texts: ['timeout:3000'] },
  { file: 'packages/config/test/local.spec.ts', texts: ['https://sandbox.internal:8444'] },
  {
    file: 'packages/config/test/urls.spec.ts',
    texts: ["'https://127.0.0.1:8444'", "'http://127.0.0.1:8443'", '@localhost:8444'],
  },
  // A redirect URL as a test value of the local rule (http allowed), not the receiver's default.
  { file: 'packages/transport/test/oauth-provider-forms.spec.ts', texts: ["'http://127.0.0.1:3001/auth/callback'"] },
  {
    file: 'packages/hosts/test/resolve.spec.ts',
    texts: ['https://127.0.0.1:8443', 'https://127.0.0.1:8444', 'http://127.0.0.1:8443'],
  },
]);
