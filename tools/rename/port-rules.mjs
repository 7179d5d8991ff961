// Where the apps' default ports are written, and how a default is told from the same digits. In a file
// of PORT_FILES, every whole number equal to a default (not part of a longer number or word) is that
// default and is renamed, except inside the texts NOT_DEFAULTS lists for the file: the same digits as a
// timeout or a test value. tools/test/rename.spec.ts fails when a listed file holds no default any more,
// when an exception is gone from its file, and when any other file puts a default's digits after a colon
// (`localhost:<port>`) without an exception: then add the file here, or its text to NOT_DEFAULTS.

/** The four defaults, in the order the CLI and the summary show them. */
export const PORT_KINDS = Object.freeze([
  { key: 'gateway', option: 'gateway-port', label: 'gateway port' },
  { key: 'webhook', option: 'webhook-port', label: 'webhook port' },
  { key: 'sandboxMtls', option: 'sandbox-mtls-port', label: 'sandbox mTLS port' },
  { key: 'sandboxOneway', option: 'sandbox-oneway-port', label: 'sandbox one-way port' },
]);

export const PORT_FILES = Object.freeze([
  // The sources of truth (the sandbox has no copy: it reads SANDBOX_DEFAULT_PORTS of packages/config).
  'apps/gateway/src/bootstrap/settings.ts',
  'apps/webhook/src/bootstrap/settings.ts',
  'packages/config/src/variables.ts',
  'apps/gateway/src/docs/openapi.ts',
  'tools/rename/current.mjs',
  // Images, the Compose topology, the script of the README's promise.
  'Dockerfile',
  'docker-compose.yml',
  'tools/fresh-clone.sh',
  // Tests that assert a default (tests that pass a port as an arbitrary value are not listed).
  'apps/gateway/test/settings.spec.ts',
  'apps/webhook/test/settings.spec.ts',
  'packages/config/test/local.spec.ts',
  'packages/config/test/nest.spec.ts',
  // Documentation.
  'README.md',
  'apps/gateway/README.md',
  'apps/webhook/README.md',
  'apps/sandbox/README.md',
  'packages/config/README.md',
  'packages/hosts/README.md',
  'docs/README.md',
  'docs/adding-an-api.md',
  'docs/environments.md',
  'docs/operating-webhooks.md',
  'docs/rotating-certificates.md',
  'docs/security-model.md',
]);

/** Texts holding a default's digits that are not that default, per file. */
export const NOT_DEFAULTS = Object.freeze({
  Dockerfile: ['timeout:3000'],
  'docker-compose.yml': ['timeout:3000'],
  'apps/sandbox/README.md': ['`3000`: the time between'],
  'packages/config/test/local.spec.ts': ['https://sandbox.internal:8444'],
  'packages/config/test/urls.spec.ts': ["'https://127.0.0.1:8444'", "'http://127.0.0.1:8443'", '@localhost:8444'],
  // A redirect URL as a test value of the local rule (http allowed), not the receiver's default.
  'packages/transport/test/oauth-provider-forms.spec.ts': ["'http://127.0.0.1:3001/auth/callback'"],
  'packages/hosts/test/resolve.spec.ts': ['https://127.0.0.1:8443', 'https://127.0.0.1:8444', 'http://127.0.0.1:8443'],
});

export const escape = (text) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/**
 * Where the given ports sit in a text: every whole number equal to one of them (not part of a longer
 * number, word or dotted version), outside the `exceptions` texts.
 */
export function portSpans(text, ports, exceptions = []) {
  const kinds = new Map(Object.entries(ports).map(([kind, port]) => [String(port), kind]));
  const excepted = exceptions.flatMap((known) =>
    [...text.matchAll(new RegExp(escape(known), 'g'))].map((m) => [m.index, m.index + known.length]),
  );
  return [...text.matchAll(new RegExp(`(?<![\\w.])(?:${[...kinds.keys()].join('|')})(?!\\w)`, 'g'))]
    .filter((m) => !excepted.some(([start, end]) => start <= m.index && m.index < end))
    .map((m) => ({ start: m.index, end: m.index + m[0].length, kind: kinds.get(m[0]) }));
}
