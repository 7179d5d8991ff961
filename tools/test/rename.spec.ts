// tools/rename/rename.mjs, run as a process the way a user runs it: on a small fixture repository
// for the exact effects, and on a copy of this workspace for completeness. The full proof (the
// renamed copy's whole test suite) is rename-e2e.spec.ts.
import { existsSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { isDeepStrictEqual } from 'node:util';
import { CURRENT, type PortKey } from '../rename/current.mjs';
import { portSpans, PORT_KINDS } from '../rename/engine.mjs';
import { NOT_DEFAULTS, PORT_FILES } from '../rename/port-rules.mjs';
import {
  commitAll,
  copyWorkspace,
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

// Names no file of the workspace uses, so every occurrence after the rename is the rename's.
const TARGET = {
  scope: '@zz-spec',
  name: 'zz-spec-kit',
  displayName: 'Zz Spec Kit',
  ports: { gateway: 5100, webhook: 5101, sandboxMtls: 5443, sandboxOneway: 5444 } as Record<PortKey, number>,
};
const TARGET_ARGS = ['--scope', TARGET.scope, '--name', TARGET.name];
TARGET_ARGS.push(...PORT_KINDS.flatMap((kind) => [`--${kind.option}`, String(TARGET.ports[kind.key])]));

const { scope, name, displayName, ports } = CURRENT;
const collate = (a: string, b: string) => a.localeCompare(b, 'en');
const sortedKeys = (object: object) => Object.keys(object).sort(collate);
const json = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;

/** The fixture: a miniature of the workspace with every kind of occurrence the rename must handle. */
function fixtureFiles(): Record<string, string> {
  const utilName = `${scope}/util`;
  const libDependencies = Object.fromEntries(
    [utilName, '@nestjs/core'].sort(collate).map((dep) => [dep, dep === utilName ? '0.1.0' : '12.5.1']),
  );
  const lockPackages: Record<string, object> = {
    '': { name, workspaces: ['packages/*', 'apps/*'] },
    [`node_modules/${scope}/lib`]: { resolved: 'packages/lib', link: true },
    [`node_modules/${scope}/util`]: { resolved: 'packages/util', link: true },
    'node_modules/@nestjs/core': { version: '12.5.1', license: 'MIT' },
    'packages/lib': { name: `${scope}/lib`, version: '0.1.0', dependencies: libDependencies },
    'packages/util': { name: `${scope}/util`, version: '0.1.0' },
  };
  return {
    '.gitignore': 'node_modules/\nignored/\n',
    '.prettierrc.json': readFileSync(join(WORKSPACE_ROOT, '.prettierrc.json'), 'utf8'),
    'package.json': json({ name, private: true, workspaces: ['packages/*', 'apps/*'] }),
    'package-lock.json': json({
      name,
      lockfileVersion: 3,
      requires: true,
      packages: Object.fromEntries(
        Object.keys(lockPackages)
          .sort(collate)
          .map((key) => [key, lockPackages[key]]),
      ),
    }),
    'packages/lib/package.json': json({ name: `${scope}/lib`, version: '0.1.0', dependencies: libDependencies }),
    'packages/util/package.json': json({ name: `${scope}/util`, version: '0.1.0' }),
    'packages/lib/src/index.ts': `import { util } from '${utilName}';\n\nexport const retryAfterMs = ${ports.gateway};\nexport const agent = '${name}-lib';\nexport { util };\n`,
    'apps/gateway/src/bootstrap/settings.ts': `const SCHEMA = { GATEWAY_PORT: integer(0, 65_535, ${ports.gateway}) };\n`,
    // A listed file: its default moves, the same digits in a NOT_DEFAULTS text stay.
    Dockerfile: `EXPOSE ${ports.gateway}\nHEALTHCHECK CMD node -e "get('http://127.0.0.1:${ports.gateway}/', {timeout:3000})"\n`,
    'README.md': [
      `# ${name}`,
      '',
      `${displayName} talks to ConnectPay: CONNECTPAY_ENV, https://api.connectpay.com, x-connectpay-timestamp,`,
      `connectpay_requests_total. Images are ${name}/gateway:local; the scope is ${scope}.`,
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

function expectUsageError(run: { status: number | null; stderr: string }, message: RegExp) {
  expect(run.stderr).toMatch(message);
  expect(run.status).toBe(2);
  expect(run.stderr).not.toMatch(/\n\s+at /); // no stack trace
}

describe('tools/rename on a fixture repository', () => {
  let root: string;
  let run: ReturnType<typeof runRename>;
  beforeAll(() => {
    root = makeFixture();
    run = runRename(['--root', root, ...TARGET_ARGS]);
  });

  it('renames scope, name and display name in tracked files; the provider and ignored files keep theirs', () => {
    expect(run.stderr).not.toMatch(/error/);
    expect(run.status).toBe(0);

    expect(read(root, 'README.md')).toBe(
      [
        `# ${TARGET.name}`,
        '',
        `${TARGET.displayName} talks to ConnectPay: CONNECTPAY_ENV, https://api.connectpay.com, x-connectpay-timestamp,`,
        `connectpay_requests_total. Images are ${TARGET.name}/gateway:local; the scope is ${TARGET.scope}.`,
        '',
      ].join('\n'),
    );
    expect(read(root, 'packages/lib/src/index.ts')).toBe(
      `import { util } from '${TARGET.scope}/util';\n\nexport const retryAfterMs = ${ports.gateway};\nexport const agent = '${TARGET.name}-lib';\nexport { util };\n`,
    );
    expect(JSON.parse(read(root, 'package.json')).name).toBe(TARGET.name);
    expect(JSON.parse(read(root, 'packages/util/package.json')).name).toBe(`${TARGET.scope}/util`);
    expect(read(root, 'ignored/notes.md')).toBe(`${scope}/lib stays: git ignores this file.\n`);
  });

  it('changes a port only in the files port-rules.mjs lists, and not in their NOT_DEFAULTS texts', () => {
    const settings = read(root, 'apps/gateway/src/bootstrap/settings.ts');
    expect(settings).toContain(`GATEWAY_PORT: integer(0, 65_535, ${TARGET.ports.gateway}) }`);
    const { gateway } = TARGET.ports;
    expect(read(root, 'Dockerfile')).toBe(
      `EXPOSE ${gateway}\nHEALTHCHECK CMD node -e "get('http://127.0.0.1:${gateway}/', {timeout:3000})"\n`,
    );
    expect(read(root, 'packages/lib/src/index.ts')).toContain(`retryAfterMs = ${ports.gateway};`);
  });

  it("keeps npm's order in manifests and the lockfile, with the workspace links renamed", () => {
    const lib = JSON.parse(read(root, 'packages/lib/package.json'));
    expect(Object.keys(lib.dependencies)).toEqual(sortedKeys(lib.dependencies));
    expect(Object.keys(lib.dependencies)).toContain(`${TARGET.scope}/util`);
    const lock = JSON.parse(read(root, 'package-lock.json'));
    expect(Object.keys(lock.packages)).toEqual(sortedKeys(lock.packages));
    expect(lock.packages[`node_modules/${TARGET.scope}/util`]).toEqual({ resolved: 'packages/util', link: true });
    expect(lock.packages['packages/lib'].dependencies).toEqual(lib.dependencies);
    expect(Object.keys(lock.packages['packages/lib'].dependencies)).toEqual(sortedKeys(lib.dependencies));
    expect(JSON.stringify(lock)).not.toContain(scope);
  });

  it('prints the changes and the next steps', () => {
    expect(run.stdout).toContain(`scope                 ${scope} -> ${TARGET.scope}`);
    expect(run.stdout).toMatch(/Changed 8 files\.\nReplacements: scope \d+, name \d+, display name 1, ports 3\n/);
    expect(run.stdout).toMatch(/1\. npm install .*\n.*npx prettier --write .*\n.*npm test/);
    // A fixture holds a few of the files the port rules name: the others are reported, not fatal.
    expect(run.stderr).toMatch(/port-rules\.mjs lists \d+ files this repository does not track/);
  });

  it('--dry-run prints each changed line and writes nothing', () => {
    const root = makeFixture();
    const before = readTexts(root, Object.keys(fixtureFiles()));
    const run = runRename(['--root', root, ...TARGET_ARGS, '--dry-run']);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`- # ${name}\n`);
    expect(run.stdout).toContain(`+ # ${TARGET.name}\n`);
    expect(run.stdout).toContain(`+ const SCHEMA = { GATEWAY_PORT: integer(0, 65_535, ${TARGET.ports.gateway}) };`);
    expect(run.stdout).toContain('Dry run: nothing was written.');
    expect(readTexts(root, [...before.keys()])).toEqual(before);
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
    const linesBefore = read(root, 'packages/lib/src/wide.ts').split('\n').length;

    const run = runRename(['--root', root, ...TARGET_ARGS]);
    rmSync(join(root, 'node_modules'));
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Formatted with the repository's prettier: \d+ files/);
    expect(run.stdout).not.toContain('npx prettier --write');
    const wide = read(root, 'packages/lib/src/wide.ts');
    expect(wide).toContain(`from '${TARGET.scope}/util';`);
    expect(wide.split('\n').length).not.toBe(linesBefore);
    // Unformatted before, so left as it was apart from the rename.
    expect(read(root, 'packages/lib/src/messy.ts')).toBe(`export   const  scope = '${TARGET.scope}/util';\n`);
  });
});

describe('tools/rename refuses bad input with exit code 2 and writes nothing', () => {
  let root: string;
  let before: Map<string, string>;
  beforeAll(() => {
    root = makeFixture();
    before = readTexts(root, Object.keys(fixtureFiles()));
  });
  afterEach(() => {
    expect(readTexts(root, [...before.keys()])).toEqual(before);
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
  ])('%s', (_name, args, message) => {
    expectUsageError(runRename(args.map((arg) => (arg === '<root>' ? root : arg))), message);
  });

  it('a folder that is not a git work tree', () => {
    const plain = tempDir('rename-plain-');
    expectUsageError(runRename(['--root', plain, ...TARGET_ARGS]), /is not a git work tree/);
  });

  it('a folder inside a work tree', () => {
    expectUsageError(runRename(['--root', join(root, 'packages'), ...TARGET_ARGS]), /is inside the git work tree/);
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

  it('says so when the repository was already renamed', () => {
    const root = makeFixture();
    expect(runRename(['--root', root, ...TARGET_ARGS]).status).toBe(0);
    commitAll(root, 'renamed');
    expectUsageError(
      runRename(['--root', root, ...TARGET_ARGS]),
      new RegExp(`no package in .* is named ${scope}/\\*: it was already renamed`),
    );
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

  describe('a copy of the workspace', () => {
    let root: string;
    let files: string[];
    let before: Map<string, string>;
    let dry: ReturnType<typeof runRename>;
    let run: ReturnType<typeof runRename>;
    let after: Map<string, string>;

    beforeAll(() => {
      root = tempDir('rename-workspace-');
      files = copyWorkspace(root);
      before = readTexts(root, files);
      dry = runRename(['--root', root, ...TARGET_ARGS, '--dry-run']);
      expect(readTexts(root, files)).toEqual(before);
      run = runRename(['--root', root, ...TARGET_ARGS]);
      after = readTexts(root, files);
    });

    it('dry run: lists the changes and writes nothing', () => {
      expect(dry.stderr).toBe('');
      expect(dry.status).toBe(0);
      expect(dry.stdout).toContain('apps/gateway/src/bootstrap/settings.ts');
      expect(dry.stdout).toContain(`+ GATEWAY_PORT: integer(0, 65_535, ${TARGET.ports.gateway}),`);
      expect(dry.stdout).toContain('Dry run: nothing was written.');
    });

    it('renames with no warning, and says how many files changed', () => {
      expect(run.stderr).toBe('');
      expect(run.status).toBe(0);
      const changed = files.filter((file) => after.get(file) !== before.get(file));
      expect(run.stdout).toContain(`Changed ${changed.length} files.`);
      expect(dry.stdout).toContain(`Would change ${changed.length} files.`);
    });

    it('leaves no spelling of the old scope or name in any tracked file', () => {
      const words = name.split(/[-_]/).map((word) => word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const spelling = new RegExp(`${words.join('[-_ ]?')}|${scope.replace(/[.]/g, '\\.')}`, 'i');
      const left = [...after].filter(([, text]) => spelling.test(text)).map(([file]) => file);
      expect(left).toEqual([]);
    });

    it('keeps every name of the provider: ConnectPay, CONNECTPAY_*, its hosts, headers and metrics', () => {
      const provider = /ConnectPay|CONNECTPAY_|connectpay\.com|x-connectpay-|connectpay_[a-z]/g;
      const count = (texts: Map<string, string>, display: string) =>
        [...texts.values()].reduce((sum, text) => sum + (text.split(display).join('').match(provider)?.length ?? 0), 0);
      const countBefore = count(before, displayName);
      expect(countBefore).toBeGreaterThan(500);
      expect(count(after, TARGET.displayName)).toBe(countBefore);
    });

    it('changes nothing but the names and the default ports in the listed files', () => {
      const differences: string[] = [];
      for (const file of files) {
        const old = before.get(file)!;
        // This spec names the target itself; the reverse mapping below would be ambiguous there.
        if ([TARGET.scope, TARGET.name, TARGET.displayName].some((token) => old.includes(token))) continue;
        let text = after.get(file)!;
        for (const span of PORT_FILES.includes(file) ? portSpans(text, TARGET.ports).reverse() : []) {
          text = text.slice(0, span.start) + String(ports[span.kind]) + text.slice(span.end);
        }
        text = text.replaceAll(TARGET.scope, scope).replaceAll(TARGET.displayName, displayName);
        text = text.replaceAll(TARGET.name, name);
        // Manifests and the lockfile may list renamed keys in a new (npm's) order: compare their content.
        const same = /(^|\/)package(-lock)?\.json$/.test(file)
          ? isDeepStrictEqual(JSON.parse(text), JSON.parse(old))
          : text === old;
        if (!same) differences.push(file);
      }
      expect(differences).toEqual([]);
    });

    it('moves every default port of the listed files', () => {
      const found = (texts: Map<string, string>, to: Record<PortKey, number>, except = NOT_DEFAULTS) =>
        Object.fromEntries(PORT_FILES.map((file) => [file, portSpans(texts.get(file)!, to, except[file]).length]));
      const moved = found(after, TARGET.ports, {});
      expect(moved).toEqual(found(before, ports));
      const total = Object.values(moved).reduce((sum, count) => sum + count, 0);
      expect(Number(/Replacements: .*ports (\d+)/.exec(run.stdout)?.[1])).toBe(total);
    });
  });
});
