import {
  createServiceLogger,
  EXPLICIT_SECRET_LOG_PATHS,
  REDACTED,
  SECRET_LOG_PATHS,
  type ServiceLoggerOptions,
} from '../src/index.js';

type Line = Record<string, unknown>;

function capture(options: Omit<ServiceLoggerOptions, 'destination'> = { service: { name: 'kit-test' } }) {
  const lines: string[] = [];
  const logger = createServiceLogger({ ...options, destination: { write: (line: string) => void lines.push(line) } });
  return { logger, lines, parsed: () => lines.map((line) => JSON.parse(line) as Line) };
}

/** `headers["x-api-key"]` -> ['headers', 'x-api-key']; a `*` becomes the given parent name. */
function segments(path: string, parent: string): string[] {
  return [...path.matchAll(/\["([^"]+)"\]|([^.[\]]+)/g)].map((match) => {
    const name = match[1] ?? match[2] ?? '';
    return name === '*' ? parent : name;
  });
}

function objectWith(path: readonly string[], value: string): Line {
  const [head, ...rest] = path;
  return { [head ?? '']: rest.length === 0 ? value : objectWith(rest, value) };
}

function valueAt(line: Line, path: readonly string[]): unknown {
  return path.reduce<unknown>((node, key) => (node as Line | undefined)?.[key], line);
}

describe('createServiceLogger', () => {
  it('writes JSON lines with the service name, an ISO time and the level asked for', () => {
    const { logger, parsed } = capture({ service: { name: 'gateway' }, level: 'warn' });
    logger.info('not written');
    logger.warn({ port: 3000 }, 'written');
    const lines = parsed();
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ service: 'gateway', msg: 'written', port: 3000, level: 40 });
    expect(String(lines[0]?.['time'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it.each(SECRET_LOG_PATHS.map((path) => [path]))('redacts %s', (path) => {
    const { logger, lines, parsed } = capture();
    // Wildcard paths must hold under any parent, so try two.
    const parents = path.startsWith('*.') ? ['upstream', 'payload'] : ['unused'];
    for (const parent of parents) {
      const where = segments(path, parent);
      const secret = `secret-${parent}-${path.replace(/\W+/g, '-')}`;
      logger.error({ ...objectWith(where, secret), requestId: 'r-1' }, 'oops');
      const line = parsed().at(-1) ?? {};
      expect(lines.at(-1)).not.toContain(secret);
      expect(valueAt(line, where)).toBe(REDACTED);
      expect(line['requestId']).toBe('r-1');
    }
  });

  it('leaves the fields next to a secret alone', () => {
    const { logger, parsed } = capture();
    logger.info(
      {
        headers: { 'x-api-key': 'secret-1', accept: 'application/json' },
        err: { token: 'secret-2', message: 'failed' },
      },
      'x',
    );
    expect(parsed()[0]).toMatchObject({
      headers: { 'x-api-key': REDACTED, accept: 'application/json' },
      err: { token: REDACTED, message: 'failed' },
    });
  });

  it('redacts every explicit path with the wildcard-free list a hot path uses', () => {
    expect(EXPLICIT_SECRET_LOG_PATHS.some((path) => path.includes('*'))).toBe(false);
    expect(SECRET_LOG_PATHS).toEqual(expect.arrayContaining([...EXPLICIT_SECRET_LOG_PATHS]));
    const { logger, lines, parsed } = capture({ service: { name: 'webhook' }, redactPaths: EXPLICIT_SECRET_LOG_PATHS });
    for (const path of EXPLICIT_SECRET_LOG_PATHS) {
      const where = segments(path, 'unused');
      logger.info(objectWith(where, 'secret-explicit'), 'oops');
      expect(valueAt(parsed().at(-1) ?? {}, where)).toBe(REDACTED);
    }
    expect(lines.join('')).not.toContain('secret-explicit');
  });

  // The lists the gateway and the webhook receiver kept before they shared one.
  const GATEWAY_BEFORE = [
    'authorization',
    'cookie',
    'apiKey',
    'token',
    'clientSecret',
    'client_secret',
    'privateKey',
    'privateKeyPem',
    'accessToken',
    'access_token',
    'refreshToken',
    'refresh_token',
    'headers.authorization',
    'headers.cookie',
    'headers["x-api-key"]',
    'headers["x-signature"]',
    '*.headers.authorization',
    '*.headers["x-api-key"]',
    '*.headers["x-signature"]',
    '*.authorization',
    '*.apiKey',
    '*.clientSecret',
    '*.client_secret',
    '*.privateKey',
    '*.privateKeyPem',
    '*.accessToken',
    '*.access_token',
    '*.refreshToken',
    '*.refresh_token',
  ];
  const WEBHOOK_FIELDS = [
    'authorization',
    'cookie',
    'token',
    'apiKey',
    'adminKey',
    'clientSecret',
    'client_secret',
    'privateKey',
    'accessToken',
    'access_token',
    'refreshToken',
    'refresh_token',
  ];
  const WEBHOOK_BEFORE = [
    ...WEBHOOK_FIELDS,
    ...WEBHOOK_FIELDS.map((field) => `err.${field}`),
    ...['authorization', 'cookie', 'x-admin-key', 'x-connectpay-webhook-token'].map((header) => `headers["${header}"]`),
  ];

  it.each([...new Set([...GATEWAY_BEFORE, ...WEBHOOK_BEFORE])].map((path) => [path]))(
    'still redacts %s, which one of the services redacted before',
    (path) => {
      const { logger, lines, parsed } = capture();
      const where = segments(path, 'upstream');
      logger.info(objectWith(where, 'secret-before'), 'oops');
      expect(lines[0]).not.toContain('secret-before');
      expect(valueAt(parsed()[0] ?? {}, where)).toBe(REDACTED);
    },
  );

  it.each(WEBHOOK_BEFORE.map((path) => [path]))("still redacts %s on the webhook's wildcard-free list", (path) => {
    const { logger, lines } = capture({ service: { name: 'webhook' }, redactPaths: EXPLICIT_SECRET_LOG_PATHS });
    logger.info(objectWith(segments(path, 'unused'), 'secret-before'), 'oops');
    expect(lines[0]).not.toContain('secret-before');
  });

  it('redacts nothing with an empty list (a logger whose lines cannot hold a secret)', () => {
    const { logger, parsed } = capture({ service: { name: 'gateway' }, redactPaths: [] });
    logger.info({ requestId: 'r-1', token: 'visible' }, 'request');
    expect(parsed()[0]).toMatchObject({ service: 'gateway', requestId: 'r-1', token: 'visible' });
  });
});
