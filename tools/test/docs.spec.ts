// Every example a reader of docs/ would run is run here, so the pages stay true (issue 7), and so are
// the apps' and packages' READMEs, whose "adding a ..." sections show the extension points (issue 15). A page's
// ```sh doc-test``` blocks run in order with bash in a fresh folder per page; ```ts doc-test``` blocks
// are type-checked against the workspace packages and run with node; a ```text doc-output``` block
// lists lines the output must contain (docs/README.md, "How the examples are tested").
//
// The pages are written for a fresh clone: the gateway, the webhook receiver and the sandbox on their
// default ports of localhost, the dev PKI in .dev-pki/. Here the three apps run from their built dist/
// on free ports of 127.0.0.1 with a dev PKI in a temp folder, and the pages' localhost:<default port>
// addresses are rewritten to those ports before a block runs, and back in its output.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { type RenewableDevPki, writeRenewableDevPki } from '@connectpay-kit/testing-pki';
import {
  DOCUMENTED_PORTS,
  DocBlockError,
  docTestBlocks,
  missingOutputLine,
  relativeLinks,
  toActualPorts,
  toDocumentedPorts,
  type DocTestBlock,
  undocumentedAddresses,
} from '../docs/blocks.js';
import { DocTestFailure, pageSlug, prepareRepositoryStandIn, runPage, typecheckBlocks } from '../docs/runner.js';
import { BUILT, cleanEnvironment, type LocalStack, missingBuilds, startLocalStack } from '../docs/stack.js';
import { WORKSPACE_ROOT } from '../workspace.js';

const DOCS = join(WORKSPACE_ROOT, 'docs');
/**
 * The apps' and packages' READMEs run too: each has an "adding a rule / an endpoint / an API / a
 * handler" section whose example exercises the real extension point, so steps that stop working fail here.
 */
const READMES = ['apps', 'packages']
  .flatMap((folder) => readdirSync(join(WORKSPACE_ROOT, folder)).map((name) => `${folder}/${name}/README.md`))
  .filter((page) => existsSync(join(WORKSPACE_ROOT, page)))
  .sort();
const PAGES = [
  ...readdirSync(DOCS)
    .flatMap((name) => (name.endsWith('.md') ? [`docs/${name}`] : []))
    .sort(),
  ...READMES,
];

function blocksOf(page: string): DocTestBlock[] {
  try {
    return docTestBlocks(readFileSync(join(WORKSPACE_ROOT, page), 'utf8'));
  } catch (error) {
    if (error instanceof DocBlockError) throw new DocBlockError(`${page}: ${error.message}`);
    throw error;
  }
}

/**
 * Files a page uses but cannot make with the commands it shows. rotating-certificates.md needs a
 * renewed client certificate from the CA the sandbox trusts; the page says where it comes from. The
 * dev PKI here keeps its intermediate CA in memory for that (ensureDevPki() keeps no CA key anywhere).
 */
const FIXTURES: Record<string, (dir: string, pki: RenewableDevPki) => Promise<void>> = {
  'docs/rotating-certificates.md': async (dir, pki) => {
    const renewed = await pki.renewClient({ validity: { days: 397 } });
    mkdirSync(join(dir, 'renewed'), { mode: 0o700 });
    writeFileSync(join(dir, 'renewed/client.crt'), renewed.leafPem);
    writeFileSync(join(dir, 'renewed/client.key'), renewed.keyPem, { mode: 0o600 });
  },
};

let work: string;
let stack: LocalStack | undefined;
let pki: RenewableDevPki;
let pageEnvironment: Record<string, string>;

beforeAll(async () => {
  const missing = missingBuilds();
  if (missing.length > 0) {
    throw new Error(
      `the docs test runs the built apps, and ${missing.join(', ')} is missing: run \`npx nx run-many -t build\` (nx runs it before tools' tests).`,
    );
  }
  work = mkdtempSync(join(tmpdir(), 'connectpay-docs-'));
  const stackDir = join(work, 'stack');
  mkdirSync(stackDir);
  pki = await writeRenewableDevPki(join(stackDir, '.dev-pki'));
  stack = await startLocalStack(stackDir, pki.dir);

  const bin = join(work, 'bin');
  mkdirSync(bin);
  symlinkSync(BUILT.certCheckBin, join(bin, 'cert-check'));
  pageEnvironment = {
    ...cleanEnvironment(),
    PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`,
    // The TypeScript examples load the `local` profile, whose sandbox URLs default to the sandbox's
    // default ports; these are the ones the test's sandbox really listens on (code has no URL to rewrite).
    CONNECTPAY_LOCAL_MTLS_URL: `https://127.0.0.1:${stack.ports.sandboxMtls}`,
    CONNECTPAY_LOCAL_ONEWAY_URL: `https://127.0.0.1:${stack.ports.sandboxOneway}`,
  };
}, 180_000);

afterAll(async () => {
  await stack?.stop();
  if (work) rmSync(work, { recursive: true, force: true });
}, 60_000);

describe('docs pages: every doc-test block runs and prints what the page promises', () => {
  it('finds the pages and their examples', () => {
    expect(PAGES).toEqual(
      expect.arrayContaining([
        'docs/README.md',
        'docs/getting-a-certificate.md',
        'docs/environments.md',
        'docs/rotating-certificates.md',
        'docs/adding-an-api.md',
        'docs/operating-webhooks.md',
        'docs/security-model.md',
      ]),
    );
    // The extension points' sections (one example each, run against the built code).
    const withExamples = READMES.filter((page) => blocksOf(page).some((block) => block.run));
    expect(withExamples).toEqual(
      expect.arrayContaining([
        'apps/gateway/README.md',
        'apps/sandbox/README.md',
        'apps/webhook/README.md',
        'packages/certs/README.md',
        'packages/hosts/README.md',
      ]),
    );
    const runnable = PAGES.flatMap(blocksOf).filter((block) => block.run);
    expect(runnable.length).toBeGreaterThan(20);
  });

  it.each(PAGES.filter((page) => blocksOf(page).length > 0))(
    '%s',
    async (page) => {
      const dir = join(work, 'pages', pageSlug(page));
      prepareRepositoryStandIn(dir, pki.dir);
      await FIXTURES[page]?.(dir, pki);
      try {
        await runPage({
          page,
          blocks: blocksOf(page),
          dir,
          env: pageEnvironment,
          ports: (stack as LocalStack).ports,
        });
      } catch (error) {
        if (error instanceof DocTestFailure) error.message += `\n${(stack as LocalStack).logs(8)}`;
        throw error;
      }
    },
    240_000,
  );

  it('type-checks every ts doc-test block against the workspace packages', async () => {
    const inputs = PAGES.map((page) => ({ page, blocks: blocksOf(page) }));
    const result = await typecheckBlocks(inputs, join(work, 'typecheck'));
    expect(result.files).toBeGreaterThan(0);
    // File names are <page>.block-<n>.line-<line>.ts: the block and the line of its fence.
    expect(result.errors).toBeUndefined();
  }, 120_000);
});

describe('docs links', () => {
  const files = [...PAGES, 'README.md'];

  it.each(files)('every relative link in %s resolves to a file in the repository', (file) => {
    const broken = relativeLinks(readFileSync(join(WORKSPACE_ROOT, file), 'utf8'))
      .filter((link) => !existsSync(resolve(dirname(join(WORKSPACE_ROOT, file)), link.target)))
      .map((link) => `${file}:${link.line} -> ${link.target}`);
    expect(broken).toEqual([]);
  });
});

describe('the docs runner fails when a page is wrong', () => {
  const page = (body: string) => `# A page\n\n${body}\n`;

  it('reads blocks, flags, expected output and line numbers', () => {
    const blocks = docTestBlocks(
      page(
        '```sh doc-test exit=1\nfalse\n```\n\n```text doc-output\n  first …\n\nsecond\n```\n\n```sh\nnot run\n```\n\n```ts doc-test no-run\nconst x = 1;\n```',
      ),
    );
    expect(blocks).toEqual([
      {
        language: 'sh',
        index: 1,
        line: 3,
        code: 'false',
        expectedExit: 1,
        run: true,
        output: { line: 7, lines: ['first …', 'second'] },
      },
      { language: 'ts', index: 2, line: 17, code: 'const x = 1;', expectedExit: 0, run: false },
    ]);
  });

  it.each([
    ['```sh doc-test exit=one\nx\n```', /unknown flag "exit=one": use exit=N$/],
    ['```python doc-test\nx\n```', /only sh and ts blocks run/],
    ['```sh\nx\n```\n\n```text doc-output\nx\n```', /does not follow a doc-test block/],
    ['```sh doc-test\nx\n', /never closed/],
  ])('refuses %j', (markdown, message) => {
    expect(() => docTestBlocks(page(markdown))).toThrow(DocBlockError);
    expect(() => docTestBlocks(page(markdown))).toThrow(message);
  });

  it('matches expected lines in order, with … for volatile values', () => {
    const output = 'chain.pem: OK (3 certificates; 0 errors, 2 warnings)\nid 9f3c…\nwrote x.zip\n';
    expect(missingOutputLine(['chain.pem: OK (… 0 errors, …)', 'wrote x.zip'], output)).toBeUndefined();
    expect(missingOutputLine(['chain.pem: FAIL (…)'], output)).toBe('chain.pem: FAIL (…)');
    expect(missingOutputLine(['wrote x.zip', 'chain.pem: OK …'], output)).toBe('chain.pem: OK …');
    // Regular-expression characters in the page are literal text.
    expect(missingOutputLine(['OK (3 certificates; 0 errors.*'], output)).toBe('OK (3 certificates; 0 errors.*');
  });

  it("rewrites the documented ports to the test's and back", () => {
    const { gateway, webhook, sandboxOneway } = DOCUMENTED_PORTS;
    // Some port that is none of the defaults, whatever a rename made them.
    const other = [1025, 1026, 1027, 1028, 1029].find((port) => !Object.values(DOCUMENTED_PORTS).includes(port));
    const ports = { gateway: 41000, webhook: 41001, sandboxMtls: 41002, sandboxOneway: 41003 };
    const command = `curl -s localhost:${gateway}/x http://127.0.0.1:${webhook}/y https://127.0.0.1:${sandboxOneway}/z localhost:${other}`;
    const actual = toActualPorts(command, ports);
    expect(actual).toBe(
      `curl -s localhost:41000/x http://127.0.0.1:41001/y https://127.0.0.1:41003/z localhost:${other}`,
    );
    expect(toDocumentedPorts(actual, ports)).toBe(command);
    // A port that is no default is refused before the block runs, not sent to whatever listens there.
    expect(undocumentedAddresses(command)).toEqual([`localhost:${other}`]);
  });

  it.each([
    {
      title: 'passes a block that prints what it promises',
      markdown: '```sh doc-test\necho fine\n```\n\n```text doc-output\nfine\n```',
    },
    {
      title: 'fails a block on its exit status',
      markdown: '```sh doc-test\necho one\nfalse\necho never\n```',
      failure: /^docs\/x\.md block 1 \(sh, line 3\) exited with 1, the page expects 0\.\n--- output ---\none\n$/,
    },
    {
      title: 'fails a block on a promised line that is missing',
      markdown: '```sh doc-test\necho actual\n```\n\n```text doc-output\npromised\n```',
      failure: /promises a line matching\n {2}promised\n/,
    },
    {
      title: 'carries files over from block to block, not shell variables',
      markdown:
        '```sh doc-test\nx=1; echo kept > file\n```\n\n```sh doc-test\ncat file; echo "${x:-unset}"\n```\n\n```text doc-output\nkept\nunset\n```',
    },
  ])('$title', async ({ markdown, failure }) => {
    const run = runPage({
      page: 'docs/x.md',
      blocks: docTestBlocks(page(markdown)),
      dir: mkdtempSync(join(work, 'runner-')),
      env: cleanEnvironment(),
      ports: DOCUMENTED_PORTS,
    });
    await (failure ? expect(run).rejects.toThrow(failure) : expect(run).resolves.toBeUndefined());
  });

  it('reports links that do not resolve, and ignores URLs, anchors and code', () => {
    const markdown = page(
      '[a](a.md) [b](../b.md#part) [web](https://example.com) [top](#top) `[c](c.md)`\n\n```md\n[d](d.md)\n```\n\n[ref]: e.md',
    );
    expect(relativeLinks(markdown).map((link) => link.target)).toEqual(['a.md', '../b.md', 'e.md']);
  });
});
