import { CertsError, InternalCertsError, NoCertificateError } from './errors.js';
import { toParsedInput, type ChainInput } from './input/coerce.js';
import { resolveAt } from './options.js';

export interface CertificateExpiry {
  readonly index: number;
  readonly subject: string;
  readonly notAfter: string;
  /** Whole days left (floor); negative once expired. */
  readonly days: number;
  /** Seconds left; negative once expired. */
  readonly seconds: number;
}

export interface ChainExpiry {
  readonly perCertificate: readonly CertificateExpiry[];
  /** The chain expires when its first certificate does: the smallest `days`. */
  readonly min: number;
  /** Seconds until the first certificate expires. */
  readonly minSeconds: number;
  /** Index of the certificate that expires first. */
  readonly firstToExpire: number;
}

/** Time left per certificate, for expiry monitoring (e.g. a Prometheus gauge). */
export function daysUntilExpiry(chain: ChainInput, at?: Date): ChainExpiry {
  try {
    const parsed = toParsedInput(chain);
    if (parsed.certificates.length === 0) {
      throw new NoCertificateError(
        parsed.fileName ?? 'the input',
        parsed.problems.map((problem) => problem.message),
      );
    }
    const now = resolveAt(at).getTime();
    const perCertificate = parsed.certificates.map((certificate, index) => {
      const seconds = Math.floor((certificate.notAfter.getTime() - now) / 1000);
      return {
        index,
        subject: certificate.subject.text,
        notAfter: certificate.notAfter.toISOString(),
        days: Math.floor(seconds / 86400),
        seconds,
      };
    });
    const first = perCertificate.reduce((soonest, entry) => (entry.seconds < soonest.seconds ? entry : soonest));
    return { perCertificate, min: first.days, minSeconds: first.seconds, firstToExpire: first.index };
  } catch (error) {
    if (error instanceof CertsError) throw error;
    throw new InternalCertsError('daysUntilExpiry', error);
  }
}
