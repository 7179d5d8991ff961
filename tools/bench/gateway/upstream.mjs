// The bench's upstream, in a process of its own: a small mTLS server on 127.0.0.1 that answers
// GET /reference/v1/currencies with fixed JSON, as nginx would. It requires a client certificate from
// the dev PKI's root, like the sandbox, but does none of the sandbox's work, so the proxies under test
// get the CPU the upstream would otherwise take from them. Prints {"url"} once listening.
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { join } from 'node:path';

const { PKI_DIR } = process.env;
const read = (name) => readFileSync(join(PKI_DIR, name), 'utf8');
const BODY = JSON.stringify({
  currencies: [
    { code: 'EUR', name: 'Euro', minorUnits: 2 },
    { code: 'GBP', name: 'Pound sterling', minorUnits: 2 },
    { code: 'USD', name: 'US dollar', minorUnits: 2 },
  ],
});

const server = createServer(
  {
    cert: read('server-mtls-chain.pem'),
    key: read('server-mtls.key'),
    ca: read('ca.pem'),
    requestCert: true,
    rejectUnauthorized: true,
  },
  (request, response) => {
    request.resume();
    if (request.method === 'GET' && request.url === '/reference/v1/currencies') {
      response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(BODY) });
      response.end(BODY);
      return;
    }
    response.writeHead(404, { 'content-type': 'application/json' });
    response.end('{"error":"not_found"}');
  },
);
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `https://127.0.0.1:${server.address().port}` })));
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
