import { prepareBundle } from '@connectpay-kit/certs';
import { strToU8, zipSync } from 'fflate';
import { readChainFile } from '../chain-file.js';
import { displayPath, writeFileAtomic } from '../files.js';
import { ExitCode } from '../exit-codes.js';
import { palette } from '../format/colour.js';
import { reportToJson } from '../format/json.js';
import { fileErrorText, reportText } from '../format/text.js';
import { loadVerifyOptions } from '../load-options.js';
import type { VerifyFlags } from '../options.js';
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
  const reportPlain = reportText(shown, report, palette(false));
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
