// The promise of tools/rename, end to end, as its README tells a user to go: a copy of this
// workspace (with this workspace's installed node_modules standing for the user's first `npm ci`),
// renamed to a new scope, name and four new default ports. The diff must be those names and ports and
// nothing else, and `npm install` must find the renamed lockfile already right. The copy then builds
// and typechecks, passes one smoke spec per project (named below, run from the copy), makes its dev PKI
// with its own `dev-pki` step, and its apps start on the new default ports and serve a payment. The
// outer suite already runs every spec on this workspace; the copy only has to show that nothing the
// rename touched broke, so it does not run the whole suite a second time.
import { X509Certificate } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { join, relative, resolve, sep } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { cleanEnvironment, Processes, readmePaymentBody, runCommand } from '../docs/stack.js';
import { CURRENT, type PortKey } from '../rename/current.mjs';
import { NOT_DEFAULTS, PORT_FILES, PORT_KINDS, portSpans } from '../rename/port-rules.mjs';
import { copyWorkspace, readTexts, RENAME_SCRIPT, tempDir, WORKSPACE_ROOT } from '../rename/test-support.js';
import { listProjects } from '../workspace.js';

/** Each letter 13 places on: a name no file holds, as long as the current one. */
const rot13 = (text: string) =>
  text.replace(/[a-z]/gi, (c) => String.fromCharCode(c.charCodeAt(0) + (/[a-m]/i.test(c) ? 13 : -13)));

// New names of the current names' lengths, so the repository's prettier, which the rename runs, has
// no line to re-wrap and the diff is the names alone. Neither the fast spec's target nor the README's
// example, so the copy's own rename tests and examples still have something to rename to. The ports are
// picked free for each run, so two runs on one machine do not collide when the apps start.
const TARGET = {
  scope: `@${rot13(CURRENT.scope.slice(1))}`,
  name: rot13(CURRENT.name),
  displayName: rot13(CURRENT.displayName),
  ports: { gateway: 0, webhook: 0, sandboxMtls: 0, sandboxOneway: 0 } as Record<PortKey, number>,
};
const MINUTE = 60_000;

/**
 * One fast spec per project, each touching what the rename changes: the scope in imports and
 * package names (every spec), the ports in settings, config and their tests, the display name in the
 * dev PKI's subjects, the native SQLite build of the fresh install. A project without an entry fails
 * the first test below, so a new project cannot slip past the rename check.
 */
const SMOKE: Record<string, string> = {
  'apps/cert-check': 'test/text-output.spec.ts', // the CLI's report on testing-pki chains
  'apps/gateway': 'test/settings.spec.ts', // the default port, now the new one
  'apps/sandbox': 'test/sandbox.spec.ts', // the local ConnectPay over real TLS
  'apps/webhook': 'test/settings.spec.ts', // the default port, now the new one
  'packages/certs': 'test/rules-chain.spec.ts', // the rule engine on testing-pki chains
  'packages/config': 'test/local.spec.ts', // local's sandbox ports and dev PKI defaults
  'packages/hosts': 'test/resolve.spec.ts', // the catalog and host resolution
  'packages/service-kit': 'test/load-configuration.spec.ts', // startup configuration, READMEs named in errors
  'packages/storage': 'test/sqlite.spec.ts', // better-sqlite3 in the copy's node_modules
  'packages/testing-pki': 'test/chain.spec.ts', // the generator (the dev PKI's subjects: checked below)
  'packages/transport': 'test/mtls.spec.ts', // a real mutual TLS handshake
  tools: 'test/dependency-direction.spec.ts', // the new scope in every manifest and import
};

/** A fresh shell (no workspace on PATH: an inherited node_modules/.bin would point the copy back here), run as .ci/run runs the suite. */
const freshEnv = (extra: Record<string, string> = {}) =>
  cleanEnvironment({ NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', FORCE_COLOR: '0', ...extra }, true);

/**
 * Four free ports shaped like today's defaults: four digits (tools/test/docs.spec.ts makes a
 * non-default port by appending a digit) and in the same order, gateway < webhook < sandbox mTLS <
 * sandbox one-way (tools/test/compose.spec.ts reads the sandbox's ports sorted by number).
 */
async function pickFreePorts(texts: Map<string, string>): Promise<void> {
  // No number a listed file holds already: every new port found there after the rename is the rename's.
  const held = (port: number) => PORT_FILES.some((file) => portSpans(texts.get(file)!, { gateway: port }).length);
  const picked = new Set<number>();
  while (picked.size < 4) {
    const port = 6100 + Math.floor(Math.random() * 1800);
    if (!picked.has(port) && !held(port) && (await isFree(port))) picked.add(port);
  }
  const ascending = [...picked].sort((x, y) => x - y);
  PORT_KINDS.forEach((kind, i) => (TARGET.ports[kind.key] = ascending[i]!));
}

function isFree(port: number): Promise<boolean> {
  return new Promise((done) => {
    const server = createServer();
    server.once('error', () => done(false));
    server.listen(port, '127.0.0.1', () => server.close(() => done(true)));
  });
}

describe('tools/rename, end to end: a renamed copy of this workspace', () => {
  let base: string;
  let copy: string;
  // Each step's output is a log file in a folder beside the copy, kept when a step fails.
  let steps: Processes;
  let failed = false;
  let built = false;
  let count = 0;
  // The copy's tracked files before and after the rename, and what its dry run and its run printed.
  let before: Map<string, string>;
  let after: Map<string, string>;
  let dry: { stdout: string; stderr: string };
  let renamed: { stdout: string; stderr: string };

  /** Runs a command of the user's steps in the copy; a failure names it with its log's tail. */
  const run = (command: string, args: string[], env = freshEnv()) =>
    steps.run(`${++count}-${command.split(sep).pop()}`, args, env, copy, command);

  /** Runs a part of the copy's check; any failure keeps the logs for the closing report. */
  async function step(body: () => Promise<void>): Promise<void> {
    try {
      await body();
    } catch (error) {
      failed = true;
      throw error;
    }
  }

  beforeAll(
    () =>
      step(async () => {
        base = tempDir('rename-e2e-');
        copy = join(base, 'repo');
        steps = new Processes(`${base}-logs`);
        mkdirSync(steps.dir);
        mkdirSync(copy);
        // The certificate tests read the corpus from shared/ beside the repository root.
        const shared = resolve(WORKSPACE_ROOT, '..', 'shared');
        if (existsSync(shared)) symlinkSync(shared, join(base, 'shared'));
        const files = copyWorkspace(copy);
        before = readTexts(copy, files);
        await pickFreePorts(before);
        const args = ['--scope', TARGET.scope, '--name', TARGET.name, '--display-name', TARGET.displayName];
        args.push(...PORT_KINDS.flatMap((kind) => [`--${kind.option}`, String(TARGET.ports[kind.key])]));
        const options = { cwd: copy, env: freshEnv() };

        // The user's first `npm ci`, already done here: a copy of this workspace's node_modules (seconds,
        // where an install compiles better-sqlite3 again). Its workspace links are relative, so they point
        // into the copy. Meanwhile this workspace's rename tool dry-runs on the copy.
        [dry] = await Promise.all([
          runCommand(process.execPath, [RENAME_SCRIPT, '--root', copy, ...args, '--dry-run'], options),
          run('cp', ['-a', join(WORKSPACE_ROOT, 'node_modules'), join(copy, 'node_modules')]),
        ]);
        expect(readTexts(copy, files)).toEqual(before);
        renamed = await runCommand(process.execPath, ['tools/rename/rename.mjs', ...args], options);
        after = readTexts(copy, files);
        // The README's next step. The rename wrote the lockfile as npm does, so npm only relinks the
        // workspaces under the new scope and rewrites nothing.
        await run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund']);
        expect(readFileSync(join(copy, 'package-lock.json'), 'utf8')).toBe(after.get('package-lock.json'));
        expect(existsSync(join(copy, 'node_modules', TARGET.scope, 'config', 'package.json'))).toBe(true);
        // npm unlinks the old scope's workspaces and leaves their folder, empty.
        const oldScope = join(copy, 'node_modules', CURRENT.scope);
        expect(existsSync(oldScope) ? readdirSync(oldScope) : []).toEqual([]);
      }),
    20 * MINUTE,
  );

  afterAll(async () => {
    await steps?.stop(15_000);
    if (base !== undefined) rmSync(base, { recursive: true, force: true });
    if (steps !== undefined && !failed) rmSync(steps.dir, { recursive: true, force: true });
  }, 2 * MINUTE);

  it('names one smoke spec for every project of the copy, each still there', () =>
    step(async () => {
      // The copy's projects are this workspace's: every app and package, and tools.
      const projects = listProjects().map((project) => relative(WORKSPACE_ROOT, project.root));
      expect(Object.keys(SMOKE).sort()).toEqual([...projects, 'tools'].sort());
      const gone = Object.entries(SMOKE).filter(([project, spec]) => !existsSync(join(copy, project, spec)));
      expect(gone.map(([project, spec]) => `${project}/${spec}`)).toEqual([]);
    }));

  it('renames the names in every file and the default ports in the listed ones, and changes nothing else', () =>
    step(async () => {
      const changed = [...after.keys()].filter((file) => after.get(file) !== before.get(file));
      expect([dry.stderr, renamed.stderr]).toEqual(['', '']);
      expect(dry.stdout).toContain('apps/gateway/src/bootstrap/settings.ts');
      expect(dry.stdout).toContain(`+ GATEWAY_PORT: integer(0, 65_535, ${TARGET.ports.gateway}),`);
      expect(dry.stdout).toContain(`Would change ${changed.length} files.`);
      expect(dry.stdout).toContain('Dry run: nothing was written.');
      expect(renamed.stdout).toContain(`Changed ${changed.length} files.`);

      // No spelling of the old names is left.
      const words = `${CURRENT.name.split(/[-_]/).join('[-_ ]?')}|${CURRENT.scope}`;
      const spelling = new RegExp(words.replaceAll('.', '\\.'), 'i');
      expect([...after].filter(([, text]) => spelling.test(text)).map(([file]) => file)).toEqual([]);

      // Mapped back, every file reads as before, the provider's names (ConnectPay, CONNECTPAY_*, its
      // hosts, headers and metrics) included. Manifests and the lockfile may list renamed keys in a new
      // (npm's) order: their content is compared.
      const differences = changed.filter((file) => {
        let text = after.get(file)!;
        for (const span of PORT_FILES.includes(file) ? portSpans(text, TARGET.ports).reverse() : []) {
          text = text.slice(0, span.start) + String(CURRENT.ports[span.kind]) + text.slice(span.end);
        }
        text = text.replaceAll(TARGET.scope, CURRENT.scope).replaceAll(TARGET.displayName, CURRENT.displayName);
        text = text.replaceAll(TARGET.name, CURRENT.name);
        return /(^|\/)package(-lock)?\.json$/.test(file)
          ? !isDeepStrictEqual(JSON.parse(text), JSON.parse(before.get(file)!))
          : text !== before.get(file);
      });
      expect(differences).toEqual([]);

      // Every default port of the listed files moved, as many as the summary says.
      const found = (texts: Map<string, string>, to: Record<PortKey, number>, except = NOT_DEFAULTS) =>
        Object.fromEntries(PORT_FILES.map((file) => [file, portSpans(texts.get(file)!, to, except[file]).length]));
      const moved = found(after, TARGET.ports, {});
      expect(moved).toEqual(found(before, CURRENT.ports));
      const total = Object.values(moved).reduce((sum, n) => sum + n, 0);
      expect(Number(/Replacements: .*ports (\d+)/.exec(renamed.stdout)?.[1])).toBe(total);
    }));

  it(
    // Not lint: the rename rewrites names, strings and port digits, which none of the lint rules reads
    // (no rule names a scope), and linting the copy again cost a minute of CPU in every `npm test`.
    'builds and typechecks every project under the new names',
    () =>
      step(async () => {
        await run('npx', ['nx', 'run-many', '-t', 'build', 'typecheck', '--outputStyle=static']);
        built = true;
      }),
    30 * MINUTE,
  );

  it(
    // Here, not in publish.spec: the release's pre-version build restores every published dist from Nx's
    // cache (removed, then copied back), which raced the other tools specs that run those builds; nothing
    // else reads the copy's dist meanwhile.
    'versions under the new scope: a dry-run release of certs bumps it and its dependents, and writes nothing',
    () =>
      step(async () => {
        if (!built) throw new Error('the copy did not build: see the build and typecheck test above.');
        const manifests = () =>
          [...before.keys()]
            .filter((file) => file.endsWith('package.json'))
            .map((file) => readFileSync(join(copy, file), 'utf8'));
        const unchanged = manifests();
        const release = await runCommand(
          'npx',
          ['nx', 'release', 'version', 'patch', '--projects', 'certs', '--dry-run'],
          {
            cwd: copy,
            env: freshEnv({ NO_COLOR: '1' }),
          },
        );
        // Nx prints the file list on stderr and the diffs on stdout.
        const bumped = [...`${release.stdout}\n${release.stderr}`.matchAll(/UPDATE (\S+)\/package\.json \[dry-run\]/g)];
        expect(bumped.map((m) => m[1]).sort()).toEqual(['apps/cert-check', 'packages/certs', 'packages/transport']);
        expect(release.stdout).toContain(`"name": "${TARGET.scope}/certs"`);
        expect(manifests()).toEqual(unchanged);
      }),
    10 * MINUTE,
  );

  /**
   * The smoke runs, started together by the first smoke test, three at a time (each is mostly a Jest
   * start-up; run one after another they were the tail of `npm test`), and each awaited by its own test.
   */
  let smokes: Map<string, Promise<void>> | undefined;
  function smokeRun(project: string): Promise<void> {
    if (smokes === undefined) {
      const runs = new Map<string, Promise<void>>();
      const slots = [Promise.resolve(), Promise.resolve(), Promise.resolve()];
      const env = freshEnv({ NODE_OPTIONS: '--experimental-vm-modules --disable-warning=ExperimentalWarning' });
      Object.entries(SMOKE).forEach(([name, spec], index) => {
        const jest = [join(copy, 'node_modules/jest/bin/jest.js'), '--ci', spec];
        const run = slots[index % slots.length]!.then(() =>
          steps.run(`smoke-${name.replace('/', '-')}`, jest, env, join(copy, name)),
        );
        slots[index % slots.length] = run.catch(() => undefined);
        runs.set(name, run);
      });
      smokes = runs;
    }
    return smokes.get(project)!;
  }

  it.each(Object.entries(SMOKE))(
    '%s passes its smoke spec %s under the new names',
    (project) =>
      step(async () => {
        if (!built) throw new Error('the copy did not build: see the build and typecheck test above.');
        await smokeRun(project);
      }),
    5 * MINUTE,
  );

  it(
    'makes its dev PKI with its own dev-pki step, and starts the sandbox, the gateway and the webhook receiver on the new default ports',
    () =>
      step(async () => {
        if (!built) throw new Error('the copy did not build: see the build and typecheck test above.');
        for (const port of Object.values(TARGET.ports)) {
          if (!(await isFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use: stop what listens there.`);
        }
        const env = freshEnv();
        const deadline = Date.now() + 3 * MINUTE;
        // The step `nx serve` runs first: the apps only read the dev PKI. Its certificates carry the new name in words.
        await run('npx', ['nx', 'run', 'sandbox:dev-pki', '--outputStyle=static']);
        const root = new X509Certificate(readFileSync(join(copy, '.dev-pki', 'ca.pem')));
        expect(root.subject).toContain(`CN=${TARGET.displayName} Dev Root CA`);
        void steps.start('sandbox', ['apps/sandbox/dist/main.js'], env, copy);
        await steps.waitFor('the sandbox on its new one-way port', deadline, async () =>
          !(await isFree(TARGET.ports.sandboxOneway)) ? true : undefined,
        );
        expect(await isFree(TARGET.ports.sandboxMtls)).toBe(false);
        void steps.start('gateway', ['apps/gateway/dist/main.js'], env, copy);
        void steps.start('webhook', ['apps/webhook/dist/main.js'], env, copy);

        // Ready means the gateway reached the sandbox, at the ports config now defaults to.
        const gateway = `http://127.0.0.1:${TARGET.ports.gateway}`;
        await steps.waitReady(`${gateway}/health/ready`, deadline);
        const created = await fetch(`${gateway}/v1/merchant/payments`, {
          method: 'POST',
          headers: { 'x-api-key': 'local-dev-key', 'content-type': 'application/json' },
          body: readmePaymentBody(copy),
        });
        const body = (await created.json()) as { payment?: { paymentId?: string; redirectUrl?: string } };
        expect(created.status).toBe(201);
        expect(new URL(body.payment?.redirectUrl ?? 'http://none').port).toBe(String(TARGET.ports.sandboxOneway));
        const fetched = await fetch(`${gateway}/v1/merchant/payments/${body.payment?.paymentId}`, {
          headers: { 'x-api-key': 'local-dev-key' },
        });
        expect(fetched.status).toBe(200);
        await steps.waitReady(`http://127.0.0.1:${TARGET.ports.webhook}/health/ready`, deadline);
      })
        .catch(async (error: unknown) => {
          throw new Error(`${error instanceof Error ? error.message : String(error)}\n${steps.logs(40)}`, {
            cause: error,
          });
        })
        .finally(() => steps.stop(15_000)),
    10 * MINUTE,
  );
});
