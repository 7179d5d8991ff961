import { parseChainFile, prepareBundle, type VerifyOptions } from '@connectpay-kit/certs';
import { strToU8, zipSync } from 'fflate';
import { readChainFile } from '../chain-file.js';
import { displayPath, readInputFile, writeFileAtomic } from '../files.js';
import { ExitCode } from '../exit-codes.js';
import { palette } from '../format/colour.js';
import { reportToJson } from '../format/json.js';
import { safeLine } from '../format/sanitize.js';
import { fileErrorText, reportText } from '../format/text.js';
import { loadVerifyOptions } from '../load-options.js';
import type { VerifyFlags } from '../options.js';
import { version } from '../version.js';
import type { CommandContext } from './context.js';
import { exitCodeOf } from './verify.js';

export interface BundleFlags extends VerifyFlags {
  readonly output: string;
}

/** The names inside the zip, for the provider's technical team and for scripts that unpack it. */
export const BUNDLE_ENTRIES = { chain: 'chain.pem', reportText: 'report.txt', reportJson: 'report.json' } as const;

const PRIVATE_KEY_MARKER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;

/** Zip timestamps (DOS format) only cover 1980-2099. */
function zipTime(iso: string): Date {
  const time = new Date(iso).getTime();
  return new Date(Math.min(Math.max(time, Date.UTC(1980, 0, 2)), Date.UTC(2099, 11, 30)));
}

/** A word for a shell command line: quoted when it holds anything a shell would split or expand. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/**
 * The `verify` command that gives this verdict again, options in a fixed order (their order never
 * matters). Not the bundle command: the .zip's name changes nothing, and keeping it out keeps two bundles
 * of the same chain, options and --at byte-identical.
 */
function verifyCommand(file: string, flags: VerifyFlags): string {
  const words = ['cert-check', 'verify', file];
  for (const trust of flags.trust ?? []) words.push('--trust', trust);
  if (flags.intermediates !== undefined) words.push('--intermediates', flags.intermediates);
  if (flags.offline === true) words.push('--offline');
  for (const crl of flags.crl ?? []) words.push('--crl', crl);
  if (flags.at !== undefined) words.push('--at', flags.at);
  if (flags.key !== undefined) words.push('--key', flags.key);
  if (flags.compare !== undefined) words.push('--compare', flags.compare);
  if (flags.psd2 !== undefined) words.push(flags.psd2 === true ? '--psd2' : `--psd2=${flags.psd2}`);
  if (flags.warnDays !== undefined) words.push('--warn-days', flags.warnDays);
  return words.map(shellWord).join(' ');
}

/** Roots named per --trust file; a CA bundle given as --trust would otherwise fill the report. */
const ROOTS_SHOWN = 3;

/** The certificates of a --trust file as the provider's team can compare them with their trust store. */
function trustedRoots(file: string): string {
  const certificates = parseChainFile(readInputFile(file), file).certificates;
  const shown = certificates.slice(0, ROOTS_SHOWN).map(
    // Colon-separated uppercase hex, as `cert-check inspect` and `openssl x509 -fingerprint -sha256` print it.
    (certificate) =>
      `"${certificate.subject.text}" (SHA-256 ${certificate.sha256.toUpperCase().replace(/(..)(?!$)/g, '$1:')})`,
  );
  const more = certificates.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

/**
 * The part of report.txt that says how the chain was judged. ConnectPay's team reads the report without
 * the command line, and the options decide the verdict: an OK with an extra --trust root, under --offline
 * (revocation unchecked) or at a chosen --at instant is not the OK their TLS server would give today.
 */
export function optionsRecord(file: string, flags: BundleFlags, options: VerifyOptions, checkedAt: string): string {
  const trust = (flags.trust ?? []).map(
    (path) => `--trust ${path}: trusted in addition to the public root store: ${trustedRoots(path)}`,
  );
  const lines = [
    `Checked with cert-check ${version()}, as this command does again:`,
    `  ${verifyCommand(file, flags)}`,
    'Options that decide the verdict:',
    ...(trust.length > 0 ? trust : ['no --trust: only the public root store (Node.js) is trusted']),
    flags.intermediates === undefined
      ? 'no --intermediates: issuers taken from the file and the trust store only'
      : `--intermediates ${flags.intermediates}: missing issuers may be taken from this bundle of CA certificates`,
    options.offline === true
      ? '--offline: revocation not checked online (no CRL download, no OCSP)'
      : 'online: revocation checked with the CAs (CRL download, OCSP)',
    ...(flags.crl ?? []).map((path) => `--crl ${path}: revocation checked against this CRL`),
    flags.at === undefined
      ? `no --at: judged when the bundle was made, ${checkedAt}`
      : `--at ${flags.at}: judged at ${checkedAt}, not when the bundle was made`,
    flags.key === undefined
      ? 'no --key: the private key was not checked against the leaf'
      : `--key ${flags.key}: the private key was checked against the leaf (the key is not in this bundle)`,
    ...(flags.compare === undefined ? [] : [`--compare ${flags.compare}: compared with the other environment's chain`]),
    options.psd2 === undefined
      ? 'no --psd2: the PSD2 QWAC rules were not applied'
      : `--psd2: the PSD2 QWAC rules were applied${Array.isArray(options.psd2) ? `, roles required: ${options.psd2.join(', ')}` : ''}`,
    `--warn-days ${options.warnDays ?? flags.warnDays ?? ''}: expiry warnings this many days ahead`,
  ];
  return lines.map((line, index) => (index < 3 ? safeLine(line) : `  ${safeLine(line)}`)).join('\n') + '\n';
}

/**
 * Verifies the chain with the same options as `verify` and writes the submission .zip only when there
 * is no error finding. A private key anywhere in the input is a refusal, never something to strip.
 */
export async function runBundle(file: string, flags: BundleFlags, context: CommandContext): Promise<ExitCode> {
  const options = loadVerifyOptions(flags);
  const shown = displayPath(file);
  const parsed = readChainFile(file);
  const plan = await prepareBundle(parsed, { ...options, fileName: shown });
  const report = plan.report;
  const code = exitCodeOf(report);

  if (code !== ExitCode.ok || !plan.accepted || parsed.privateKeys.length > 0) {
    context.err(reportText(shown, report, context.colours));
    const reason =
      parsed.privateKeys.length > 0
        ? `${shown} contains a private key, which must never be sent: give a file with the certificates only`
        : 'fix the errors above first (`cert-check fix` orders and completes a chain)';
    context.err(fileErrorText(`refused to write ${flags.output}: ${reason}`, context.colours));
    return code === ExitCode.ok ? ExitCode.findings : code;
  }

  const chainPem =
    plan.files.find((entry) => entry.name === 'chain.pem')?.content ?? parsed.certificates.map((c) => c.pem).join('');
  const reportPlain = `${reportText(shown, report, palette(false))}\n${optionsRecord(file, flags, options, report.checkedAt)}`;
  const reportJson = `${JSON.stringify(reportToJson(shown, report), null, 2)}\n`;
  // Defence in depth: the engine builds chain.pem from certificate blocks only; check what we ship anyway.
  if ([chainPem, reportPlain, reportJson].some((content) => PRIVATE_KEY_MARKER.test(content))) {
    context.err(
      fileErrorText(`refused to write ${flags.output}: the bundle would contain private key material`, context.colours),
    );
    return ExitCode.findings;
  }
  const zip = zipSync(
    {
      [BUNDLE_ENTRIES.chain]: strToU8(chainPem),
      [BUNDLE_ENTRIES.reportText]: strToU8(reportPlain),
      [BUNDLE_ENTRIES.reportJson]: strToU8(reportJson),
    },
    // Fixed timestamp: the same chain checked at the same instant gives a byte-identical zip.
    { level: 9, mtime: zipTime(report.checkedAt) },
  );
  writeFileAtomic(flags.output, zip);
  context.out(reportText(shown, report, context.colours));
  context.out(
    `wrote ${flags.output}: ${BUNDLE_ENTRIES.chain} (${report.certificates.length} certificates, leaf first), ${BUNDLE_ENTRIES.reportText}, ${BUNDLE_ENTRIES.reportJson}\n`,
  );
  return ExitCode.ok;
}
