import { daysUntilExpiry, type ChainExpiry } from '@connectpay-kit/certs';
import { readChainFile, requireCertificates } from '../chain-file.js';
import { displayPath } from '../files.js';
import { ExitCode, worstExitCode } from '../exit-codes.js';
import { prometheusText, type ExpiryGaugeSample } from '../format/prometheus.js';
import { safeLine } from '../format/sanitize.js';
import { fileErrorText } from '../format/text.js';
import { parseAt, parseWarnDays } from '../options.js';
import type { CommandContext } from './context.js';
import { fileLevelError } from './outcome.js';

export interface ExpiryFlags {
  readonly warnDays?: string;
  readonly prom?: boolean;
  readonly at?: string;
}

function expiryLine(file: string, expiry: ChainExpiry, warnDays: number, context: CommandContext): string {
  const { bold, green, red, yellow } = context.colours;
  const first = expiry.perCertificate.find((entry) => entry.index === expiry.firstToExpire) ?? expiry.perCertificate[0];
  const which = first ? ` (certificate #${first.index} "${safeLine(first.subject)}" ends ${first.notAfter})` : '';
  const days = expiry.min;
  const status =
    days < 0
      ? red(bold(`EXPIRED ${-days} day${days === -1 ? '' : 's'} ago`))
      : days < warnDays
        ? yellow(bold(`${days} day${days === 1 ? '' : 's'} left, under the ${warnDays}-day threshold`))
        : green(`${days} day${days === 1 ? '' : 's'} left`);
  return `${bold(safeLine(file))}: ${status}${which}\n`;
}

/** Days left per chain file; exit 1 when any chain is under the threshold, for cron jobs and CI. */
export async function runExpiry(
  files: readonly string[],
  flags: ExpiryFlags,
  context: CommandContext,
): Promise<ExitCode> {
  const warnDays = parseWarnDays(flags.warnDays);
  const at = parseAt(flags.at) ?? new Date();
  const codes: ExitCode[] = [];
  const samples: ExpiryGaugeSample[] = [];
  for (const file of files) {
    const shown = displayPath(file);
    try {
      const expiry = daysUntilExpiry(requireCertificates(readChainFile(file), file), at);
      codes.push(expiry.min < warnDays ? ExitCode.findings : ExitCode.ok);
      samples.push({ file: shown, days: expiry.min, seconds: expiry.minSeconds });
      if (!flags.prom) context.out(expiryLine(shown, expiry, warnDays, context));
    } catch (error) {
      const failure = fileLevelError(error);
      if (failure === undefined) throw error;
      codes.push(ExitCode.unusable);
      context.err(fileErrorText(failure.message, context.colours));
    }
  }
  if (flags.prom) context.out(prometheusText(samples));
  return worstExitCode(codes);
}
