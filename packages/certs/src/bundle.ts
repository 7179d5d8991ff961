import { InternalCertsError, CertsError } from './errors.js';
import { toParsedInput, type ChainInput } from './input/coerce.js';
import type { Report } from './report.js';
import { verifyChain, type VerifyOptions } from './verify.js';

export interface BundleFile {
  readonly name: string;
  readonly content: string;
}

export interface BundlePlan {
  readonly report: Report;
  /** True when the chain may be sent: no error finding (a private key in the input is one). */
  readonly accepted: boolean;
  /** The error findings' messages when refused. */
  readonly refusals: readonly string[];
  /**
   * What goes into the submission .zip when accepted (empty when refused): chain.pem (certificate
   * blocks only, leaf first, nothing else from the input) and report.json. The caller adds its own
   * human-readable report and writes the archive.
   */
  readonly files: readonly BundleFile[];
}

/** Verifies with the given options and prepares the submission files if, and only if, nothing is wrong. */
export async function prepareBundle(input: ChainInput, options: VerifyOptions = {}): Promise<BundlePlan> {
  try {
    const parsed = toParsedInput(input, options.fileName);
    const report = await verifyChain(parsed, options);
    const refusals = report.findings
      .filter((finding) => finding.severity === 'error')
      .map((finding) => `${finding.rule}: ${finding.message}`);
    const accepted = refusals.length === 0 && parsed.privateKeys.length === 0;
    if (!accepted) return { report, accepted, refusals, files: [] };
    return {
      report,
      accepted,
      refusals,
      files: [
        { name: 'chain.pem', content: parsed.certificates.map((certificate) => certificate.pem).join('') },
        { name: 'report.json', content: `${JSON.stringify(report, null, 2)}\n` },
      ],
    };
  } catch (error) {
    if (error instanceof CertsError) throw error;
    throw new InternalCertsError('prepareBundle', error);
  }
}
