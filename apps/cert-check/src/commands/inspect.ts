import { inspect } from '@connectpay-kit/certs';
import { readChainFile, requireCertificates } from '../chain-file.js';
import { displayPath } from '../files.js';
import { ExitCode, worstExitCode } from '../exit-codes.js';
import { errorToJson, jsonLine } from '../format/json.js';
import { fileErrorText, inspectText } from '../format/text.js';
import { parseAt, type OutputFormat } from '../options.js';
import type { CommandContext } from './context.js';
import { fileLevelError } from './outcome.js';

export interface InspectFlags {
  readonly format: OutputFormat;
  readonly at?: string;
}

export async function runInspect(
  files: readonly string[],
  flags: InspectFlags,
  context: CommandContext,
): Promise<ExitCode> {
  const at = parseAt(flags.at) ?? new Date();
  const codes: ExitCode[] = [];
  for (const file of files) {
    const shown = displayPath(file);
    try {
      const details = await inspect(requireCertificates(readChainFile(file), file));
      if (flags.format === 'json') context.out(jsonLine({ file: shown, certificates: details }));
      else context.out(inspectText(shown, details, at, context.colours));
      codes.push(ExitCode.ok);
    } catch (error) {
      const failure = fileLevelError(error);
      if (failure === undefined) throw error;
      codes.push(ExitCode.unusable);
      context.err(fileErrorText(failure.message, context.colours));
      if (flags.format === 'json') context.out(jsonLine(errorToJson(shown, failure)));
    }
  }
  return worstExitCode(codes);
}
