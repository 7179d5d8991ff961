import { verifyChain, type Report, type VerifyOptions } from '@connectpay-kit/certs';
import { readChainFile } from '../chain-file.js';
import { displayPath } from '../files.js';
import { ExitCode, worstExitCode } from '../exit-codes.js';
import { errorToJson, jsonLine, reportToJson } from '../format/json.js';
import { fileErrorText, reportText } from '../format/text.js';
import { loadVerifyOptions } from '../load-options.js';
import type { OutputFormat, VerifyFlags } from '../options.js';
import type { CommandContext } from './context.js';
import { fileLevelError, forEachInOrder } from './outcome.js';

export interface VerifyCommandFlags extends VerifyFlags {
  readonly format: OutputFormat;
}

type FileOutcome =
  | { readonly file: string; readonly report: Report }
  | { readonly file: string; readonly error: { readonly code: string; readonly message: string } };

/** Checks each file on its own; network checks of several files overlap, output stays in file order. */
const ONLINE_CONCURRENCY = 8;

export function exitCodeOf(report: Report): ExitCode {
  if (report.certificates.length === 0) return ExitCode.unusable;
  return report.ok ? ExitCode.ok : ExitCode.findings;
}

export async function verifyFile(file: string, options: VerifyOptions): Promise<Report> {
  const parsed = readChainFile(file);
  return verifyChain(parsed, { ...options, fileName: displayPath(file) });
}

export async function runVerify(
  files: readonly string[],
  flags: VerifyCommandFlags,
  context: CommandContext,
): Promise<ExitCode> {
  const options = loadVerifyOptions(flags);
  const out = options.offline ? bufferedWriter(context.out) : { write: context.out, flush: () => {} };
  const codes: ExitCode[] = [];
  const tally = { ok: 0, failed: 0, unusable: 0 };

  const check = async (file: string): Promise<FileOutcome> => {
    try {
      return { file, report: await verifyFile(file, options) };
    } catch (error) {
      const failure = fileLevelError(error);
      if (failure === undefined) throw error;
      return { file, error: failure };
    }
  };

  const emit = (outcome: FileOutcome): void => {
    const shown = displayPath(outcome.file);
    if ('error' in outcome) {
      codes.push(ExitCode.unusable);
      tally.unusable++;
      out.flush();
      context.err(fileErrorText(outcome.error.message, context.colours));
      if (flags.format === 'json') out.write(jsonLine(errorToJson(shown, outcome.error)));
      return;
    }
    const code = exitCodeOf(outcome.report);
    codes.push(code);
    if (code === ExitCode.ok) tally.ok++;
    else if (code === ExitCode.findings) tally.failed++;
    else tally.unusable++;
    if (flags.format === 'json') out.write(jsonLine(reportToJson(shown, outcome.report)));
    else out.write(`${codes.length > 1 ? '\n' : ''}${reportText(shown, outcome.report, context.colours)}`);
  };

  try {
    await forEachInOrder(files, options.offline ? 1 : ONLINE_CONCURRENCY, check, emit);
  } finally {
    out.flush();
  }

  if (flags.format === 'text' && files.length > 1) {
    context.out(
      `\n${files.length} files: ${tally.ok} OK, ${tally.failed} with errors, ${tally.unusable} not checked\n`,
    );
  }
  return worstExitCode(codes);
}

/** Up to this much report text is written at once. */
const OUTPUT_CHUNK = 64 * 1024;

/**
 * Offline reports come faster than one write each is worth (1,000 files took 1,000 writes): they are
 * written in chunks, flushed before anything goes to stderr and at the end. Online runs write each report
 * as it is ready, since network checks make a person wait for every one.
 */
function bufferedWriter(write: (text: string) => void): { write(text: string): void; flush(): void } {
  let pending: string[] = [];
  let size = 0;
  const flush = (): void => {
    if (pending.length === 0) return;
    const text = pending.join('');
    pending = [];
    size = 0;
    write(text);
  };
  return {
    write(text) {
      pending.push(text);
      size += text.length;
      if (size >= OUTPUT_CHUNK) flush();
    },
    flush,
  };
}
