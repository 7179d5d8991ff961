#!/usr/bin/env node
// Open-loop load generator for the bench's overload row, in a process of its own: requests start on a
// clock at RATE/s for SECONDS, whether or not earlier ones finished, as callers behind a load balancer
// do, over at most CONNECTIONS keep-alive connections (a request waits for a free one, and that wait
// counts in its latency). Raw sockets and one pre-written request, not an HTTP client: at twice the
// gateway's capacity undici's per-request work took 0.65 of the 2 cores the gateway needed.
// Prints one JSON line: { sent, byStatus, failed, elapsedS, p99AdmittedMs, cpuS }.
// Usage: node open-loop.mjs <origin> <rate> <seconds> <connections> <method> <path> <headers-json> <body>
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';

const [origin, rate, seconds, connections, method, path, headersJson, body] = process.argv.slice(2);
const { hostname, port } = new URL(origin);
if (!['127.0.0.1', 'localhost', '[::1]'].includes(hostname)) throw new Error('loopback targets only');
const headers = { host: `${hostname}:${port}`, ...JSON.parse(headersJson), 'content-length': Buffer.byteLength(body) };
const head = Object.entries(headers)
  .map(([name, value]) => `${name}: ${value}\r\n`)
  .join('');
const REQUEST = Buffer.from(`${method} ${path} HTTP/1.1\r\n${head}\r\n${body}`);
const HEAD_END = Buffer.from('\r\n\r\n');

const byStatus = {};
const admitted = [];
let failed = 0;
let sent = 0;
const idle = [];
const waiting = []; // scheduled start times of requests waiting for a connection
const cpuBefore = process.cpuUsage();
let clockEnd = Infinity;

function openConnection() {
  const socket = connect(Number(port), hostname.replace(/[[\]]/g, ''));
  socket.setNoDelay(true);
  let buffered = Buffer.alloc(0);
  let at; // the current request's scheduled start
  const state = {
    send(scheduled) {
      at = scheduled;
      socket.write(REQUEST);
    },
  };
  const done = (status) => {
    byStatus[status] = (byStatus[status] ?? 0) + 1;
    if (status === 200) admitted.push(performance.now() - at);
    at = undefined;
    const next = waiting.shift();
    if (next !== undefined) state.send(next);
    else idle.push(state);
  };
  socket.on('connect', () => idle.push(state));
  socket.on('data', (chunk) => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const end = buffered.indexOf(HEAD_END);
      if (end < 0) return;
      const headText = buffered.toString('latin1', 0, end);
      const length = Number(/\r\ncontent-length: *(\d+)/i.exec(headText)?.[1] ?? 0);
      if (buffered.length < end + 4 + length) return;
      buffered = buffered.subarray(end + 4 + length);
      done(Number(headText.slice(9, 12)));
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    const index = idle.indexOf(state);
    if (index >= 0) idle.splice(index, 1);
    if (at !== undefined) {
      failed += 1;
      at = undefined;
    }
    if (performance.now() < clockEnd) openConnection();
  });
}

for (let i = 0; i < Number(connections); i += 1) openConnection();
await new Promise((ready) => setTimeout(ready, 500)); // connections up before the clock starts
const clockStart = performance.now();
clockEnd = clockStart + Number(seconds) * 1000;
await new Promise((finished) => {
  const tick = setInterval(() => {
    const now = Math.min(performance.now(), clockEnd);
    // Catch up on the clock: a late tick sends what was due, so the offered rate holds.
    const due = ((now - clockStart) / 1000) * Number(rate);
    for (; sent < due; sent += 1) {
      const scheduled = clockStart + (sent / Number(rate)) * 1000;
      const connection = idle.pop();
      if (connection) connection.send(scheduled);
      else waiting.push(scheduled);
    }
    if (now >= clockEnd) {
      clearInterval(tick);
      finished();
    }
  }, 10);
});
// Every request sent gets its answer (or its connection's failure) before the figures are taken.
const answered = () => Object.values(byStatus).reduce((sum, n) => sum + n, 0) + failed;
while (answered() < sent && performance.now() < clockEnd + 30_000) await new Promise((r) => setTimeout(r, 20));
const elapsedS = (performance.now() - clockStart) / 1000;
const cpu = process.cpuUsage(cpuBefore);
admitted.sort((a, b) => a - b);
process.stdout.write(
  `${JSON.stringify({
    sent,
    byStatus,
    failed: failed + (sent - answered()),
    elapsedS,
    p99AdmittedMs: admitted[Math.min(admitted.length - 1, Math.floor(0.99 * admitted.length))] ?? 0,
    cpuS: (cpu.user + cpu.system) / 1e6,
  })}\n`,
);
process.exit(0);
