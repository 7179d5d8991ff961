import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { probeFacts, probeHandshake, type ProbeReport } from '@connectpay-kit/certs';
import { DEV_PKI_DEFAULTS, DEV_PKI_DIR_NAME, LOCAL_BASE_URLS, variableName } from '@connectpay-kit/config';
import { PROVIDER_BASE_URLS, isEnvironment, type Environment } from '@connectpay-kit/hosts';
import { UsageError } from '../errors.js';
import { ExitCode } from '../exit-codes.js';
import { readInputFile } from '../files.js';
import { jsonLine } from '../format/json.js';
import { safeLine } from '../format/sanitize.js';
import type { OutputFormat } from '../options.js';
import type { CommandContext } from './context.js';

export interface ProbeFlags {
  readonly env: string;
  readonly url?: string;
  readonly cert?: string;
  readonly key?: string;
  readonly ca?: string;
  readonly format: OutputFormat;
}

/**
 * Where the probe goes and with what: the flags, else the same CONNECTPAY_<ENV>_* variables the gateway
 * and the webhook receiver read (local: the sandbox and the dev PKI, like them).
 */
function resolveTarget(
  flags: ProbeFlags,
  environment: Environment,
): { url: string; cert?: string; key?: string; ca?: string } {
  const fromEnv = (setting: 'MTLS_URL' | 'CLIENT_CERT_FILE' | 'CLIENT_KEY_FILE' | 'CA_FILE'): string | undefined => {
    const value = process.env[variableName(environment, setting)]?.trim();
    if (value) return value;
    const devFile = environment === 'local' ? DEV_PKI_DEFAULTS[setting] : undefined;
    const path = devFile ? join(process.cwd(), DEV_PKI_DIR_NAME, devFile) : undefined;
    return path && existsSync(path) ? path : undefined;
  };
  const url =
    flags.url ??
    fromEnv('MTLS_URL') ??
    (environment === 'local' ? LOCAL_BASE_URLS.mtls : PROVIDER_BASE_URLS[environment].mtls);
  const cert = flags.cert ?? fromEnv('CLIENT_CERT_FILE');
  const key = flags.key ?? fromEnv('CLIENT_KEY_FILE');
  const ca = flags.ca ?? fromEnv('CA_FILE');
  return { url, ...(cert ? { cert } : {}), ...(key ? { key } : {}), ...(ca ? { ca } : {}) };
}

const EXIT_FOR: Record<ProbeReport['verdict'], ExitCode> = {
  accepted: ExitCode.ok,
  refused: ExitCode.findings,
  'not-requested': ExitCode.findings,
  'server-untrusted': ExitCode.findings,
  unreachable: ExitCode.unusable,
};

/** One TLS handshake (two: without and with the chain) to the environment's mTLS host; no API request. */
export async function runProbe(flags: ProbeFlags, context: CommandContext): Promise<ExitCode> {
  if (!isEnvironment(flags.env)) throw new UsageError(`--env must be local, stage or prod (got "${flags.env}")`);
  const target = resolveTarget(flags, flags.env);
  if ((target.cert === undefined) !== (target.key === undefined))
    throw new UsageError(
      `give the client chain and its key together: ${target.cert ? '--key (or ' + variableName(flags.env, 'CLIENT_KEY_FILE') + ')' : '--cert (or ' + variableName(flags.env, 'CLIENT_CERT_FILE') + ')'} is missing`,
    );
  const text = (path: string | undefined): string | undefined =>
    path === undefined ? undefined : readInputFile(path).toString('utf8');
  const chain = text(target.cert);
  const key = text(target.key);
  const ca = text(target.ca);
  const report = await probeHandshake({
    url: target.url,
    ...(chain !== undefined && key !== undefined ? { certificateChainPem: chain, privateKeyPem: key } : {}),
    ...(ca !== undefined ? { caPem: ca } : {}),
  });
  if (flags.format === 'json') context.out(jsonLine({ env: flags.env, ...report }));
  else context.out(probeText(report, flags.env, context));
  return EXIT_FOR[report.verdict];
}

function probeText(report: ProbeReport, environment: Environment, context: CommandContext): string {
  const { bold, green, red } = context.colours;
  const verdict = report.verdict === 'accepted' ? green(bold('ACCEPTED')) : red(bold(report.verdict.toUpperCase()));
  const lines = [`${safeLine(report.url)} (${environment}): ${verdict}`];
  for (const [label, value] of probeFacts(report)) lines.push(`  ${label}: ${safeLine(value)}`);
  return `${lines.join('\n')}\n`;
}
