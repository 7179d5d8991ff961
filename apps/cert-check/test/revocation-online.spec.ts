// --offline decides whether the CRL distribution point is contacted; a local server stands in for the CA.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createChain, toPem } from '@connectpay-kit/testing-pki';
import type { JsonFileReport } from '../src/format/json.js';
import { cli, jsonLines, scratchDir } from './support/cli.js';

const scratch = scratchDir();
let server: Server;
let requests = 0;
let crl: Uint8Array = new Uint8Array();
let chainFile: string;
let rootFile: string;

beforeAll(async () => {
  server = createServer((_request, response) => {
    requests++;
    response.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(crl);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/issuing.crl`;
  const { root, intermediates } = await createChain();
  const issuing = intermediates[0];
  if (!issuing) throw new Error('no intermediate');
  const leaf = await issuing.issue({ crlDistributionPoints: [url] });
  crl = (await issuing.crl({ revoked: [leaf] })).der;
  chainFile = scratch.file('revoked-chain.pem', toPem([leaf, issuing, root]));
  rootFile = scratch.file('root.pem', root.pem);
});

afterAll(async () => {
  scratch.cleanup();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

async function revocationFindings(...flags: string[]): Promise<{ code: number; rules: string[] }> {
  const result = await cli(['verify', '--format', 'json', '--trust', rootFile, ...flags, chainFile]);
  const [report] = jsonLines<JsonFileReport>(result.stdout);
  return {
    code: result.code,
    rules: (report?.findings ?? [])
      .filter((f) => f.certificate === 0 && f.rule.startsWith('revocation.'))
      .map((f) => f.rule),
  };
}

describe('revocation through the CRL distribution point', () => {
  it('online: the CRL is fetched and the revoked leaf is an error (exit 1)', async () => {
    const before = requests;
    const { code, rules } = await revocationFindings();
    expect(requests).toBeGreaterThan(before);
    expect(rules).toEqual(['revocation.revoked']);
    expect(code).toBe(1);
  });

  it("--offline: nothing is fetched, the leaf's status is unknown (a warning, exit 0)", async () => {
    const before = requests;
    const { code, rules } = await revocationFindings('--offline');
    expect(requests).toBe(before);
    expect(rules).toEqual(['revocation.unknown']);
    expect(code).toBe(0);
  });
});
