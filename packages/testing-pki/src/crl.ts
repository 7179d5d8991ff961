import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  CRLNumber,
  CRLReason,
  CRLReasons,
  Extension as AsnExtension,
  type Name as AsnName,
  RevokedCertificate,
  TBSCertList,
  Time,
  Version,
  id_ce_cRLNumber,
  id_ce_cRLReasons,
} from '@peculiar/asn1-x509';
import { serialNumberBytes } from './build-certificate.js';
import { derBitString, derSequence, toPemBlock, toUint8Array } from './der.js';
import { InvalidSpecError } from './errors.js';
import { toSigningKeyPair, type KeyPair, type SigningKeyInput } from './keys.js';
import { createSigner, type SignatureHash } from './signing.js';
import { x509 } from './x509.js';

export type CrlReasonName = Exclude<keyof typeof CRLReasons, number>;

export interface RevokedEntry {
  /** Hex, as GeneratedCertificate.serialNumber; a GeneratedCertificate itself fits this shape. */
  readonly serialNumber: string;
  /** Default: one hour before thisUpdate. */
  readonly date?: Date;
  readonly reason?: CrlReasonName;
}

export interface CrlOptions {
  /** Serial numbers (hex), certificates, or entries with a date and reason. */
  readonly revoked?: readonly (string | RevokedEntry)[];
  /** Default: now. */
  readonly thisUpdate?: Date;
  /** Default: thisUpdate + 7 days; null leaves it out. */
  readonly nextUpdate?: Date | null;
  /** Default: 1. */
  readonly crlNumber?: number;
  readonly signatureHash?: SignatureHash;
  /** Signs with another key while naming this CA as issuer (a CRL whose signature must fail). */
  readonly signWith?: SigningKeyInput;
}

export interface GeneratedCrl {
  readonly pem: string;
  readonly der: Uint8Array;
  readonly crl: x509.X509Crl;
}

export interface CrlIssuer {
  readonly name: AsnName;
  readonly keyIdentifier: string;
  readonly key: KeyPair;
}

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

function toExtension(oid: string, value: ArrayBuffer): AsnExtension {
  return new AsnExtension({ extnID: oid, critical: false, extnValue: new OctetString(value) });
}

function revokedCertificate(entry: string | RevokedEntry, thisUpdate: Date): RevokedCertificate {
  const { serialNumber, date, reason } = typeof entry === 'string' ? { serialNumber: entry } : entry;
  const revoked = new RevokedCertificate({
    userCertificate: Uint8Array.from(serialNumberBytes(serialNumber)).buffer,
    revocationDate: new Time(date ?? new Date(thisUpdate.getTime() - HOUR_MS)),
  });
  if (reason !== undefined) {
    const code = CRLReasons[reason] as CRLReasons | undefined;
    if (code === undefined) {
      throw new InvalidSpecError(
        `Unknown CRL reason "${String(reason)}": use keyCompromise, superseded, cessationOfOperation, ...`,
      );
    }
    revoked.crlEntryExtensions = [toExtension(id_ce_cRLReasons, AsnConvert.serialize(new CRLReason(code)))];
  }
  return revoked;
}

/** An X.509 v2 CRL (RFC 5280 §5) with AKI and CRL number, signed by the issuer's key. */
export function buildCrl(issuer: CrlIssuer, options: CrlOptions = {}): GeneratedCrl {
  const thisUpdate = options.thisUpdate ?? new Date();
  const nextUpdate =
    options.nextUpdate === undefined ? new Date(thisUpdate.getTime() + 7 * DAY_MS) : options.nextUpdate;
  const crlNumber = options.crlNumber ?? 1;
  if (!Number.isSafeInteger(crlNumber) || crlNumber < 0) {
    throw new InvalidSpecError(`crlNumber must be a non-negative integer, got ${String(crlNumber)}.`);
  }
  const signer = createSigner(
    options.signWith ? toSigningKeyPair(options.signWith) : issuer.key,
    options.signatureHash,
  );
  const revoked = (options.revoked ?? []).map((entry) => revokedCertificate(entry, thisUpdate));

  const tbs = new TBSCertList({
    version: Version.v2,
    signature: signer.algorithm,
    issuer: issuer.name,
    thisUpdate: new Time(thisUpdate),
    ...(nextUpdate === null ? {} : { nextUpdate: new Time(nextUpdate) }),
    // RFC 5280 §5.1.2.6: an empty list is left out, not encoded as an empty SEQUENCE.
    ...(revoked.length > 0 ? { revokedCertificates: revoked } : {}),
    crlExtensions: [
      AsnConvert.parse(new x509.AuthorityKeyIdentifierExtension(issuer.keyIdentifier).rawData, AsnExtension),
      toExtension(id_ce_cRLNumber, AsnConvert.serialize(new CRLNumber(crlNumber))),
    ],
  });
  const tbsDer = toUint8Array(AsnConvert.serialize(tbs));
  const der = derSequence(
    tbsDer,
    toUint8Array(AsnConvert.serialize(signer.algorithm)),
    derBitString(signer.sign(tbsDer)),
  );
  return { der, pem: toPemBlock('X509 CRL', der), crl: new x509.X509Crl(der) };
}
