// The baseline the gateway is measured against: a hand-written forwarder (node:http + undici) to the
// same upstream API with the same mTLS identity and Basic credentials, and nothing else: no auth,
// validation, logging, metrics or error mapping. Run by run.mjs as its own process, with the bench's
// direct call to the upstream in UPSTREAM ({ origin, path, headers, connect }); prints its URL.
import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { Agent, request } from 'undici';

const { origin, path, headers, connect } = JSON.parse(process.env.UPSTREAM);
const agent = new Agent({ connections: 64, keepAliveTimeout: 30_000, connect });

const server = createServer((req, res) => {
  req.resume();
  request(`${origin}${path}`, { dispatcher: agent, headers: { ...headers, 'x-request-id': randomUUID() } }).then(
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
