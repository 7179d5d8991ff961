// The published packages as a company's registry would serve them (issue 7): each is packed the way
// `npm publish` packs it, the tarballs are installed into a fresh project outside the workspace, and that
// project uses them as a consumer does: ESM imports and require(), the cert-check bin, TypeScript through
// the exports map, and a publish through .npmrc.publish.example to a registry on 127.0.0.1.
// It packs the built dist/ folders: nx builds them before tools' tests (`^build`).
import { randomBytes } from 'node:crypto';
import {
  cpSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { text } from 'node:stream/consumers';
import { join } from 'node:path';
import { cleanEnvironment, runCommand } from '../docs/stack.js';
import { WORKSPACE_ROOT } from '../workspace.js';

/** Nx project name (nx.json release.projects) -> folder. */
const PUBLISHED = Object.entries({
  hosts: 'packages/hosts',
  config: 'packages/config',
  certs: 'packages/certs',
  transport: 'packages/transport',
  storage: 'packages/storage',
  'testing-pki': 'packages/testing-pki',
  'cert-check': 'apps/cert-check',
}).map(([project, dir]) => ({ project, dir }));
const LIBRARIES = PUBLISHED.filter((p) => p.project !== 'cert-check').map((p) => p.dir);
const PRIVATE = ['apps/gateway', 'apps/sandbox', 'apps/webhook', 'packages/service-kit', 'tools'];
const SCOPE = '@connectpay-kit/';

type DependencyField = 'dependencies' | 'devDependencies' | 'peerDependencies';
interface Manifest extends Partial<Record<DependencyField, Record<string, string>>> {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  exports?: Record<string, string | Record<string, string>>;
  publishConfig?: Record<string, unknown>;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const manifestOf = (dir: string): Manifest => readJson<Manifest>(join(WORKSPACE_ROOT, dir, 'package.json'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

/** A consumer's shell: nothing of the workspace's npm run or PATH, so a bin or a package can only come from the tarballs. */
const consumerEnv = cleanEnvironment({}, true);
const run = (command: string, args: string[], cwd: string, options?: { anyExit?: boolean; env?: typeof consumerEnv }) =>
  runCommand(command, args, { cwd, env: consumerEnv, ...options });

/** Every non-test .ts file under src/, as the .js and .d.ts paths tsc writes for it under `outDir`. */
function expectedOutputs(projectDir: string, outDir: string): string[] {
  return readdirSync(join(WORKSPACE_ROOT, projectDir, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((path) => path.endsWith('.ts') && !path.endsWith('.spec.ts'))
    .flatMap((path) => ['.js', '.d.ts'].map((ext) => `${outDir}/${path.replace(/\.ts$/, ext)}`));
}

// The consumer project's programs. They import the packages by name, so they can only see what the
// tarballs and their exports maps provide.
const MAKE_FILES = `
import { writeFileSync } from 'node:fs';
import { createChain, toPem } from '@connectpay-kit/testing-pki';
const chain = await createChain();
writeFileSync('chain.pem', chain.pem);
writeFileSync('root.pem', chain.root.pem);
writeFileSync('reversed.pem', toPem([chain.root, chain.intermediates[0], chain.leaf]));
`;

/**
 * A TypeScript consumer, type-checked strictly against the declarations the exports maps lead to, then
 * run: every package used as ESM, hosts and certs also through require(), transport over real mTLS.
 */
const CONSUMER = `
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { resolve, WrongHostKindError, type Environment, type ResolvedApi } from '@connectpay-kit/hosts';
import { createChain, ensureDevPki, type GeneratedChain } from '@connectpay-kit/testing-pki';
import { verifyChain, type Report } from '@connectpay-kit/certs';
import { loadConfig, type ConnectPayConfig } from '@connectpay-kit/config';
import { openStorage, type Storage } from '@connectpay-kit/storage';
import { createConnectPayClient, type ConnectPayClient } from '@connectpay-kit/transport';
import hostsManifest from '@connectpay-kit/hosts/package.json' with { type: 'json' };

const out: Record<string, unknown> = {};
const environment: Environment = 'stage';
const call: ResolvedApi = resolve('merchant.payments.get', environment, { params: { paymentId: 'pay_123' } });
let wrongHostKind: unknown;
try {
  resolve('oauth.token', 'prod', { hostKind: 'oneway' });
} catch (error) {
  wrongHostKind = error instanceof WrongHostKindError ? error.code : String(error);
}
out.hosts = { url: call.url, scheme: call.scheme, hostKind: call.hostKind, wrongHostKind, version: hostsManifest.version };

const chain: GeneratedChain = await createChain();
const trust = [readFileSync('root.pem', 'utf8')];
const good: Report = await verifyChain(chain.pem, { trust: [chain.root.pem], offline: true });
const reversed = await verifyChain(readFileSync('reversed.pem'), { trust, offline: true });
const errors = (report: Report) => report.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
out.certs = { goodOk: good.ok, goodErrors: errors(good), reversedOk: reversed.ok, reversedErrors: errors(reversed) };

// require() takes the exports maps' default condition (require(esm)), as a CommonJS consumer's does.
const require = createRequire(import.meta.url);
const certs = require('@connectpay-kit/certs') as typeof import('@connectpay-kit/certs');
const parsed = certs.parseChainFile(readFileSync('chain.pem'), 'chain.pem');
out.require = {
  url: (require('@connectpay-kit/hosts') as typeof import('@connectpay-kit/hosts')).resolve('reference.currencies', 'stage').url,
  certificates: parsed.certificates.length,
  ok: (await certs.verifyChain(parsed, { trust, offline: true })).ok,
  version: (require('@connectpay-kit/certs/package.json') as { version: string }).version,
};

const devPki = await ensureDevPki('dev-pki');
const config: ConnectPayConfig = loadConfig('local', { env: {}, envDir: process.cwd(), devPkiDir: devPki.dir });
const { basic, mtls } = config;
if (!basic || !mtls) throw new Error('the local profile has Basic and mTLS credentials');
out.config = {
  environment: config.environment,
  clientId: basic.clientId,
  keyShownAs: String(mtls.key),
  keyIsPem: mtls.key.reveal().includes('PRIVATE KEY'),
};

// A real mTLS exchange: the dev PKI's server certificate, the client chain config loaded, Basic on top.
const seen: unknown[] = [];
const server = createServer(
  {
    cert: readFileSync(devPki.serverMtlsChain),
    key: readFileSync(devPki.serverMtlsKey),
    ca: readFileSync(devPki.ca),
    requestCert: true,
    rejectUnauthorized: true,
  },
  (request, response) => {
    seen.push({
      path: request.url,
      authorization: (request.headers.authorization ?? '').split(' ')[0],
      clientCertificate: (request.socket as TLSSocket).getPeerCertificate().subject?.CN,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ currencies: ['EUR'] }));
  },
);
await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
const client: ConnectPayClient = createConnectPayClient({
  environment: 'local',
  baseUrls: { mtls: 'https://127.0.0.1:' + (server.address() as AddressInfo).port },
  mtls: { certChainPem: mtls.certChainPem, privateKeyPem: mtls.key },
  basic: { clientId: basic.clientId, clientSecret: basic.clientSecret },
  caPem: config.caPem,
});
try {
  const response = await client.call('reference.currencies');
  out.transport = { status: response.status, body: response.body, seen };
} finally {
  await client.close();
  server.close();
}

const storage: Storage = await openStorage(join(process.cwd(), 'inbox.sqlite'));
try {
  const event = { deliveryKey: 'evt_1', receivedAt: new Date(), headers: {}, body: '{}', eventType: 'payment.updated' };
  const first = await storage.inbox.append(event);
  const again = await storage.inbox.append(event);
  out.storage = { firstDuplicate: first.duplicate, againDuplicate: again.duplicate, sameId: first.id === again.id };
} finally {
  await storage.close();
}

const exportsMap: Record<string, string> = { nest: import.meta.resolve('@connectpay-kit/config/nest') };
for (const [key, specifier] of [['deepImport', '@connectpay-kit/hosts/dist/index.js'], ['certCheckMain', '@connectpay-kit/cert-check']]) {
  exportsMap[key!] = await import(specifier!).then(() => 'loaded', (error: NodeJS.ErrnoException) => String(error.code));
}
process.stdout.write(JSON.stringify({ ...out, exportsMap }));
`;

/** Wrong on purpose, in ways only the real declarations can tell (an unresolved module would be any). */
const WRONG = `
import { resolve } from '@connectpay-kit/hosts';
import { verifyChain } from '@connectpay-kit/certs';
resolve('merchant.payments.get', 'stage', { hostKind: 'both' });
export const ok: string = (await verifyChain('')).ok;
`;

interface PackResult {
  readonly name: string;
  readonly version: string;
  readonly filename: string;
  readonly files: readonly { path: string }[];
}

let work: string;
let consumer: string;
const packs = new Map<string, PackResult>();
const filesOf = (dir: string) => (packs.get(dir)?.files ?? []).map((f) => f.path).sort();
const certCheck = (...args: string[]) => run('npx', ['--no', '--', 'cert-check', ...args], consumer, { anyExit: true });
beforeAll(async () => {
  const unbuilt = PUBLISHED.filter(({ dir }) => !existsSync(join(WORKSPACE_ROOT, dir, 'dist'))).map((p) => p.project);
  if (unbuilt.length > 0)
    throw new Error(
      `${unbuilt.join(', ')} not built: run \`npx nx run-many -t build\` (nx builds them before tools' tests).`,
    );
  work = mkdtempSync(join(tmpdir(), 'connectpay-publish-'));
  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  for (const { dir } of PUBLISHED) {
    // From the package's folder, as `npm publish` there (and nx release publish) packs it.
    const packed = await run('npm', ['pack', '--json', '--pack-destination', tarballs], join(WORKSPACE_ROOT, dir));
    packs.set(dir, (JSON.parse(packed.stdout) as PackResult[])[0]!);
  }
  consumer = join(work, 'consumer');
  mkdirSync(consumer);
  const manifest = { name: 'connectpay-consumer', version: '1.0.0', private: true, type: 'module' };
  writeFileSync(join(consumer, 'package.json'), JSON.stringify(manifest));
  // What a TypeScript consumer adds anyway; the declarations use node:crypto types.
  const typesNode = readJson<Manifest>(join(WORKSPACE_ROOT, 'package.json')).devDependencies?.['@types/node'] ?? '20';
  const tarballPaths = [...packs.values()].map((pack) => join(tarballs, pack.filename));
  // --ignore-scripts: the one install script in the tree is better-sqlite3's native build, which this
  // workspace's npm ci already ran for the same version and Node; compiling it again cost a minute of CPU
  // in every npm test and tests npm and a C compiler, not these packages. Its built addon is copied in.
  await run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--ignore-scripts',
      ...tarballPaths,
      `@types/node@${typesNode}`,
    ],
    consumer,
  );
  const sqlite = (root: string) => join(root, 'node_modules/better-sqlite3');
  const version = (root: string) => readJson<Manifest>(join(sqlite(root), 'package.json')).version;
  expect(version(consumer)).toBe(version(WORKSPACE_ROOT));
  mkdirSync(join(sqlite(consumer), 'build/Release'), { recursive: true });
  const addon = 'build/Release/better_sqlite3.node';
  cpSync(join(sqlite(WORKSPACE_ROOT), addon), join(sqlite(consumer), addon));
  writeFileSync(join(consumer, 'make-files.mjs'), MAKE_FILES);
  await run(process.execPath, ['make-files.mjs'], consumer);
}, 900_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

describe('release configuration', () => {
  it('nx release versions exactly the published set, independently, from disk, with per-project tags and changelogs', () => {
    expect(readJson<{ release: unknown }>(join(WORKSPACE_ROOT, 'nx.json')).release).toMatchObject({
      projects: PUBLISHED.map((p) => p.project),
      projectsRelationship: 'independent',
      releaseTag: { pattern: '{projectName}@{version}' },
      version: { currentVersionResolver: 'disk', updateDependents: 'auto' },
      changelog: { workspaceChangelog: false, projectChangelogs: { file: '{projectRoot}/CHANGELOG.md' } },
    });
  });

  const workspacePins = (manifest: Manifest) =>
    [manifest.dependencies, manifest.devDependencies, manifest.peerDependencies].flatMap((deps) =>
      Object.entries(deps ?? {}).filter(([name]) => name.startsWith(SCOPE)),
    );

  it.each(PUBLISHED.map((p) => p.dir))(
    '%s: public, restricted access, no registry host, exact workspace pins',
    (dir) => {
      const manifest = manifestOf(dir);
      expect({ private: manifest.private, type: manifest.type }).toEqual({ private: undefined, type: 'module' });
      // Only access: the registry comes from the user's npmrc (.npmrc.publish.example), never from here.
      expect(manifest.publishConfig).toEqual({ access: 'restricted' });
      // A release bumps these pins (updateDependents); a range would let a consumer mix versions.
      for (const [name, range] of workspacePins(manifest)) {
        const target = PUBLISHED.find((p) => manifestOf(p.dir).name === name);
        if (target) expect(`${name}@${range}`).toBe(`${name}@${manifestOf(target.dir).version}`);
      }
    },
  );

  it.each(PRIVATE)('%s stays private and takes workspace packages as they are', (dir) => {
    const manifest = manifestOf(dir);
    expect(manifest.private).toBe(true);
    // nx release bumps only the published set; an exact pin here would go stale after the first
    // release and make npm fetch the old version from the registry instead of linking the workspace.
    for (const [name, range] of workspacePins({ ...manifest, peerDependencies: {} }))
      expect(`${name}@${range}`).toBe(`${name}@*`);
  });

  it('exports types, import and default for every entry point, and ./package.json', () => {
    for (const dir of LIBRARIES) {
      const { exports: map = {} } = manifestOf(dir);
      const { './package.json': self, ...entries } = map;
      expect(self).toBe('./package.json');
      expect(Object.keys(entries)).toEqual(dir === 'packages/config' ? ['.', './nest'] : ['.']);
      for (const conditions of Object.values(entries) as Record<string, string>[]) {
        const esm = conditions['import']!;
        expect(conditions).toEqual({ types: esm.replace(/\.js$/, '.d.ts'), import: esm, default: esm });
        expect(Object.keys(conditions)).toEqual(['types', 'import', 'default']);
      }
    }
    // The CLI has no library entry: only its bin and manifest are public.
    expect(manifestOf('apps/cert-check').exports).toEqual({ './package.json': './package.json' });
  });

  it('commits a registry template with placeholders only, and no auth in the root .npmrc', () => {
    const template = readFileSync(join(WORKSPACE_ROOT, '.npmrc.publish.example'), 'utf8');
    const settings = template.split('\n').filter((line) => line.trim() && !line.trim().startsWith('#'));
    expect(settings).toEqual(['@connectpay-kit:registry=${NPM_REGISTRY_URL}', '//<host>/:_authToken=${NPM_TOKEN}']);
    expect(template).not.toMatch(/https?:\/\/[a-z0-9]/i);
    expect(readFileSync(join(WORKSPACE_ROOT, '.npmrc'), 'utf8')).not.toMatch(/_auth|registry/i);
  });
});

describe('tarballs', () => {
  // cert-check's bundle (its dist/package.json says "commonjs") and code cache; its ESM build is dist/esm ("module").
  const bundle = [
    'bin/cert-check.cjs',
    'dist/main.js',
    'dist/cert-check.cjs',
    'dist/cert-check.cache',
    'dist/package.json',
  ];

  it.each(PUBLISHED.map((p) => p.dir))(
    '%s holds the build of every source file, README.md, package.json and nothing else (no map, test or key)',
    (dir) => {
      const build =
        dir === 'apps/cert-check'
          ? [...bundle, ...expectedOutputs(dir, 'dist/esm'), 'dist/esm/package.json']
          : expectedOutputs(dir, 'dist');
      expect(filesOf(dir)).toEqual([...build, 'README.md', 'package.json'].sort());
      const unwanted = /\.map$|\.spec\.|(^|\/)(src|test)\/|tsconfig|\.pem$|\.key$|\.tsbuildinfo$/;
      expect(filesOf(dir).filter((path) => unwanted.test(path))).toEqual([]);
      expect(packs.get(dir)?.version).toBe(manifestOf(dir).version);
    },
  );
});

describe('installed from the tarballs into a project outside the workspace', () => {
  it('has each package as a real folder (no workspace symlink) and the cert-check bin linked', () => {
    const scope = join(consumer, 'node_modules/@connectpay-kit');
    const names = readdirSync(scope).sort();
    expect(names).toEqual(PUBLISHED.map((p) => p.project).sort());
    for (const name of names) {
      const stat = lstatSync(join(scope, name));
      // One copy of each: dependents use the installed tarball, not a nested or registry copy.
      const nested = existsSync(join(scope, name, 'node_modules/@connectpay-kit'));
      const found = { name, symlink: stat.isSymbolicLink(), folder: stat.isDirectory(), nested };
      expect(found).toEqual({ name, symlink: false, folder: true, nested: false });
    }
    expect(existsSync(join(consumer, 'node_modules/.bin/cert-check'))).toBe(true);
  });

  it('type-checks a TypeScript consumer against the declarations and runs it: every package as ESM, require(), mTLS', async () => {
    writeFileSync(join(consumer, 'check.mts'), CONSUMER);
    writeFileSync(join(consumer, 'wrong.ts'), WRONG);
    // One strict compile of both: the consumer emits check.mjs, wrong.ts must fail where it is wrong and nowhere else.
    const flags = '--strict --module nodenext --target es2022 --resolveJsonModule'.split(' ');
    const compiled = await run(process.execPath, [tsc, ...flags, 'check.mts', 'wrong.ts'], consumer, { anyExit: true });
    expect({ code: compiled.code, output: (compiled.stdout + compiled.stderr).trim().split('\n') }).toEqual({
      code: 2,
      output: [
        `wrong.ts(4,45): error TS2322: Type '"both"' is not assignable to type '"mtls" | "oneway" | undefined'.`,
        "wrong.ts(5,14): error TS2322: Type 'boolean' is not assignable to type 'string'.",
      ],
    });
    expect(JSON.parse((await run(process.execPath, ['check.mjs'], consumer)).stdout)).toEqual({
      hosts: {
        url: 'https://api2-stage.connectpay.com/merchant/payments/pay_123',
        scheme: 'basic+rsa-signature',
        hostKind: 'oneway',
        wrongHostKind: 'HOSTS_WRONG_HOST_KIND',
        version: manifestOf('packages/hosts').version,
      },
      certs: {
        goodOk: true,
        goodErrors: [],
        reversedOk: false,
        reversedErrors: expect.arrayContaining(['chain.order']),
      },
      config: { environment: 'local', clientId: 'local-dev-client', keyShownAs: '[redacted]', keyIsPem: true },
      transport: {
        status: 200,
        body: { currencies: ['EUR'] },
        seen: [{ path: '/reference/v1/currencies', authorization: 'Basic', clientCertificate: expect.any(String) }],
      },
      require: {
        url: 'https://api-stage.connectpay.com/reference/v1/currencies',
        certificates: 3,
        ok: true,
        version: manifestOf('packages/certs').version,
      },
      storage: { firstDuplicate: false, againDuplicate: true, sameId: true },
      exportsMap: {
        nest: expect.stringMatching(/\/node_modules\/@connectpay-kit\/config\/dist\/nest\/index\.js$/),
        deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        certCheckMain: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      },
    });
  }, 180_000);

  it('runs `npx cert-check --help` from the installed bin, naming every subcommand', async () => {
    const help = await certCheck('--help');
    expect(help.code).toBe(0);
    const cli = readFileSync(join(WORKSPACE_ROOT, 'apps/cert-check/src/cli.ts'), 'utf8');
    const commands = [...cli.matchAll(/\.command\('([a-z]+)'\)/g)].map((match) => match[1]!);
    expect(commands).toEqual(expect.arrayContaining(['verify', 'fix', 'bundle', 'inspect', 'expiry']));
    expect(help.stdout).toMatch(/^Usage: cert-check /);
    for (const command of commands) expect(help.stdout).toMatch(new RegExp(`^  ${command} `, 'm'));
    expect((await certCheck('--version')).stdout.trim()).toBe(manifestOf('apps/cert-check').version);
  }, 60_000);

  it('runs `npx cert-check verify` on testing-pki chains: exit 0 for a good one, 1 for a reversed one', async () => {
    const good = await certCheck('verify', '--offline', '--trust', 'root.pem', 'chain.pem');
    expect({ code: good.code, named: good.stdout.includes('chain.pem') }).toEqual({ code: 0, named: true });
    const reversed = await certCheck('verify', '--offline', '--format', 'json', '--trust', 'root.pem', 'reversed.pem');
    expect(reversed.code).toBe(1);
    const report = JSON.parse(reversed.stdout) as { ok: boolean; findings: { rule: string }[] };
    expect({ ok: report.ok, rules: report.findings.map((f) => f.rule) }).toEqual({
      ok: false,
      rules: expect.arrayContaining(['chain.order']),
    });
  }, 60_000);

  it('runs `npx cert-check inspect` and `verify --psd2` on every PSD2 QWAC in ../shared/corpus/psd2: roles and NCA read', async () => {
    // Issue 12: the bundled bin (vm.Script + code cache) called every QWAC "unreadable" while dist/esm read it.
    const unreadable = /unreadable|cannot be read|dynamic import|ExperimentalWarning/i;
    const dir = join(WORKSPACE_ROOT, '../shared/corpus/psd2');
    const files = readdirSync(dir).filter((name) => name.endsWith('.pem'));
    expect(files).toEqual(
      expect.arrayContaining(['moneymonk-psp-ai.pem', 'role-name-mismatch.pem', 'roles-empty.pem']),
    );
    for (const name of files.sort()) {
      const inspected = await certCheck('inspect', '--at', '2026-11-29', join(dir, name));
      const verify = 'verify --psd2 --offline --format json --at 2026-11-29'.split(' ');
      const verified = await certCheck(...verify, join(dir, name));
      const { findings } = JSON.parse(verified.stdout) as { findings: { rule: string }[] };
      // Expired and without its issuer, every one of them: verify exits 1 for those, whatever PSD2 says.
      expect({
        name,
        exits: [inspected.code, verified.code],
        stderr: inspected.stderr + verified.stderr,
        unreadable: unreadable.test(inspected.stdout + verified.stdout),
        psd2: findings.map((finding) => finding.rule).filter((rule) => rule.startsWith('psd2.')),
      }).toEqual({
        name,
        exits: [0, 1],
        stderr: '',
        unreadable: false,
        psd2: name === 'moneymonk-psp-ai.pem' ? [] : ['psd2.roles'],
      });
      expect(inspected.stdout).toMatch(/^ +PSD2 roles: (\(none\)|PSP_\w+ \(0\.4\.0\.19495\.1\.\d\))/m);
      expect(inspected.stdout).toMatch(/^ +PSD2 NCA: .+ \/ [A-Z]{2}-[A-Z]+$/m);
      if (name === 'moneymonk-psp-ai.pem') {
        expect(inspected.stdout).toMatch(/^ +PSD2 roles: PSP_AI \(0\.4\.0\.19495\.1\.3\)$/m);
        expect(inspected.stdout).toMatch(/^ +PSD2 NCA: The Netherlands Bank \/ NL-DNB$/m);
      }
    }
  }, 120_000);
});

describe('publishing through .npmrc.publish.example', () => {
  it('sends each tarball to the registry named by NPM_REGISTRY_URL, with NPM_TOKEN and restricted access', async () => {
    // What each PUT under /company/ sent, by package; and any request elsewhere, which fails the test.
    const puts: Record<string, object> = {};
    const elsewhere: string[] = [];
    const server = createServer(async (request, response) => {
      const { method, url = '', headers } = request;
      const body = await text(request);
      if (!url.startsWith('/company/')) elsewhere.push(`${method} ${url}`);
      else if (method === 'PUT') {
        const document = JSON.parse(body) as { name: string; access?: string; versions: object; _attachments: object };
        const [published] = Object.values(document.versions) as Manifest[];
        puts[decodeURIComponent(url)] = {
          authorization: headers.authorization,
          access: document.access,
          names: [document.name, published?.name],
          publishConfig: published?.publishConfig,
          attachments: Object.keys(document._attachments).length,
        };
      }
      const accepted = method === 'PUT' && url.startsWith('/company/');
      response.writeHead(accepted ? 201 : 404, { 'content-type': 'application/json' });
      response.end(JSON.stringify(accepted ? { ok: true } : { error: 'not found' }));
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const { port } = server.address() as AddressInfo;
      // The two edits docs/publishing.md asks for: a copy outside the repository, <host>/ filled in.
      const npmrc = join(work, 'publish.npmrc');
      const template = readFileSync(join(WORKSPACE_ROOT, '.npmrc.publish.example'), 'utf8');
      writeFileSync(npmrc, template.replace(/^\/\/<host>\//m, `//127.0.0.1:${port}/company/`));
      const token = randomBytes(16).toString('hex');
      const env = cleanEnvironment(
        {
          NPM_CONFIG_USERCONFIG: npmrc,
          NPM_REGISTRY_URL: `http://127.0.0.1:${port}/company/`,
          NPM_TOKEN: token,
          // Anything not routed by the template would land here and fail the test.
          NPM_CONFIG_REGISTRY: `http://127.0.0.1:${port}/default-registry/`,
          // npm's own "is there a newer npm" look-up would land there too, whenever its weekly check is due.
          NPM_CONFIG_UPDATE_NOTIFIER: 'false',
        },
        true,
      );
      for (const pack of packs.values())
        await run('npm', ['publish', join(work, 'tarballs', pack.filename)], work, { env });
      expect(elsewhere).toEqual([]);
      const expected = [...packs.values()].map(({ name }) => [
        `/company/${name}`,
        {
          authorization: `Bearer ${token}`,
          access: 'restricted',
          names: [name, name],
          publishConfig: { access: 'restricted' },
          attachments: 1,
        },
      ]);
      expect(puts).toEqual(Object.fromEntries(expected));
    } finally {
      await new Promise<void>((closed) => server.close(() => closed()));
    }
  }, 180_000);
});
