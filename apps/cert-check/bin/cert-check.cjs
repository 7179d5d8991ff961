#!/usr/bin/env node
'use strict';
// The package's bin. It exists before the build, so `npm ci` links `cert-check` on a fresh clone;
// the real entry (dist/main.js, a bundle run through a V8 code cache) is produced by the build.
const { existsSync } = require('node:fs');
const { join } = require('node:path');

const main = join(__dirname, '..', 'dist', 'main.js');
if (!existsSync(main)) {
  console.error('cert-check is not built yet: run `npx nx build cert-check` (or `npm run build` in apps/cert-check).');
  process.exit(2);
}
require(main);
