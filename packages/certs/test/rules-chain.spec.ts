// pem.* and chain.* rules: one testing-pki case that fires each rule and one that does not.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRoot, selfSigned } from '@connectpay-kit/testing-pki';
import { cleanChain, findings, problems, toPem, verifyWith } from './support/pki.js';

describe('a clean chain', () => {
  it('passes every rule when its root is trusted (offline: only revocation is unknown)', async () => {
    const { pem, root } = await cleanChain();
    const report = await verifyWith(pem, root.pem);
    expect(problems(report)).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.chain.map((link) => link.index)).toEqual([0, 1, 2]);
    expect(findings(report, 'revocation.unknown').map((finding) => finding.certificate)).toEqual([0, 1]);
  });
});

describe('pem.format', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'certs-pem-format-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('fires for a DER certificate and names the openssl conversion', async () => {
    const { leaf, root } = await cleanChain();
    const report = await verifyWith(leaf.der, root.pem, { fileName: 'client.der' });
    const [finding] = findings(report, 'pem.format');
    expect(finding?.message).toMatch(/DER/);
    expect(finding?.hint).toBe('convert it: openssl x509 -inform DER -in client.der -out chain.pem');
    // The certificate inside is still checked.
    expect(report.certificates).toHaveLength(1);
  });

  it('fires for PKCS#7 and PKCS#12 files made by openssl', async () => {
    const { pem, leaf, root } = await cleanChain();
    const chainFile = join(dir, 'chain.pem');
    const keyFile = join(dir, 'leaf.key');
    writeFileSync(chainFile, pem);
    writeFileSync(keyFile, leaf.privateKeyPem, { mode: 0o600 });
    execFileSync('openssl', [
      'crl2pkcs7',
      '-nocrl',
      '-certfile',
      chainFile,
      '-outform',
      'DER',
      '-out',
      join(dir, 'chain.p7b'),
    ]);
    execFileSync('openssl', [
      'pkcs12',
      '-export',
      '-in',
      chainFile,
      '-inkey',
      keyFile,
      '-passout',
      'pass:test',
      '-out',
      join(dir, 'chain.p12'),
    ]);

    const p7 = await verifyWith(readFileSync(join(dir, 'chain.p7b')), root.pem, { fileName: 'chain.p7b' });
    expect(findings(p7, 'pem.format')[0]?.hint).toBe(
      'convert it: openssl pkcs7 -inform DER -print_certs -in chain.p7b -out chain.pem',
    );
    expect(p7.certificates).toHaveLength(3);

    const p12 = await verifyWith(readFileSync(join(dir, 'chain.p12')), root.pem, { fileName: 'chain.p12' });
    expect(findings(p12, 'pem.format')[0]?.hint).toBe(
      'extract the certificates only: openssl pkcs12 -in chain.p12 -nokeys -out chain.pem (then order them leaf first)',
    );
    expect(p12.ok).toBe(false);
  });

  it('does not fire for PEM with CRLF, blank lines and openssl -text output between blocks', async () => {
    const { chain, root } = await cleanChain();
    const messy = chain
      .map((certificate) => `Certificate:\n    Data:\n        Version: 3 (0x2)\n\n\n${certificate.pem}\n`)
      .join('\n')
      .replace(/\n/g, '\r\n');
    const report = await verifyWith(messy, root.pem);
    expect(findings(report, 'pem.format')).toEqual([]);
    expect(report.certificates).toHaveLength(3);
  });
});

describe('pem.private-key', () => {
  it('fires when a private key is in the chain file, without echoing it', async () => {
    const { pem, leaf, root } = await cleanChain();
    const report = await verifyWith(`${pem}${leaf.privateKeyPem}`, root.pem);
    const [finding] = findings(report, 'pem.private-key');
    expect(finding?.message).toMatch(/"PRIVATE KEY" block at line \d+/);
    const keyBody = leaf.privateKeyPem.split('\n')[1] as string;
    expect(JSON.stringify(report)).not.toContain(keyBody);
  });

  it('does not fire for certificates only', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'pem.private-key')).toEqual([]);
  });
});

describe('chain.leaf-first', () => {
  it('fires when an intermediate comes first, naming the real leaf', async () => {
    const { leaf, intermediates, root } = await cleanChain();
    const report = await verifyWith(toPem([intermediates[0]!, leaf, root]), root.pem);
    const [finding] = findings(report, 'chain.leaf-first');
    expect(finding?.certificate).toBe(0);
    expect(finding?.message).toMatch(/the leaf is the 2nd certificate/);
    expect(report.leaf).toBe(1);
  });

  it('does not fire when the leaf is first', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'chain.leaf-first')).toEqual([]);
  });
});

describe('chain.order', () => {
  it('fires when the root sits between the leaf and its issuer', async () => {
    const { leaf, intermediates, root } = await cleanChain();
    const report = await verifyWith(toPem([leaf, root, intermediates[0]!]), root.pem);
    const order = findings(report, 'chain.order');
    expect(order.map((finding) => finding.certificate)).toEqual([0, 1]);
    expect(order[0]?.message).toMatch(/its issuer is the 3rd certificate/);
    expect(order[1]?.message).toMatch(/self-signed root but is followed by/);
  });

  it('does not fire for leaf, intermediate, root', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'chain.order')).toEqual([]);
  });
});

describe('chain.signature', () => {
  it('fires when the leaf names its CA (name + AKI) but was signed by another key', async () => {
    const { intermediates, root } = await cleanChain();
    const impostor = await createRoot();
    const forged = await intermediates[0]!.issue({ signWith: impostor.keys });
    const report = await verifyWith(toPem([forged, intermediates[0]!, root]), root.pem);
    expect(findings(report, 'chain.signature').map((finding) => finding.certificate)).toEqual([0]);
    // A broken signature is not misreported as a wrong order or a missing issuer.
    expect(problems(report)).toEqual(['chain.signature']);
  });

  it('does not fire for genuine signatures', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'chain.signature')).toEqual([]);
  });
});

describe('chain.complete', () => {
  it('fires when the intermediate is missing between the leaf and the root', async () => {
    const { leaf, root } = await cleanChain();
    const report = await verifyWith(toPem([leaf, root]), root.pem);
    const [finding] = findings(report, 'chain.complete');
    expect(finding?.certificate).toBe(0);
    expect(finding?.message).toMatch(/is not in the file/);
    // The root is not a stray: it may sit above the gap.
    expect(findings(report, 'chain.stray')).toEqual([]);
  });

  it('says where the missing intermediate is when a pool holds it', async () => {
    const { leaf, intermediates, root } = await cleanChain();
    const report = await verifyWith(toPem([leaf, root]), root.pem, { intermediates: intermediates[0]!.pem });
    expect(findings(report, 'chain.complete')[0]?.message).toMatch(/found in the intermediates pool/);
    expect(report.chain.map((link) => link.source)).toEqual(['input', 'pool', 'input']);
    expect(findings(report, 'chain.order')).toEqual([]);
  });

  it('does not fire for a complete chain', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'chain.complete')).toEqual([]);
  });
});

describe('chain.root-included', () => {
  it('fires when the chain stops at the intermediate, and names the root found in the trust store', async () => {
    const { leaf, intermediates, root } = await cleanChain();
    const report = await verifyWith(toPem([leaf, intermediates[0]!]), root.pem);
    expect(findings(report, 'chain.root-included')[0]?.message).toMatch(
      /root certificate ".+" is not included; it was found in the trust store/,
    );
    // Only the root is missing: not an incomplete chain.
    expect(findings(report, 'chain.complete')).toEqual([]);
  });

  it('does not fire when the self-signed root is last', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'chain.root-included')).toEqual([]);
  });
});

describe('chain.duplicate', () => {
  it('fires for a repeated intermediate', async () => {
    const { leaf, intermediates, root } = await cleanChain();
    const report = await verifyWith(toPem([leaf, intermediates[0]!, intermediates[0]!, root]), root.pem);
    expect(findings(report, 'chain.duplicate').map((finding) => finding.certificate)).toEqual([2]);
    expect(problems(report)).toEqual(['chain.duplicate']);
  });

  it('does not fire when each certificate appears once', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'chain.duplicate')).toEqual([]);
  });
});

describe('chain.stray', () => {
  it('fires for a certificate from another hierarchy', async () => {
    const { pem, root } = await cleanChain();
    const other = await (await createRoot()).issue();
    const report = await verifyWith(`${pem}${other.pem}`, root.pem);
    expect(findings(report, 'chain.stray').map((finding) => finding.certificate)).toEqual([3]);
  });

  it('does not fire when every certificate is on the path', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'chain.stray')).toEqual([]);
  });
});

describe('leaf.self-signed', () => {
  it('fires for a self-signed end-entity certificate', async () => {
    const certificate = await selfSigned({ subject: 'CN=client.example.test' });
    const report = await verifyWith(certificate.pem, undefined);
    expect(findings(report, 'leaf.self-signed').map((finding) => finding.certificate)).toEqual([0]);
  });

  it('does not fire for a CA-issued leaf', async () => {
    const { pem, root } = await cleanChain();
    expect(findings(await verifyWith(pem, root.pem), 'leaf.self-signed')).toEqual([]);
  });
});
