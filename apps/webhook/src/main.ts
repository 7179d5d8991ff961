// `nx serve webhook` / `node dist/main.js`. Everything else lives in bootstrap/ so tests can build
// the same receiver without a process of its own.
import 'reflect-metadata';
import { start } from './bootstrap/start.js';

await start();
