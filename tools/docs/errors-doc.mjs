#!/usr/bin/env node
// Generates docs/errors.md from the error code lists in the sources (issue 15): each package's and
// app's `*_CODES` list, its `*_MEANING` record, and the HTTP status tables of the two services. The
// sources are parsed, not imported, so this runs with plain node before anything is built:
//   node tools/docs/errors-doc.mjs           writes docs/errors.md
//   node tools/docs/errors-doc.mjs --check   exits 1 when docs/errors.md is not what it would write
// tools/test/errors-doc.spec.ts runs the same check, so a code added without a docs line fails a test.
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as prettier from 'prettier';
import ts from 'typescript';

export const WORKSPACE_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ERRORS_DOC = join(WORKSPACE_ROOT, 'docs', 'errors.md');

const GATEWAY_ERRORS = 'apps/gateway/src/errors/gateway-error.ts';
const GATEWAY_MAP = 'apps/gateway/src/errors/map-error.ts';
const WEBHOOK_ERRORS = 'apps/webhook/src/errors/webhook-error.ts';

// The gateway answers these transport failures under a code of its own (apps/gateway/src/errors/map-error.ts).
const GATEWAY_ANSWERS_INSTEAD = {
  TRANSPORT_TIMEOUT: 'GATEWAY_UPSTREAM_TIMEOUT',
  TRANSPORT_CANCELLED: 'GATEWAY_CALLER_GONE',
  TRANSPORT_HTTP_ERROR: 'PROVIDER_ERROR or PROVIDER_REJECTED_CREDENTIALS',
};

// Exit codes: apps/cert-check/src/exit-codes.ts (2: the input could not be checked) and
// packages/service-kit/src/errors.ts (EXIT_CONFIG 78, EXIT_FAILURE 1).
const EXIT = {
  CERTS_ERROR_CODES: () => '2 (cert-check)',
  CONFIG_ERROR_CODES: (code) =>
    code === 'CONFIG_INVALID' ? '78 (service start, as SERVICE_CONFIG_INVALID)' : undefined,
  SERVICE_KIT_ERROR_CODES: (code) => (code === 'SERVICE_STARTUP_FAILED' ? '1' : '78'),
  CERT_CHECK_ERROR_CODES: () => '2',
  SANDBOX_ERROR_CODES: () => '1 (sandbox start)',
};
const HTTP = {
  TRANSPORT_ERROR_CODES: (code, tables) =>
    GATEWAY_ANSWERS_INSTEAD[code] === undefined
      ? `${tables.transport[code]} (gateway)`
      : `gateway answers ${GATEWAY_ANSWERS_INSTEAD[code]}`,
  GATEWAY_ERROR_CODES: (code, tables) => String(tables.gateway[code]),
  WEBHOOK_ERROR_CODES: (code, tables) => (tables.webhook[code] === null ? undefined : String(tables.webhook[code])),
};

/** One section per list: `<PREFIX>_CODES` and its `<PREFIX>_MEANING` record in `file`. */
export const SECTIONS = [
  ['@connectpay-kit/certs', 'packages/certs/src/errors.ts', 'CERTS_ERROR'],
  ['@connectpay-kit/config', 'packages/config/src/errors.ts', 'CONFIG_ERROR'],
  ['@connectpay-kit/config: issues listed by CONFIG_INVALID', 'packages/config/src/errors.ts', 'CONFIG_ISSUE'],
  ['@connectpay-kit/hosts', 'packages/hosts/src/errors.ts', 'HOSTS_ERROR'],
  ['@connectpay-kit/transport', 'packages/transport/src/errors.ts', 'TRANSPORT_ERROR'],
  ['@connectpay-kit/storage', 'packages/storage/src/errors.ts', 'STORAGE_ERROR'],
  ['@connectpay-kit/service-kit', 'packages/service-kit/src/errors.ts', 'SERVICE_KIT_ERROR'],
  ['@connectpay-kit/testing-pki', 'packages/testing-pki/src/errors.ts', 'TESTING_PKI_ERROR'],
  ['gateway (apps/gateway)', GATEWAY_ERRORS, 'GATEWAY_ERROR'],
  ['webhook receiver (apps/webhook)', WEBHOOK_ERRORS, 'WEBHOOK_ERROR'],
  ['cert-check (apps/cert-check)', 'apps/cert-check/src/errors.ts', 'CERT_CHECK_ERROR'],
  ['sandbox (apps/sandbox)', 'apps/sandbox/src/dev-pki.ts', 'SANDBOX_ERROR'],
  ["sandbox answers, in ConnectPay's own spelling (apps/sandbox)", 'apps/sandbox/src/http.ts', 'SANDBOX_PROBLEM'],
].map(([title, file, prefix]) => ({ title, file, list: `${prefix}_CODES`, meaning: `${prefix}_MEANING` }));

const sources = new Map();

/**
 * `const <name> = [...]` (kind 'list') or `= {...}` (kind 'record') at the top level of a file, its
 * elements or property values read as literals; `as const`, `satisfies …` and parentheses are skipped.
 */
function readConst(file, name, kind) {
  if (!sources.has(file)) {
    const text = readFileSync(join(WORKSPACE_ROOT, file), 'utf8');
    sources.set(file, ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true));
  }
  const declaration = sources
    .get(file)
    .statements.filter(ts.isVariableStatement)
    .flatMap((statement) => statement.declarationList.declarations)
    .find((each) => ts.isIdentifier(each.name) && each.name.text === name && each.initializer);
  if (declaration === undefined) throw new Error(`${file}: no top-level const ${name}`);
  let node = declaration.initializer;
  while (ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node)) {
    node = node.expression;
  }
  if (kind === 'list' && ts.isArrayLiteralExpression(node)) {
    return node.elements.map((element) => literalOf(file, element));
  }
  if (kind === 'record' && ts.isObjectLiteralExpression(node)) {
    return Object.fromEntries(
      node.properties.map((property) => {
        const key = ts.isPropertyAssignment(property) && property.name;
        if (!key || !(ts.isIdentifier(key) || ts.isStringLiteralLike(key))) {
          throw new Error(`${file}: ${name} holds ${property.getText()}, not a literal key and value`);
        }
        return [key.text, literalOf(file, property.initializer)];
      }),
    );
  }
  throw new Error(`${file}: ${name} is not an ${kind === 'list' ? 'array' : 'object'} literal`);
}

function literalOf(file, node) {
  if (ts.isStringLiteralLike(node)) return node.text;
  if (ts.isNumericLiteral(node)) return Number(node.text);
  if (node.kind === ts.SyntaxKind.NullKeyword) return null;
  throw new Error(`${file}: ${node.getText()} is not a literal; the code lists and their tables hold literals only`);
}

export const readList = (file, name) => readConst(file, name, 'list');
export const readRecord = (file, name) => readConst(file, name, 'record');

/** Every code of every list, in document order, with its section. */
export function allCodes() {
  return SECTIONS.flatMap((section) => readList(section.file, section.list).map((code) => ({ code, section })));
}

const cell = (text) => String(text).replace(/\|/g, '\\|');

/** The page's text, formatted as `prettier --check .` wants it (tables aligned). */
export async function generateErrorsDoc() {
  const tables = {
    gateway: readRecord(GATEWAY_ERRORS, 'GATEWAY_ERROR_STATUS'),
    transport: readRecord(GATEWAY_MAP, 'TRANSPORT_STATUS'),
    webhook: readRecord(WEBHOOK_ERRORS, 'WEBHOOK_ERROR_STATUS'),
  };
  const seen = new Map();
  const lines = [
    '# Error codes',
    '',
    '<!-- Generated by `node tools/docs/errors-doc.mjs` from the code lists in the sources; do not edit by hand.',
    '     tools/test/errors-doc.spec.ts fails when this page and the lists disagree. -->',
    '',
    'Every error the kit raises or answers carries a stable `code` from one of the lists below; match on',
    'the code, never on the message. Each package exports its list (e.g. `CERTS_ERROR_CODES`), the',
    '`*_MEANING` record this page is made from, and a guard (`isCertsError`, `isTransportError`, …) that',
    'narrows an unknown value without string tests. **HTTP** is the status the gateway or the webhook',
    'receiver answers the code with; **Exit** the exit code of the process that stops on it; "—" where',
    'the code never becomes one.',
  ];
  for (const section of SECTIONS) {
    const codes = readList(section.file, section.list);
    const meaning = readRecord(section.file, section.meaning);
    lines.push('', `## ${section.title}`, '', `From \`${section.list}\` in [${section.file}](../${section.file}).`, '');
    lines.push('| Code | HTTP | Exit | Meaning |', '| --- | --- | --- | --- |');
    for (const code of codes) {
      if (seen.has(code)) throw new Error(`${code} is listed twice: ${seen.get(code)} and ${section.list}`);
      seen.set(code, section.list);
      const text = meaning[code];
      if (typeof text !== 'string' || text === '') {
        throw new Error(`${section.file}: ${code} has no line in ${section.meaning}`);
      }
      const http = HTTP[section.list]?.(code, tables) ?? '—';
      const exit = EXIT[section.list]?.(code) ?? '—';
      lines.push(`| \`${code}\` | ${cell(http)} | ${cell(exit)} | ${cell(text)} |`);
    }
  }
  const options = (await prettier.resolveConfig(ERRORS_DOC)) ?? {};
  return prettier.format(`${lines.join('\n')}\n`, { ...options, filepath: ERRORS_DOC });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const generated = await generateErrorsDoc();
  if (process.argv.includes('--check')) {
    const current = readFileSync(ERRORS_DOC, 'utf8');
    if (current !== generated) {
      console.error('docs/errors.md is out of date: run `node tools/docs/errors-doc.mjs`.');
      process.exit(1);
    }
  } else {
    writeFileSync(ERRORS_DOC, generated);
    console.log(`wrote ${ERRORS_DOC}`);
  }
}
