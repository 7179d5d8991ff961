// revocation.* rules: given CRLs (offline), CRL distribution points and OCSP served from 127.0.0.1.
import { createChain, createRoot, type GeneratedChain } from '@connectpay-kit/testing-pki';
import { CertsError } from '@connectpay-kit/certs';
import { cleanChain, findings, verifyWith } from './support/pki.js';
import { ocspResponse, startServer, type LocalServer } from './support/servers.js';

describe('revocation.revoked with CRLs given in options', () => {
  it("fires for a leaf listed in its CA's CRL (DER), even offline, with the reason", async () => {
    const { pem, leaf, intermediates, root } = await cleanChain();
    const crl = await intermediates[0]!.crl({
      revoked: [{ serialNumber: leaf.serialNumber, reason: 'keyCompromise' }],
    });
    const report = await verifyWith(pem, root.pem, { crls: [crl.der] });
    const [finding] = findings(report, 'revocation.revoked');
    expect(finding?.certificate).toBe(0);
    expect(finding?.message).toMatch(/revoked \(keyCompromise\) since .* according to the CRL given as #1/);
  });

  it('accepts PEM CRLs and reports nothing when neither certificate is listed', async () => {
    const { pem, intermediates, root } = await cleanChain();
    const leafCrl = await intermediates[0]!.crl();
    const intermediateCrl = await root.crl();
    const report = await verifyWith(pem, root.pem, { crls: [leafCrl.pem, intermediateCrl.der] });
    expect(findings(report, 'revocation.revoked')).toEqual([]);
    expect(findings(report, 'revocation.unknown')).toEqual([]);
  });

  it('does not trust a CRL that is not signed by the issuer', async () => {
    const { pem, leaf, intermediates, root } = await cleanChain();
    const impostor = await createRoot();
    const forged = await intermediates[0]!.crl({ revoked: [leaf.serialNumber], signWith: impostor.keys });
    const report = await verifyWith(pem, root.pem, { crls: [forged.der] });
    expect(findings(report, 'revocation.revoked')).toEqual([]);
    expect(findings(report, 'revocation.unknown')[0]?.message).toMatch(/signature does not verify/);
  });

  it('reports a stale CRL as unknown, but a listed serial stays revoked', async () => {
    const { pem, leaf, intermediates, root } = await cleanChain();
    const old = new Date(Date.now() - 20 * 24 * 3600_000);
    const stale = await intermediates[0]!.crl({
      thisUpdate: old,
      nextUpdate: new Date(old.getTime() + 7 * 24 * 3600_000),
    });
    expect(findings(await verifyWith(pem, root.pem, { crls: [stale.der] }), 'revocation.unknown')[0]?.message).toMatch(
      /stale/,
    );
    const staleListing = await intermediates[0]!.crl({
      revoked: [leaf.serialNumber],
      thisUpdate: old,
      nextUpdate: new Date(old.getTime() + 1000),
    });
    expect(findings(await verifyWith(pem, root.pem, { crls: [staleListing.der] }), 'revocation.revoked')).toHaveLength(
      1,
    );
  });

  it('rejects bytes that are not a CRL with CERTS_UNREADABLE_CRL', async () => {
    const { pem, root } = await cleanChain();
    const error = await verifyWith(pem, root.pem, { crls: [new Uint8Array([1, 2, 3])] }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CertsError);
    expect((error as CertsError).code).toBe('CERTS_UNREADABLE_CRL');
  });
});

describe('revocation.unknown', () => {
  it('fires offline for each certificate below the root, naming the reason', async () => {
    const { pem, root } = await cleanChain();
    const unknown = findings(await verifyWith(pem, root.pem), 'revocation.unknown');
    expect(unknown.map((finding) => finding.certificate)).toEqual([0, 1]);
    expect(unknown[0]?.message).toMatch(/offline/);
  });

  it('does not fire when every certificate is covered by a CRL', async () => {
    const { pem, intermediates, root } = await cleanChain();
    const crls = [(await intermediates[0]!.crl()).der, (await root.crl()).der];
    expect(findings(await verifyWith(pem, root.pem, { crls }), 'revocation.unknown')).toEqual([]);
  });
});

describe('online revocation against 127.0.0.1', () => {
  const servers: LocalServer[] = [];
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
  });

  /** A chain whose leaf points at `server` for its CRL or OCSP, and whose intermediate has no endpoint. */
  async function chainPointingAt(endpoint: { crl?: string; ocsp?: string }): Promise<GeneratedChain> {
    return createChain({
      leaf: {
        ...(endpoint.crl ? { crlDistributionPoints: [endpoint.crl] } : {}),
        ...(endpoint.ocsp ? { ocspUrls: [endpoint.ocsp] } : {}),
      },
    });
  }

  it('downloads the CRL from the distribution point and finds the leaf revoked', async () => {
    let crl: Uint8Array = new Uint8Array();
    const server = await startServer((_request, _body, response) => response.end(crl));
    servers.push(server);
    const chain = await chainPointingAt({ crl: `${server.url}leaf-revoked.crl` });
    crl = (await chain.intermediates[0]!.crl({ revoked: [chain.leaf.serialNumber] })).der;
    const report = await verifyWith(chain.pem, chain.root.pem, { offline: false });
    expect(findings(report, 'revocation.revoked')[0]?.message).toMatch(
      new RegExp(`according to ${server.url}leaf-revoked.crl`),
    );
  });

  it('reports good from the distribution point, and unknown when the endpoint times out', async () => {
    let crl: Uint8Array = new Uint8Array();
    const server = await startServer((request, _body, response) => {
      if (request.url === '/slow.crl') return; // never answers
      response.end(crl);
    });
    servers.push(server);
    const good = await chainPointingAt({ crl: `${server.url}good.crl` });
    crl = (await good.intermediates[0]!.crl()).der;
    const goodReport = await verifyWith(good.pem, good.root.pem, { offline: false });
    expect(findings(goodReport, 'revocation.unknown').map((finding) => finding.certificate)).toEqual([1]);

    const slow = await chainPointingAt({ crl: `${server.url}slow.crl` });
    const slowReport = await verifyWith(slow.pem, slow.root.pem, { offline: false, fetchTimeoutMs: 150 });
    expect(findings(slowReport, 'revocation.unknown')[0]?.message).toMatch(/did not answer within 150 ms/);
  });

  it('asks the OCSP responder and believes only answers signed by the issuer', async () => {
    let answer: Uint8Array = new Uint8Array();
    const server = await startServer((request, body, response) => {
      expect(request.headers['content-type']).toBe('application/ocsp-request');
      expect(body.length).toBeGreaterThan(0);
      response.setHeader('content-type', 'application/ocsp-response');
      response.end(answer);
    });
    servers.push(server);
    const chain = await chainPointingAt({ ocsp: server.url });
    const issuer = chain.intermediates[0]!;

    answer = ocspResponse(chain.leaf, issuer, 'revoked');
    const revoked = await verifyWith(chain.pem, chain.root.pem, { offline: false });
    expect(findings(revoked, 'revocation.revoked')[0]?.message).toMatch(/revoked \(keyCompromise\).*according to OCSP/);

    answer = ocspResponse(chain.leaf, issuer, 'good');
    const good = await verifyWith(chain.pem, chain.root.pem, { offline: false });
    expect(findings(good, 'revocation.revoked')).toEqual([]);
    expect(findings(good, 'revocation.unknown').map((finding) => finding.certificate)).toEqual([1]);

    const impostor = await createRoot();
    answer = ocspResponse(chain.leaf, issuer, 'revoked', impostor.keys.privateKey);
    const forged = await verifyWith(chain.pem, chain.root.pem, { offline: false });
    expect(findings(forged, 'revocation.revoked')).toEqual([]);
    expect(findings(forged, 'revocation.unknown')[0]?.message).toMatch(/not signed by/);
  });
});
