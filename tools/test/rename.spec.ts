// tools/rename/rename.mjs, run as a process the way a user runs it, on a small fixture repository for
// the exact effects; and its port rules checked against this workspace. rename-e2e.spec.ts renames a
// copy of this workspace, checks the whole diff and proves the copy still works.
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { CURRENT, type PortKey } from '../rename/current.mjs';
import { NOT_DEFAULTS, PORT_FILES, PORT_KINDS, portSpans } from '../rename/port-rules.mjs';
import {
  git,
  initRepo,
  readTexts,
  removeTempDirs,
  runRename,
  tempDir,
  WORKSPACE_ROOT,
  workspaceFiles,
  writeFiles,
} from '../rename/test-support.js';

afterAll(removeTempDirs);

const TARGET = {
  scope: '@zz-spec',
  name: 'zz-spec-kit',
  displayName: 'Zz Spec Kit',
  ports: { gateway: 5100, webhook: 5101, sandboxMtls: 5443, sandboxOneway: 5444 } as Record<PortKey, number>,
};
const TARGET_ARGS = ['--scope', TARGET.scope, '--name', TARGET.name];
TARGET_ARGS.push(...PORT_KINDS.flatMap((kind) => [`--${kind.option}`, String(TARGET.ports[kind.key])]));

const { scope, name, ports } = CURRENT;
const collate = (a: string, b: string) => a.localeCompare(b, 'en');
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/**
 * The fixture: a miniature of the workspace with every kind of occurrence the rename must handle, under
 * the given names and ports. Renamed, it must read exactly as under the new ones (npm's key order
 * included), except what keeps its text: the provider's names, the same digits as a default outside
 * the listed files or in a NOT_DEFAULTS text, and a file git ignores.
 */
function fixtureFiles(names: typeof CURRENT = CURRENT) {
  const utilName = `${names.scope}/util`;
  const libDependencies = Object.fromEntries(
    [utilName, '@nestjs/core'].sort(collate).map((dep) => [dep, dep === utilName ? '0.1.0' : '12.5.1']),
  );
  const lockPackages: Record<string, object> = {
    '': { name: names.name, workspaces: ['packages/*', 'apps/*'] },
    [`node_modules/${names.scope}/lib`]: { resolved: 'packages/lib', link: true },
    [`node_modules/${names.scope}/util`]: { resolved: 'packages/util', link: true },
    'node_modules/@nestjs/core': { version: '12.5.1', license: 'MIT' },
    'packages/lib': { name: `${names.scope}/lib`, version: '0.1.0', dependencies: libDependencies },
    'packages/util': { name: `${names.scope}/util`, version: '0.1.0' },
  };
  const gateway = names.ports.gateway;
  return {
    '.gitignore': 'node_modules/\nignored/\n',
    '.prettierrc.json': readFileSync(join(WORKSPACE_ROOT, '.prettierrc.json'), 'utf8'),
    'package.json': json({ name: names.name, private: true, workspaces: ['packages/*', 'apps/*'] }),
    'package-lock.json': json({
      name: names.name,
      lockfileVersion: 3,
      requires: true,
      packages: Object.fromEntries(
        Object.keys(lockPackages)
          .sort(collate)
          .map((key) => [key, lockPackages[key]]),
      ),
    }),
    'packages/lib/package.json': json({ name: `${names.scope}/lib`, version: '0.1.0', dependencies: libDependencies }),
    'packages/util/package.json': json({ name: `${names.scope}/util`, version: '0.1.0' }),
    'packages/lib/src/index.ts': `import { util } from '${utilName}';\n\nexport const retryAfterMs = ${ports.gateway};\nexport const agent = '${names.name}-lib';\nexport { util };\n`,
    'apps/gateway/src/bootstrap/settings.ts': `const SCHEMA = { GATEWAY_PORT: integer(0, 65_535, ${gateway}) };\n`,
    // A listed file: its default moves, the same digits in a NOT_DEFAULTS text stay.
    Dockerfile: `EXPOSE ${gateway}\nHEALTHCHECK CMD node -e "get('http://127.0.0.1:${gateway}/', {timeout:3000})"\n`,
    'README.md': [
      `# ${names.name}`,
      '',
      `${names.displayName} talks to ConnectPay: CONNECTPAY_ENV, https://api.connectpay.com, x-connectpay-timestamp,`,
      `connectpay_requests_total. Images are ${names.name}/gateway:local; the scope is ${names.scope}.`,
      '',
    ].join('\n'),
    'ignored/notes.md': `${scope}/lib stays: git ignores this file.\n`,
  };
}

function makeFixture(): string {
  const dir = tempDir('rename-fixture-');
  writeFiles(dir, fixtureFiles());
  initRepo(dir);
  return dir;
}

const read = (root: string, file: string) => readFileSync(join(root, file), 'utf8');
const readFixture = (root: string) => Object.fromEntries(readTexts(root, Object.keys(fixtureFiles())));

function expectUsageError(run: { status: number | null; stderr: string }, message: RegExp) {
  expect(run.stderr).toMatch(message);
  expect(run.status).toBe(2);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('tools/rename on a fixture repository', () => {
  it('renames the names and the listed ports as the fixture under the new names, says what it did, and only once', () => {
    const root = makeFixture();
    const run = runRename(['--root', root, ...TARGET_ARGS]);
    expect(run.stderr).not.toMatch(/error/);
    expect(run.status).toBe(0);
    expect(readFixture(root)).toEqual(fixtureFiles(TARGET));

    expect(run.stdout).toContain(`scope                 ${scope} -> ${TARGET.scope}`);
    expect(run.stdout).toMatch(/Changed 8 files\.\nReplacements: scope \d+, name \d+, display name 1, ports 3\n/);
    expect(run.stdout).toMatch(/1\. npm install .*\n.*npx prettier --write .*\n.*npm test/);
    // A fixture holds a few of the files the port rules name: the others are reported, not fatal.
    expect(run.stderr).toMatch(/port-rules\.mjs lists \d+ files this repository does not track/);

    git(root, ['commit', '-qam', 'renamed']);
    expectUsageError(
      runRename(['--root', root, ...TARGET_ARGS]),
      new RegExp(`no package in .* is named ${scope}/\\*: it was already renamed`),
    );
  });

  it('--dry-run prints each changed line and writes nothing', () => {
    const root = makeFixture();
    const run = runRename(['--root', root, ...TARGET_ARGS, '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`- # ${name}\n`);
    expect(run.stdout).toContain(`+ # ${TARGET.name}\n`);
    expect(run.stdout).toContain(`+ const SCHEMA = { GATEWAY_PORT: integer(0, 65_535, ${TARGET.ports.gateway}) };`);
    expect(run.stdout).toContain('Dry run: nothing was written.');
    expect(readFixture(root)).toEqual(fixtureFiles());
    expect(git(root, ['status', '--porcelain'])).toBe('');
  });

  it("re-wraps with the repository's prettier only the files that were formatted before", () => {
    const root = tempDir('rename-prettier-');
    // An import one column over or at the 120-column print width, so that the scope's new length
    // flips whether prettier wants it on one line.
    const lengthChange = TARGET.scope.length - scope.length;
    expect(lengthChange).not.toBe(0);
    const oneLine = (id: string) => `import { createConnectPayClient, watchCredentials, ${id} } from '${scope}/util';`;
    const id = 'x'.repeat((lengthChange < 0 ? 121 : 120) - oneLine('').length);
    writeFiles(root, {
      ...fixtureFiles(),
      'packages/lib/src/wide.ts': `${oneLine(id)}\n`,
      'packages/lib/src/messy.ts': `export   const  scope = '${scope}/util';\n`,
    });
    symlinkSync(join(WORKSPACE_ROOT, 'node_modules'), join(root, 'node_modules'));
    const prettier = (args: string[]) =>
      spawnSync(join(root, 'node_modules', '.bin', 'prettier'), args, { cwd: root, encoding: 'utf8' });
    expect(prettier(['--write', 'packages/lib/src/wide.ts']).status).toBe(0);
    initRepo(root);

    const run = runRename(['--root', root, ...TARGET_ARGS]);
    // Re-wrapped: the line as it was would not be prettier's any more.
    expect(prettier(['--check', 'packages/lib/src/wide.ts']).status).toBe(0);
    rmSync(join(root, 'node_modules'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Formatted with the repository's prettier: \d+ files/);
    expect(run.stdout).not.toContain('npx prettier --write');
    expect(read(root, 'packages/lib/src/wide.ts')).toContain(`from '${TARGET.scope}/util';`);
    // Unformatted before, so left as it was apart from the rename.
    expect(read(root, 'packages/lib/src/messy.ts')).toBe(`export   const  scope = '${TARGET.scope}/util';\n`);
  });
});

describe('tools/rename refuses bad input with exit code 2 and writes nothing', () => {
  let root: string;
  let plain: string;
  beforeAll(() => {
    root = makeFixture();
    plain = tempDir('rename-plain-');
  });
  afterEach(() => {
    expect(readFixture(root)).toEqual(fixtureFiles());
  });

  const base = (overrides: Record<string, string>) => {
    const options: Record<string, string> = { '--scope': '@widgets', '--name': 'widgets-kit', ...overrides };
    return ['--root', '<root>', ...Object.entries(options).flat()];
  };

  it.each([
    ['a scope without @', base({ '--scope': 'widgets' }), /--scope "widgets" is not an npm scope: write it as @name/],
    ['an upper-case scope', base({ '--scope': '@Widgets' }), /is not an npm scope/],
    ['a scope with a space', base({ '--scope': '@wid gets' }), /is not an npm scope/],
    ['a scope starting with a dot', base({ '--scope': '@.widgets' }), /is not an npm scope/],
    ['an upper-case name', base({ '--name': 'Widgets' }), /--name "Widgets" is not a usable product name/],
    ['a name with a slash', base({ '--name': 'widgets/kit' }), /is not a usable product name/],
    ['a name with a double hyphen', base({ '--name': 'widgets--kit' }), /is not a usable product name/],
    ['a display name with a comma', base({ '--display-name': 'Widgets, Inc' }), /goes into certificate subjects/],
    ['a privileged port', base({ '--gateway-port': '80' }), /--gateway-port "80" is not a port in 1024-32767/],
    ['a port above the range', base({ '--webhook-port': '70000' }), /is not a port in 1024-32767/],
    ['a port that is not a number', base({ '--sandbox-mtls-port': '84x3' }), /is not a port in/],
    [
      'two defaults on one port',
      base({ '--gateway-port': '5200', '--webhook-port': '5200' }),
      /the gateway port \(--gateway-port\) and the webhook port \(--webhook-port\) would both be 5200/,
    ],
    [
      "a port equal to another app's current default",
      base({ '--gateway-port': String(ports.webhook) }),
      new RegExp(
        `the gateway port \\(--gateway-port\\) and the webhook port \\(its current default\\) would both be ${ports.webhook}`,
      ),
    ],
    ['a port the repository uses otherwise', base({ '--webhook-port': '3002' }), /--webhook-port 3002 is taken/],
    ['no --scope', ['--root', '<root>', '--name', 'widgets-kit'], /required option '--scope <scope>'/],
    ['an unknown option', [...base({}), '--colour'], /unknown option '--colour'/],
    ['nothing to change', base({ '--scope': scope, '--name': name }), /nothing to rename/],
    [
      'the scope of a dependency',
      base({ '--scope': '@nestjs' }),
      /--scope @nestjs is already used by dependencies \(@nestjs\/core\)/,
    ],
    ['a folder that is not a git work tree', ['--root', '<plain>', ...TARGET_ARGS], /is not a git work tree/],
    ['a folder inside a work tree', ['--root', '<root>/packages', ...TARGET_ARGS], /is inside the git work tree/],
  ])('%s', (_name, args, message) => {
    expectUsageError(runRename(args.map((arg) => arg.replace('<root>', root).replace('<plain>', plain))), message);
  });
});

describe('tools/rename on a repository it must not rename as is', () => {
  it('refuses uncommitted changes unless --force, then renames them too', () => {
    const root = makeFixture();
    writeFileSync(join(root, 'README.md'), `${read(root, 'README.md')}A local edit.\n`);
    writeFileSync(join(root, 'new-file.md'), 'not committed yet\n');
    const refused = runRename(['--root', root, ...TARGET_ARGS]);
    expectUsageError(
      refused,
      /uncommitted changes.*cannot be reviewed:\n {3}M README\.md\n {2}\?\? new-file\.md\n.*--force/s,
    );
    expect(read(root, 'README.md')).toContain(`# ${name}\n`);

    const forced = runRename(['--root', root, ...TARGET_ARGS, '--force']);
    expect(forced.status).toBe(0);
    expect(forced.stderr).toMatch(/renaming over 2 uncommitted changes \(--force\)/);
    expect(read(root, 'README.md')).toMatch(new RegExp(`^# ${TARGET.name}\\n[^]*A local edit\\.\\n$`));
  });

  it('an unexpected failure exits 1 with a message and no stack trace', () => {
    const root = makeFixture();
    writeFileSync(join(root, '.git', 'index'), 'not an index');
    const run = runRename(['--root', root, ...TARGET_ARGS]);
    expect(run.stderr).toMatch(/^rename: unexpected error: git status failed: .*\nNothing was written\.\n$/s);
    expect(run.stderr).not.toMatch(/\n\s+at /);
    expect(run.status).toBe(1);
  });
});

describe('tools/rename and this workspace', () => {
  const [RULES, SPEC] = ['tools/rename/port-rules.mjs', 'tools/test/rename.spec.ts'];
  const text = (file: string) => readFileSync(join(WORKSPACE_ROOT, file), 'utf8');

  it('finds a default port in every file port-rules.mjs lists, and each NOT_DEFAULTS text in its file', () => {
    const stale = PORT_FILES.filter(
      (file) => !existsSync(join(WORKSPACE_ROOT, file)) || !portSpans(text(file), ports).length,
    );
    for (const [file, texts] of Object.entries(NOT_DEFAULTS))
      stale.push(...texts.filter((known) => !text(file).includes(known)).map((known) => `${file}: ${known}`));
    expect(stale).toEqual([]);
  });

  it('covers every ":<default port>" outside the listed files with a NOT_DEFAULTS text', () => {
    const uncovered: string[] = [];
    for (const file of workspaceFiles()) {
      // The lockfile holds no ports; port-rules.mjs and this spec quote the exceptions themselves.
      if (PORT_FILES.includes(file) || ['package-lock.json', RULES, SPEC].includes(file)) continue;
      const content = text(file);
      for (const span of portSpans(content, ports, NOT_DEFAULTS[file])) {
        if (content[span.start - 1] !== ':') continue;
        const line = content.slice(0, span.start).split('\n').length;
        uncovered.push(`${file}:${line}: ${content.split('\n')[line - 1]!.trim()}`);
      }
    }
    expect(uncovered).toEqual([]);
  });

  it('finds a port as a whole number only, and not inside an exception', () => {
    const found = (text: string, exceptions?: string[]) =>
      portSpans(text, { ...ports, gateway: 1234, webhook: 1235 }, exceptions).map((span) => span.kind);
    const all = ['gateway', 'webhook', 'gateway', 'gateway', 'gateway'];
    expect(found("'127.0.0.1:1234:1235' EXPOSE 1234 (1234) :-1234}")).toEqual(all);
    expect(found('12345 11234 1234ms v1.1234 x1234 PORT_1234')).toEqual([]);
    expect(found('timeout:1234 at :1234', ['timeout:1234'])).toEqual(['gateway']);
  });
});
