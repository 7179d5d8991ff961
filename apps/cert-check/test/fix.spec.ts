// fix: order leaf -> root, drop duplicates and strays, complete from the pool and the trust store.
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { toPem } from '@connectpay-kit/testing-pki';
import { cli, corpus, scratchDir } from './support/cli.js';
import { writeChain, type ChainFiles } from './support/pki.js';

const scratch = scratchDir();
let main: ChainFiles;
let other: ChainFiles;

beforeAll(async () => {
  main = await writeChain(scratch, 'main');
  other = await writeChain(scratch, 'other');
});
afterAll(() => scratch.cleanup());

/** SHA-256 fingerprints of the PEM blocks of a file, in file order. */
function fingerprints(path: string): string[] {
  const text = readFileSync(path, 'utf8');
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(
    (m) => new X509Certificate(m[0]).fingerprint256,
  );
}

const fp = (pem: string): string => new X509Certificate(pem).fingerprint256;

describe('fix', () => {
  it('reversed-no-root.pem: writes the leaf first and says so; still exit 1 because the root cannot be found', async () => {
    const input = corpus('chains/reversed-no-root.pem');
    const out = `${scratch.dir}/reversed-fixed.pem`;
    const result = await cli(['fix', input, '-o', out]);
    const before = fingerprints(input);
    expect(fingerprints(out)).toEqual([before[1], before[0]]);
    expect(result.stdout).toMatch(/^ {2}- put the certificates in issuing order/m);
    expect(result.stderr).toMatch(/^incomplete: wrote 2 certificates to/m);
    expect(result.code).toBe(1);
  });

  it('a chain missing its intermediate is completed from --intermediates (exit 0), leaf -> intermediate -> root', async () => {
    const out = `${scratch.dir}/gap-fixed.pem`;
    const result = await cli(['fix', main.gap, '-o', out, '--intermediates', main.intermediate, '--trust', main.root]);
    expect(result.code).toBe(0);
    expect(fingerprints(out)).toEqual(main.chain.chain.map((c) => fp(c.pem)));
    expect(result.stdout).toMatch(/added the intermediate .* from the intermediates pool/);
    expect(result.stdout).toMatch(/^complete: wrote 3 certificates to .*gap-fixed\.pem, leaf first, root last$/m);
  });

  it('the same chain without the pool cannot be completed: exit 1 with the reason on stderr', async () => {
    const out = `${scratch.dir}/gap-unfixed.pem`;
    const result = await cli(['fix', main.gap, '-o', out, '--trust', main.root]);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(
      /^incomplete: .*neither in the file, nor in the intermediates pool, nor in the trust store/m,
    );
  });

  it('adds the missing root from the trust store', async () => {
    const leafAndIntermediate = scratch.file('no-root.pem', toPem(main.chain.chain.slice(0, 2)));
    const out = `${scratch.dir}/rooted.pem`;
    const result = await cli(['fix', leafAndIntermediate, '-o', out, '--trust', main.root]);
    expect(result.code).toBe(0);
    expect(fingerprints(out)).toEqual(main.chain.chain.map((c) => fp(c.pem)));
    expect(result.stdout).toMatch(/added the root .* from the trust store/);
  });

  it('drops a duplicate and a stray, and says which', async () => {
    const [leaf, intermediate, root] = main.chain.chain;
    const messy = scratch.file('messy.pem', toPem([root!, leaf!, intermediate!, other.chain.leaf, intermediate!]));
    const out = `${scratch.dir}/messy-fixed.pem`;
    const result = await cli(['fix', messy, '-o', out, '--trust', main.root]);
    expect(result.code).toBe(0);
    expect(fingerprints(out)).toEqual([leaf!, intermediate!, root!].map((c) => fp(c.pem)));
    expect(result.stdout).toMatch(/removed the 5th certificate .*: a copy of the 3rd/);
    expect(result.stdout).toMatch(/removed the 4th certificate .*: it is not part of the leaf's chain/);
  });

  it('combines several files into one chain', async () => {
    const out = `${scratch.dir}/combined.pem`;
    const leaf = scratch.file('leaf-only.pem', main.chain.leaf.pem);
    const result = await cli(['fix', main.root, main.intermediate, leaf, '-o', out]);
    expect(result.code).toBe(0);
    expect(fingerprints(out)).toEqual(main.chain.chain.map((c) => fp(c.pem)));
  });

  it('drops a private key from the output and reports it', async () => {
    const withKey = scratch.file('chain-with-key.pem', main.chain.pem + main.chain.leaf.privateKeyPem);
    const out = `${scratch.dir}/without-key.pem`;
    const result = await cli(['fix', withKey, '-o', out, '--trust', main.root]);
    expect(result.stdout).toMatch(/removed 1 private key block/);
    expect(readFileSync(out, 'utf8')).not.toMatch(/PRIVATE KEY/);
    expect(result.code).toBe(0);
  });

  it('with -o - writes the chain to stdout and the changes to stderr', async () => {
    const reversed = scratch.file('reversed.pem', toPem([...main.chain.chain].reverse()));
    const result = await cli(['fix', reversed, '-o', '-']);
    expect(result.stdout.match(/-----BEGIN CERTIFICATE-----/g)).toHaveLength(3);
    expect(result.stdout).not.toMatch(/issuing order|complete/);
    expect(result.stderr).toMatch(/issuing order/);
    expect(result.code).toBe(0);
  });

  it('a chain already in order: "no changes", exit 0', async () => {
    const result = await cli(['fix', main.full, '-o', `${scratch.dir}/same.pem`]);
    expect(result.stdout).toMatch(/^no changes/m);
    expect(result.code).toBe(0);
  });

  it('without -o: usage error, exit 2; a PKCS#12-like unreadable input: exit 2 with the reason', async () => {
    expect((await cli(['fix', main.full])).code).toBe(2);
    const empty = scratch.file('empty.pem', '');
    const result = await cli(['fix', empty, '-o', `${scratch.dir}/x.pem`]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/contains no certificate: the file is empty/);
  });

  it('an unwritable output: exit 2, one line', async () => {
    const result = await cli(['fix', main.full, '-o', `${scratch.dir}/no/such/dir/out.pem`]);
    expect(result.code).toBe(2);
    expect(result.stderr.trim()).toMatch(/^cert-check: cannot write .*out\.pem: no such file or directory$/);
  });
});
