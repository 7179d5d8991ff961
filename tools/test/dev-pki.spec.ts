// The local dev PKI is a step of its own (DESIGN.md "Environments"): testing-pki's command makes it,
// `nx run sandbox:dev-pki` runs that command and every `nx serve` depends on it, and the apps only
// read the files. Run as processes from the builds, as `nx serve` and the images run them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUILT, cleanEnvironment } from '../docs/stack.js';
import { listProjects, WORKSPACE_ROOT } from '../workspace.js';

const CLI = join(WORKSPACE_ROOT, 'packages/testing-pki/dist/dev-pki/cli.js');
const COMMAND = 'npx nx run sandbox:dev-pki';
const MAINS = { sandbox: BUILT.sandbox, gateway: BUILT.gateway, webhook: BUILT.webhook };

let dir: string;
beforeAll(() => {
  // Under nx the builds are there (tools:test depends on them); a bare jest run says what to build.
  const missing = [CLI, ...Object.values(MAINS)].filter((file) => !existsSync(file));
  if (missing.length > 0) throw new Error(`build first (npx nx run-many -t build): missing ${missing.join(', ')}`);
});
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'dev-pki-step-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** Runs a built command in a shell's environment without this run's app or ConnectPay settings, plus `extra`. */
function run(file: string, args: string[], extra: Record<string, string> = {}) {
  const env = cleanEnvironment(extra);
  const result = spawnSync(process.execPath, [file, ...args], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the dev PKI command (packages/testing-pki/dist/dev-pki/cli.js)', () => {
  it('makes the dev PKI, then reuses it', () => {
    const pki = join(dir, 'pki');
    const first = run(CLI, [pki]);
    expect(first).toEqual({ status: 0, stdout: expect.stringMatching(`^dev PKI generated in ${pki} `), stderr: '' });
    expect(readFileSync(join(pki, 'client-id.txt'), 'utf8')).toBe('local-dev-client');
    expect(run(CLI, [pki])).toEqual({ status: 0, stdout: `dev PKI in ${pki} reused\n`, stderr: '' });
  });

  it('fills CONNECTPAY_DEV_PKI_DIR, as the apps read it, when no folder is given', () => {
    const result = run(CLI, [], { CONNECTPAY_DEV_PKI_DIR: 'from-env' });
    expect(result.status).toBe(0);
    expect(existsSync(join(dir, 'from-env', 'ca.pem'))).toBe(true);
  });

  it('refuses wrong usage with exit 2, and a folder it cannot write with exit 1 and the reason, no stack', () => {
    const usage = run(CLI, ['a', 'b']);
    expect(usage.status).toBe(2);
    expect(usage.stderr).toMatch(/^dev-pki: unexpected arguments a b\nusage: /);
    writeFileSync(join(dir, 'a-file'), '');
    const blocked = run(CLI, [join(dir, 'a-file', 'pki')]);
    expect(blocked.status).toBe(1);
    expect(blocked.stderr).toMatch(/^dev-pki: the local dev PKI could not be made: .*a-file/);
    expect(blocked.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('the apps only read the dev PKI', () => {
  it.each([
    ['sandbox', 2],
    ['gateway', 78],
    ['webhook', 78],
  ] as const)(
    '%s, started without one, exits %i naming the folder and the command that makes it, and writes nothing',
    (app, code) => {
      const absent = join(dir, 'no-dev-pki');
      const ports = { GATEWAY_PORT: '0', WEBHOOK_PORT: '0', SANDBOX_MTLS_PORT: '0', SANDBOX_ONEWAY_PORT: '0' };
      const result = run(MAINS[app], [], { CONNECTPAY_ENV: 'local', CONNECTPAY_DEV_PKI_DIR: absent, ...ports });
      expect(result.status).toBe(code);
      expect(result.stderr).toContain(absent);
      expect(result.stderr).toContain(`\`${COMMAND}\``);
      expect(existsSync(absent)).toBe(false);
    },
    60_000,
  );

  it('every serve target runs the dev-pki step first', () => {
    const targets = (name: string) =>
      (
        listProjects().find((p) => p.name === name)?.packageJson['nx'] as {
          targets: Record<string, { dependsOn?: (string | { projects?: string[]; target: string })[] }>;
        }
      ).targets;
    const runsStep = (app: string) =>
      (targets(app)['serve']?.dependsOn ?? []).some((dependency) =>
        typeof dependency === 'string'
          ? app === 'sandbox' && dependency === 'dev-pki'
          : dependency.target === 'dev-pki' && dependency.projects?.includes('sandbox') === true,
      );
    expect(['gateway', 'webhook', 'sandbox'].filter((app) => !runsStep(app))).toEqual([]);
    expect(targets('sandbox')['dev-pki']).toMatchObject({ cache: false });
  });
});
