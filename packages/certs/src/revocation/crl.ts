import type { X509Crl } from '@peculiar/x509';
import type { Certificate } from '../certificate/certificate.js';
import { parseName } from '../certificate/name.js';
import { DerCursor, Tag, TagClass, readSingle } from '../der/reader.js';
import { decodeBase64Strict, scanPem } from '../input/pem.js';

const REASONS = [
  'unspecified',
  'keyCompromise',
  'cACompromise',
  'affiliationChanged',
  'superseded',
  'cessationOfOperation',
  'certificateHold',
  'unused',
  'removeFromCRL',
  'privilegeWithdrawn',
  'aACompromise',
];

/** Tolerated difference between the CA's clock and ours. */
const CLOCK_SKEW_MS = 5 * 60 * 1000;

export interface LoadedCrl {
  readonly source: string;
  /** RFC 5280 comparison key of the CRL issuer's name. */
  readonly issuerKey: string;
  readonly issuerText: string;
  readonly thisUpdate: Date;
  readonly nextUpdate?: Date;
  readonly crl: X509Crl;
  readonly verifiedWith: WeakMap<Certificate, boolean>;
}

export interface CrlAnswer {
  /** invalid: the CRL is its issuer's but cannot be relied on (RFC 5280 §6.3.3); detail says why. */
  readonly status: 'good' | 'revoked' | 'unknown' | 'invalid';
  readonly revokedAt?: Date;
  readonly reason?: string;
  readonly detail?: string;
}

/** Reads a DER or PEM CRL; throws when it is not one (callers turn that into an error or an "unknown"). */
export async function loadCrl(bytes: Uint8Array, source: string): Promise<LoadedCrl> {
  const der = toDer(bytes);
  const { x509 } = await import('../x509.js');
  const crl = new x509.X509Crl(der);
  // The issuer is read with the same name comparison the chain uses, not @peculiar's string form.
  const tbs = new DerCursor(new DerCursor(readSingle(der).value).expect(Tag.sequence, 'tbsCertList').value);
  tbs.optional(TagClass.universal, Tag.integer);
  tbs.expect(Tag.sequence, 'signature algorithm');
  const issuer = parseName(tbs.next());
  return {
    source,
    issuerKey: issuer.key,
    issuerText: issuer.text,
    thisUpdate: crl.thisUpdate,
    ...(crl.nextUpdate ? { nextUpdate: crl.nextUpdate } : {}),
    crl,
    verifiedWith: new WeakMap(),
  };
}

function toDer(bytes: Uint8Array): Uint8Array {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (!text.includes('-----BEGIN ')) return bytes;
  const block = scanPem(text).blocks.find((b) => b.label === 'X509 CRL');
  const der = block ? decodeBase64Strict(block.body) : undefined;
  if (!der) throw new Error('no readable "-----BEGIN X509 CRL-----" block');
  return der;
}

/** The CRL's answer for `certificate`, or undefined when the CRL is not its issuer's. */
export async function crlAnswer(
  loaded: LoadedCrl,
  certificate: Certificate,
  issuer: Certificate,
  at: Date,
): Promise<CrlAnswer | undefined> {
  if (loaded.issuerKey !== certificate.issuer.key) return undefined;
  let verified = loaded.verifiedWith.get(issuer);
  if (verified === undefined) {
    try {
      const { x509 } = await import('../x509.js');
      verified = await loaded.crl.verify({ publicKey: new x509.X509Certificate(issuer.der) });
    } catch {
      verified = false;
    }
    loaded.verifiedWith.set(issuer, verified);
  }
  if (!verified) {
    return {
      status: 'invalid',
      detail: `the CRL from ${loaded.source} is not signed by "${issuer.label}" (signature does not verify)`,
    };
  }
  const defect = crlDefect(loaded, issuer);
  if (defect) return { status: 'invalid', detail: `the CRL from ${loaded.source} ${defect}` };
  const entry = loaded.crl.findRevoked(certificate.serialNumber);
  if (entry) {
    const reason = entry.reason === undefined ? undefined : REASONS[entry.reason];
    return { status: 'revoked', revokedAt: entry.revocationDate, ...(reason ? { reason } : {}) };
  }
  if (loaded.nextUpdate && loaded.nextUpdate.getTime() < at.getTime()) {
    return {
      status: 'unknown',
      detail: `the CRL from ${loaded.source} is stale: its next update was due ${loaded.nextUpdate.toISOString()}`,
    };
  }
  if (loaded.thisUpdate.getTime() > at.getTime() + CLOCK_SKEW_MS) {
    return {
      status: 'unknown',
      detail: `the CRL from ${loaded.source} was issued after the check time (${loaded.thisUpdate.toISOString()})`,
    };
  }
  return { status: 'good' };
}

const CRL_NUMBER = '2.5.29.20';
/** CRL extensions whose meaning is understood when critical: none beyond those RFC 5280 makes non-critical. */
const UNDERSTOOD_CRITICAL_CRL_EXTENSIONS = new Set<string>();

/**
 * Why a CRL signed by the issuer still cannot be relied on, as OpenSSL's CRL checks see it (RFC 5280 §5,
 * §6.3.3): an issuer not allowed to sign CRLs, no CRL number, a critical extension not processed here
 * (issuing distribution point, delta CRL indicator, unknown), no next update.
 */
function crlDefect(loaded: LoadedCrl, issuer: Certificate): string | undefined {
  const usage = issuer.extensions.keyUsage;
  if (usage && !usage.includes('cRLSign'))
    return `is signed by "${issuer.label}", whose key usage does not allow signing CRLs (no cRLSign)`;
  const extensions = loaded.crl.extensions;
  const crlNumber = extensions.find((extension) => extension.type === CRL_NUMBER);
  if (!crlNumber) return 'has no CRL number (RFC 5280 §5.2.3 requires one)';
  if (crlNumber.critical) return 'marks its CRL number critical (RFC 5280 §5.2.3 requires it non-critical)';
  const unhandled = extensions.find(
    (extension) =>
      extension.critical && extension.type !== CRL_NUMBER && !UNDERSTOOD_CRITICAL_CRL_EXTENSIONS.has(extension.type),
  );
  if (unhandled) return `has a critical extension that is not processed here (${unhandled.type})`;
  if (!loaded.nextUpdate) return 'has no next update time (RFC 5280 §5.1.2.5 requires one)';
  return undefined;
}
