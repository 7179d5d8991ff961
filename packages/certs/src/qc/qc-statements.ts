import type { Certificate } from '../certificate/certificate.js';
import { decodeOid } from '../der/decode.js';
import { children, readSingle } from '../der/reader.js';
import { Oid } from '../oids.js';
import { messageOf } from '../errors.js';

export interface Psd2Role {
  readonly oid: string;
  readonly name: string;
}

export interface Psd2Statement {
  readonly roles: readonly Psd2Role[];
  /** Empty when the statement lacks it. */
  readonly ncaName: string;
  /** Empty when the statement lacks it. */
  readonly ncaId: string;
}

/** The QCStatements of one certificate (ETSI EN 319 412-5), with the PSD2 statement decoded. */
export interface QcInfo {
  /** Statement OIDs in certificate order. */
  readonly statements: readonly string[];
  /** esi4-qcStatement-1: an EU qualified certificate. */
  readonly compliance: boolean;
  /** QcType OIDs (web 0.4.0.1862.1.6.3, eseal .2, esign .1). */
  readonly types: readonly string[];
  /** Present when the PSD2 statement exists; `error` when it is there but not decodable. */
  readonly psd2?: Psd2Statement | { readonly error: string };
}

export function isPsd2Error(value: QcInfo['psd2']): value is { readonly error: string } {
  return value !== undefined && 'error' in value;
}

/** Decodes QCStatements for each certificate that has them; loads the ASN.1 schema only if needed. */
export async function readQcStatements(certificates: readonly Certificate[]): Promise<Map<Certificate, QcInfo>> {
  const result = new Map<Certificate, QcInfo>();
  for (const certificate of certificates) {
    const statements = certificate.extensions.qcStatements;
    if (!statements || result.has(certificate)) continue;
    const psd2Raw = statements.find((statement) => statement.oid === Oid.psd2Statement);
    const info: QcInfo = {
      statements: statements.map((statement) => statement.oid),
      compliance: statements.some((statement) => statement.oid === Oid.qcCompliance),
      types: qcTypes(statements.find((statement) => statement.oid === Oid.qcType)?.info),
      ...(psd2Raw ? { psd2: await decodePsd2(psd2Raw.info) } : {}),
    };
    result.set(certificate, info);
  }
  return result;
}

function qcTypes(info: Uint8Array | undefined): string[] {
  if (!info) return [];
  try {
    return children(readSingle(info)).map(decodeOid);
  } catch {
    return [];
  }
}

async function decodePsd2(info: Uint8Array | undefined): Promise<Psd2Statement | { error: string }> {
  if (!info) return { error: 'it has no content (PSD2QcType missing)' };
  try {
    const [{ AsnConvert }, { Psd2QcType }] = await Promise.all([
      import('@peculiar/asn1-schema'),
      import('./psd2-schema.js'),
    ]);
    const parsed = AsnConvert.parse(info, Psd2QcType);
    let ncaName = parsed.nCAName ?? '';
    let ncaId = parsed.nCAId ?? '';
    // Two optional strings in a row: a lone value lands in the first field. An id looks like "NL-DNB".
    if (ncaId === '' && /^[A-Z]{2}-[A-Z0-9]+$/.test(ncaName)) [ncaName, ncaId] = ['', ncaName];
    return {
      roles: Array.from(parsed.rolesOfPsp, (role) => ({ oid: role.roleOfPspOid, name: role.roleOfPspName })),
      ncaName,
      ncaId,
    };
  } catch (error) {
    return {
      error: `it is not a valid PSD2QcType (ETSI TS 119 495 §5.1): ${messageOf(error)}`,
    };
  }
}
