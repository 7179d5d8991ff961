// The published packages as a company's registry would serve them (issue 7): each is packed the way
// `npm publish` packs it, the tarballs are installed into a fresh project outside the workspace, and that
// project uses them as a consumer does: ESM imports and require(), the cert-check bin, TypeScript through
// the exports map, and a publish through .npmrc.publish.example to a registry on 127.0.0.1.
// It packs the built dist/ folders: nx builds them before tools' tests (`^build`).
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cleanEnvironment } from '../docs/stack.js';
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

type Dependencies = Record<string, string>;
interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  type?: string;
  exports?: Record<string, string | Record<string, string>>;
  publishConfig?: Record<string, unknown>;
  dependencies?: Dependencies;
  devDependencies?: Dependencies;
  peerDependencies?: Dependencies;
}

const readJson = <T>(path: string): T => JSON.parse(readFileSync(path, 'utf8')) as T;
const manifestOf = (dir: string): Manifest => readJson<Manifest>(join(WORKSPACE_ROOT, dir, 'package.json'));
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');

interface RunResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A consumer's shell: nothing of the workspace's npm run or PATH, so a bin or a package can only come from the tarballs. */
const consumerEnv = (extra: Record<string, string> = {}) => cleanEnvironment(extra, true);

/**
 * Runs a command; unless `anyExit`, a non-zero exit throws with the output's tail. Asynchronous on purpose:
 * the registry stand-in below answers from this process while npm runs.
 */
function run(command: string, args: readonly string[], cwd: string, { env = consumerEnv(), anyExit = false } = {}) {
  return new Promise<RunResult>((resolve, reject) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const out = { stdout: '', stderr: '' };
    child.stdout.on('data', (chunk: Buffer) => (out.stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out.stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0 || anyExit) return resolve({ code, ...out });
      const tail = `--- stdout\n${out.stdout.slice(-4000)}\n--- stderr\n${out.stderr.slice(-4000)}`;
      reject(new Error(`${command} ${args.join(' ')} exited ${code}\n${tail}`));
    });
  });
}

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

const ESM_CHECK = `
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';
import { resolve, WrongHostKindError } from '@connectpay-kit/hosts';
import { ensureDevPki } from '@connectpay-kit/testing-pki';
import { verifyChain } from '@connectpay-kit/certs';
import { loadConfig } from '@connectpay-kit/config';
import { openStorage } from '@connectpay-kit/storage';
import { createConnectPayClient } from '@connectpay-kit/transport';
import hostsManifest from '@connectpay-kit/hosts/package.json' with { type: 'json' };

const out = {};
const call = resolve('merchant.payments.get', 'stage', { params: { paymentId: 'pay_123' } });
let wrongHostKind;
try {
  resolve('oauth.token', 'prod', { hostKind: 'oneway' });
} catch (error) {
  wrongHostKind = error instanceof WrongHostKindError ? error.code : String(error);
}
out.hosts = { url: call.url, scheme: call.scheme, hostKind: call.hostKind, wrongHostKind, version: hostsManifest.version };

const trust = [readFileSync('root.pem', 'utf8')];
const good = await verifyChain(readFileSync('chain.pem'), { trust, offline: true });
const reversed = await verifyChain(readFileSync('reversed.pem'), { trust, offline: true });
const errors = (report) => report.findings.filter((f) => f.severity === 'error').map((f) => f.rule);
out.certs = { goodOk: good.ok, goodErrors: errors(good), reversedOk: reversed.ok, reversedErrors: errors(reversed) };

const devPki = await ensureDevPki('dev-pki');
const config = loadConfig('local', { env: {}, envDir: process.cwd(), devPkiDir: devPki.dir });
out.config = {
  environment: config.environment,
  clientId: config.basic.clientId,
  keyShownAs: String(config.mtls.key),
  keyIsPem: config.mtls.key.reveal().includes('PRIVATE KEY'),
};

// A real mTLS exchange: the dev PKI's server certificate, the client chain config loaded, Basic on top.
const seen = [];
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
      clientCertificate: request.socket.getPeerCertificate().subject?.CN,
    });
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ currencies: ['EUR'] }));
  },
);
await new Promise((ready) => server.listen(0, '127.0.0.1', ready));
const client = createConnectPayClient({
  environment: 'local',
  baseUrls: { mtls: 'https://127.0.0.1:' + server.address().port },
  mtls: { certChainPem: config.mtls.certChainPem, privateKeyPem: config.mtls.key },
  basic: { clientId: config.basic.clientId, clientSecret: config.basic.clientSecret },
  caPem: config.caPem,
});
try {
  const response = await client.call('reference.currencies');
  out.transport = { status: response.status, body: response.body, seen };
} finally {
  await client.close();
  server.close();
}

const storage = await openStorage(join(process.cwd(), 'inbox.sqlite'));
try {
  const event = { deliveryKey: 'evt_1', receivedAt: new Date(), headers: {}, body: '{}', eventType: 'payment.updated' };
  const first = await storage.inbox.append(event);
  const again = await storage.inbox.append(event);
  out.storage = { firstDuplicate: first.duplicate, againDuplicate: again.duplicate, sameId: first.id === again.id };
} finally {
  await storage.close();
}

out.exportsMap = { nest: import.meta.resolve('@connectpay-kit/config/nest') };
for (const [key, specifier] of [['deepImport', '@connectpay-kit/hosts/dist/index.js'], ['certCheckMain', '@connectpay-kit/cert-check']]) {
  out.exportsMap[key] = await import(specifier).then(() => 'loaded', (error) => error.code);
}
process.stdout.write(JSON.stringify(out));
`;

const CJS_CHECK = `
const { readFileSync } = require('node:fs');
const { resolve } = require('@connectpay-kit/hosts');
const { parseChainFile, verifyChain } = require('@connectpay-kit/certs');
const { version } = require('@connectpay-kit/certs/package.json');
const parsed = parseChainFile(readFileSync('chain.pem'), 'chain.pem');
verifyChain(parsed, { trust: [readFileSync('root.pem', 'utf8')], offline: true }).then((report) => {
  process.stdout.write(JSON.stringify({
    url: resolve('reference.currencies', 'stage').url,
    certificates: parsed.certificates.length,
    ok: report.ok,
    version,
  }));
});
`;

const TS_CHECK = `
import { resolve, type Environment, type ResolvedApi } from '@connectpay-kit/hosts';
import { verifyChain, type Report } from '@connectpay-kit/certs';
import { loadConfig, type ConnectPayConfig } from '@connectpay-kit/config';
import { openStorage, type Storage } from '@connectpay-kit/storage';
import { createConnectPayClient, type ConnectPayClient } from '@connectpay-kit/transport';
import { createChain, type GeneratedChain } from '@connectpay-kit/testing-pki';

const environment: Environment = 'stage';
export const call: ResolvedApi = resolve('merchant.payments.get', environment, { params: { paymentId: 'p' } });

export async function check(): Promise<boolean> {
  const chain: GeneratedChain = await createChain();
  const report: Report = await verifyChain(chain.pem, { trust: [chain.root.pem], offline: true });
  const config: ConnectPayConfig = loadConfig('local');
  const storage: Storage = await openStorage(':memory:');
  const client: ConnectPayClient = createConnectPayClient({ environment: 'local', caPem: config.caPem });
  await Promise.all([storage.close(), client.close()]);
  return report.ok;
}
`;

/** Wrong on purpose, in ways only the real declarations can tell (an unresolved module would be any). */
const TS_WRONG = `
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
/** Writes a program into the consumer project and runs it with node; its output, parsed as JSON. */
async function runProgram(file: string, text: string): Promise<unknown> {
  writeFileSync(join(consumer, file), text);
  const { stdout } = await run(process.execPath, [file], consumer);
  return stdout === '' ? undefined : JSON.parse(stdout);
}

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
  await run(
    'npm',
    ['install', '--prefer-offline', '--no-audit', '--no-fund', ...tarballPaths, `@types/node@${typesNode}`],
    consumer,
  );
  await runProgram('make-files.mjs', MAKE_FILES);
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

  it('a dry-run release of certs bumps it and its dependents, and writes nothing', () => {
    const manifests = () => PUBLISHED.map((p) => readFileSync(join(WORKSPACE_ROOT, p.dir, 'package.json'), 'utf8'));
    const before = manifests();
    const release = spawnSync('npx', ['nx', 'release', 'version', 'patch', '--projects', 'certs', '--dry-run'], {
      cwd: WORKSPACE_ROOT,
      encoding: 'utf8',
      env: { ...process.env, NX_DAEMON: 'false', NX_TUI: 'false', FORCE_COLOR: '0', NO_COLOR: '1' },
    });
    expect(release.status).toBe(0);
    // Nx prints the file list on stderr and the diffs on stdout.
    const bumped = [...`${release.stdout}\n${release.stderr}`.matchAll(/UPDATE (\S+)\/package\.json \[dry-run\]/g)].map(
      (m) => m[1]!,
    );
    expect(bumped).toEqual(expect.arrayContaining(['packages/certs', 'packages/transport', 'apps/cert-check']));
    expect(bumped.filter((dir) => PRIVATE.includes(dir))).toEqual([]);
    expect(manifests()).toEqual(before);
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
  it.each(LIBRARIES)(
    '%s holds dist/**/*.js and .d.ts for every source file, README.md, package.json and nothing else',
    (dir) => {
      expect(filesOf(dir)).toEqual([...expectedOutputs(dir, 'dist'), 'README.md', 'package.json'].sort());
      expect(packs.get(dir)?.version).toBe(manifestOf(dir).version);
    },
  );

  it('apps/cert-check holds its bin, the bundle and its code cache, the ESM build, README.md and package.json', () => {
    // dist/package.json says "commonjs" for the bundle, dist/esm/package.json "module" for the ESM build.
    const bundle = [
      'bin/cert-check.cjs',
      'dist/main.js',
      'dist/cert-check.cjs',
      'dist/cert-check.cache',
      'dist/package.json',
    ];
    const esm = [...expectedOutputs('apps/cert-check', 'dist/esm'), 'dist/esm/package.json'];
    expect(filesOf('apps/cert-check')).toEqual([...bundle, ...esm, 'README.md', 'package.json'].sort());
  });

  it('ship no source maps, tests, tsconfig or key material', () => {
    const all = [...packs.values()].flatMap((pack) => pack.files.map((f) => `${pack.name}/${f.path}`));
    expect(all.length).toBeGreaterThan(PUBLISHED.length * 3);
    expect(
      all.filter((path) => /\.map$|\.spec\.|(^|\/)(src|test)\/|tsconfig|\.pem$|\.key$|\.tsbuildinfo$/.test(path)),
    ).toEqual([]);
  });
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

  it('imports every package as ESM and uses it: hosts, certs, config, transport over real mTLS, storage', async () => {
    expect(await runProgram('check.mjs', ESM_CHECK)).toEqual({
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
      storage: { firstDuplicate: false, againDuplicate: true, sameId: true },
      exportsMap: {
        nest: expect.stringMatching(/\/node_modules\/@connectpay-kit\/config\/dist\/nest\/index\.js$/),
        deepImport: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
        certCheckMain: 'ERR_PACKAGE_PATH_NOT_EXPORTED',
      },
    });
  }, 120_000);

  it('loads hosts and certs with require() (the default condition, require(esm))', async () => {
    expect(await runProgram('check.cjs', CJS_CHECK)).toEqual({
      url: 'https://api-stage.connectpay.com/reference/v1/currencies',
      certificates: 3,
      ok: true,
      version: manifestOf('packages/certs').version,
    });
  }, 60_000);

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
      expect({ name, code: inspected.code, stderr: inspected.stderr }).toEqual({ name, code: 0, stderr: '' });
      expect(inspected.stdout).not.toMatch(unreadable);
      expect(inspected.stdout).toMatch(/^ +PSD2 roles: (\(none\)|PSP_\w+ \(0\.4\.0\.19495\.1\.\d\))/m);
      expect(inspected.stdout).toMatch(/^ +PSD2 NCA: .+ \/ [A-Z]{2}-[A-Z]+$/m);
      if (name === 'moneymonk-psp-ai.pem') {
        expect(inspected.stdout).toMatch(/^ +PSD2 roles: PSP_AI \(0\.4\.0\.19495\.1\.3\)$/m);
        expect(inspected.stdout).toMatch(/^ +PSD2 NCA: The Netherlands Bank \/ NL-DNB$/m);
      }
      const verified = await certCheck(
        ...'verify --psd2 --offline --format json --at 2026-11-29'.split(' '),
        join(dir, name),
      );
      // Expired and without its issuer, every one of them: exit 1 for those, whatever PSD2 says.
      expect({ name, code: verified.code, stderr: verified.stderr }).toEqual({ name, code: 1, stderr: '' });
      expect(verified.stdout).not.toMatch(unreadable);
      const { findings } = JSON.parse(verified.stdout) as { findings: { rule: string }[] };
      const psd2 = findings.map((finding) => finding.rule).filter((rule) => rule.startsWith('psd2.'));
      expect({ name, psd2 }).toEqual({ name, psd2: name === 'moneymonk-psp-ai.pem' ? [] : ['psd2.roles'] });
    }
  }, 120_000);

  it("type-checks a consumer's TypeScript against the declarations, resolved through the exports maps", async () => {
    writeFileSync(join(consumer, 'check.ts'), TS_CHECK);
    writeFileSync(join(consumer, 'wrong.ts'), TS_WRONG);
    const typecheck = (file: string) =>
      run(
        process.execPath,
        [tsc, ...'--noEmit --strict --module nodenext --target es2022'.split(' '), file],
        consumer,
        { anyExit: true },
      );
    const right = await typecheck('check.ts');
    expect({ code: right.code, output: right.stdout + right.stderr }).toEqual({ code: 0, output: '' });
    const wrong = await typecheck('wrong.ts');
    const errors = [...wrong.stdout.matchAll(/^wrong\.ts\((\d+),\d+\): error (TS\d+): (.*)$/gm)].map(
      ([, line, code, message]) => ({ line: Number(line), code, message }),
    );
    expect({ failed: wrong.code !== 0, errors }).toEqual({
      failed: true,
      errors: [
        {
          line: 4,
          code: 'TS2322',
          message: `Type '"both"' is not assignable to type '"mtls" | "oneway" | undefined'.`,
        },
        { line: 5, code: 'TS2322', message: "Type 'boolean' is not assignable to type 'string'." },
      ],
    });
  }, 120_000);
});

describe('publishing through .npmrc.publish.example', () => {
  it('sends each tarball to the registry named by NPM_REGISTRY_URL, with NPM_TOKEN and restricted access', async () => {
    const received: { method?: string; url: string; headers: IncomingHttpHeaders; body: string }[] = [];
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const { method, url = '', headers } = request;
        received.push({ method, url, headers, body: Buffer.concat(chunks).toString('utf8') });
        const accepted = method === 'PUT' && url.startsWith('/company/');
        response.writeHead(accepted ? 201 : 404, { 'content-type': 'application/json' });
        response.end(JSON.stringify(accepted ? { ok: true } : { error: 'not found' }));
      });
    });
    await new Promise<void>((ready) => server.listen(0, '127.0.0.1', ready));
    try {
      const { port } = server.address() as AddressInfo;
      // The two edits docs/publishing.md asks for: a copy outside the repository, <host>/ filled in.
      const npmrc = join(work, 'publish.npmrc');
      const template = readFileSync(join(WORKSPACE_ROOT, '.npmrc.publish.example'), 'utf8');
      writeFileSync(npmrc, template.replace(/^\/\/<host>\//m, `//127.0.0.1:${port}/company/`));
      const token = randomBytes(16).toString('hex');
      const env = consumerEnv({
        NPM_CONFIG_USERCONFIG: npmrc,
        NPM_REGISTRY_URL: `http://127.0.0.1:${port}/company/`,
        NPM_TOKEN: token,
        // Anything not routed by the template would land here and fail the test.
        NPM_CONFIG_REGISTRY: `http://127.0.0.1:${port}/default-registry/`,
        // npm's own "is there a newer npm" look-up would land there too, whenever its weekly check is due.
        NPM_CONFIG_UPDATE_NOTIFIER: 'false',
      });
      for (const pack of packs.values())
        await run('npm', ['publish', join(work, 'tarballs', pack.filename)], work, { env });
      const puts = received.filter((r) => r.method === 'PUT');
      expect(received.filter((r) => !r.url.startsWith('/company/'))).toEqual([]);
      expect(puts.map((r) => decodeURIComponent(r.url)).sort()).toEqual(
        [...packs.values()].map((pack) => `/company/${pack.name}`).sort(),
      );
      for (const put of puts) {
        const document = JSON.parse(put.body) as {
          name: string;
          access?: string;
          versions: Record<string, Manifest>;
          _attachments: object;
        };
        const published = Object.values(document.versions)[0];
        expect({
          authorization: put.headers.authorization,
          access: document.access,
          name: published?.name,
          publishConfig: published?.publishConfig,
          attachments: Object.keys(document._attachments).length,
        }).toEqual({
          authorization: `Bearer ${token}`,
          access: 'restricted',
          name: document.name,
          publishConfig: { access: 'restricted' },
          attachments: 1,
        });
      }
    } finally {
      await new Promise<void>((closed) => server.close(() => closed()));
    }
  }, 180_000);
});
