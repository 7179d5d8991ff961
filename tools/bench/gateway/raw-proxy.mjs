// The baseline the gateway is measured against: a hand-written forwarder (node:http + undici) to the
// same upstream API with the same mTLS identity and Basic credentials, and nothing else: no auth,
// validation, logging, metrics or error mapping. Run by run.mjs as its own process; prints its URL.
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const { UPSTREAM_URL, CERT_FILE, KEY_FILE, CA_FILE, CLIENT_ID, CLIENT_SECRET_FILE } = process.env;
const upstream = `${UPSTREAM_URL}/reference/v1/currencies`;
const authorization = `Basic ${Buffer.from(`${CLIENT_ID}:${readFileSync(CLIENT_SECRET_FILE, 'utf8').trim()}`).toString('base64')}`;
const agent = new Agent({
  connections: 64,
  keepAliveTimeout: 30_000,
  connect: {
    cert: readFileSync(CERT_FILE, 'utf8'),
    key: readFileSync(KEY_FILE, 'utf8'),
    ca: readFileSync(CA_FILE, 'utf8'),
  },
});

const server = createServer((req, res) => {
  req.resume();
  request(upstream, {
    dispatcher: agent,
    headers: { authorization, accept: 'application/json', 'x-request-id': randomUUID() },
  }).then(
    async (answer) => {
      const text = await answer.body.text();
      res.writeHead(answer.statusCode, { 'content-type': 'application/json' });
      res.end(text);
    },
    () => {
      res.writeHead(502);
      res.end();
    },
  );
});
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
process.once('SIGTERM', () => server.close(() => agent.close().then(() => process.exit(0))));
