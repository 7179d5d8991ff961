// parseChainFile: what people actually send, sniffed from the bytes.
import { NoCertificateError, parseChainFile, verifyChain } from '@connectpay-kit/certs';
import { cleanChain } from './support/pki.js';

describe('parseChainFile', () => {
  it('reads certificates in file order from plain PEM', async () => {
    const { pem, chain } = await cleanChain();
    const parsed = parseChainFile(pem);
    expect(parsed.format).toBe('pem');
    expect(parsed.certificates.map((certificate) => certificate.subject.text)).toEqual(
      chain.map((certificate) => certificate.subject),
    );
    expect(parsed.problems).toEqual([]);
  });

  it('accepts CRLF, indentation, blank lines and text around blocks', async () => {
    const { chain } = await cleanChain();
    const text = chain
      .map((certificate) => `subject=${certificate.subject}\n\n${certificate.pem.replace(/^/gm, '  ')}\n\n`)
      .join('bag attributes\n')
      .replace(/\n/g, '\r\n');
    expect(parseChainFile(text).certificates).toHaveLength(3);
    expect(parseChainFile(Buffer.from(text)).problems).toEqual([]);
  });

  it('decodes UTF-16 files with a byte order mark', async () => {
    const { pem } = await cleanChain();
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(pem, 'utf16le')]);
    expect(parseChainFile(utf16).certificates).toHaveLength(3);
  });

  it('recognises base64 without BEGIN/END lines and says how to fix it', async () => {
    const { leaf } = await cleanChain();
    const parsed = parseChainFile(Buffer.from(leaf.der).toString('base64'), 'leaf.b64');
    expect(parsed.format).toBe('base64');
    expect(parsed.certificates).toHaveLength(1);
    expect(parsed.problems[0]?.kind).toBe('base64-without-armor');
  });

  it('reads several concatenated DER certificates', async () => {
    const { chain } = await cleanChain();
    const parsed = parseChainFile(Buffer.concat(chain.map((certificate) => Buffer.from(certificate.der))));
    expect(parsed.format).toBe('der');
    expect(parsed.certificates).toHaveLength(3);
  });

  it('records private keys (PEM and DER) without keeping their content', async () => {
    const { pem, leaf } = await cleanChain();
    const parsed = parseChainFile(`${pem}${leaf.privateKeyPem}`);
    expect(parsed.privateKeys).toEqual([{ label: 'PRIVATE KEY', line: expect.any(Number) }]);
    expect(JSON.stringify(parsed.privateKeys)).not.toContain('MI');
    const der = leaf.keys.privateKey.export({ type: 'pkcs8', format: 'der' });
    expect(parseChainFile(der).format).toBe('private-key');
  });

  it('reports a truncated block and a corrupted block, keeping the readable certificates', async () => {
    const { leaf, intermediates, root } = await cleanChain();
    const corrupted = intermediates[0]!.pem.replace(/\n[A-Za-z0-9+/]{8}/, '\n#$%^&*()');
    const truncated = root.pem.slice(0, root.pem.indexOf('-----END'));
    const parsed = parseChainFile(`${leaf.pem}${corrupted}${truncated}`);
    expect(parsed.certificates).toHaveLength(1);
    expect(parsed.problems.map((problem) => problem.kind).sort()).toEqual([
      'unreadable-certificate',
      'unterminated-block',
    ]);
    expect(parsed.problems.find((problem) => problem.kind === 'unterminated-block')?.line).toBeGreaterThan(1);
  });

  it('flags a CSR and foreign PEM blocks', async () => {
    const csr = '-----BEGIN CERTIFICATE REQUEST-----\nMIIBAA==\n-----END CERTIFICATE REQUEST-----\n';
    const parsed = parseChainFile(`${csr}-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n`);
    expect(parsed.problems.map((problem) => problem.kind)).toEqual(['csr', 'unexpected-block']);
    expect(parsed.format).toBe('csr');
  });

  it.each([
    ['an empty file', new Uint8Array()],
    ['whitespace', '\n \r\n\t'],
    ['a text file', 'hello, these are my certificates'],
    ['random bytes', Uint8Array.from({ length: 300 }, (_, i) => (i * 7919) % 256)],
  ])('gives no certificate for %s, and verifyChain rejects it with CERTS_NO_CERTIFICATE', async (_name, input) => {
    expect(parseChainFile(input).certificates).toEqual([]);
    await expect(verifyChain(input, { offline: true })).rejects.toBeInstanceOf(NoCertificateError);
  });

  it('names the problems in the error when every certificate block is broken', async () => {
    const error = await verifyChain('-----BEGIN CERTIFICATE-----\nnot base64!\n-----END CERTIFICATE-----\n', {
      offline: true,
    }).catch((caught: unknown) => caught);
    expect((error as NoCertificateError).code).toBe('CERTS_NO_CERTIFICATE');
    expect((error as NoCertificateError).message).toMatch(/line 1 is not valid base64/);
  });
});
