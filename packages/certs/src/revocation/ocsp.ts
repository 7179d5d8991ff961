// RFC 6960 OCSP client: builds a request for one certificate and checks the signed answer.
import { createHash, verify as verifySignature, type KeyObject } from 'node:crypto';
import { Certificate } from '../certificate/certificate.js';
import { decodeBitString, decodeIntegerHex, decodeOid, decodeSmallInteger, decodeTime, toHex } from '../der/decode.js';
import { DerCursor, DerError, Tag, TagClass, children, readSingle, type Tlv } from '../der/reader.js';
import { integerFromHex, nullValue, octetString, oid, sequence } from '../der/writer.js';
import { Oid, signatureAlgorithmInfo } from '../oids.js';
import type { CrlAnswer } from './crl.js';
import { fetchBytes } from './fetch.js';
import { messageOf } from '../errors.js';

const RESPONSE_STATUS = [
  'successful',
  'malformedRequest',
  'internalError',
  'tryLater',
  'unused',
  'sigRequired',
  'unauthorized',
];
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
const NODE_HASH: Record<string, string> = {
  'SHA-1': 'sha1',
  'SHA-224': 'sha224',
  'SHA-256': 'sha256',
  'SHA-384': 'sha384',
  'SHA-512': 'sha512',
};
const HASH_BY_OID: Record<string, string> = {
  [Oid.sha1]: 'sha1',
  [Oid.sha256]: 'sha256',
  [Oid.sha384]: 'sha384',
  [Oid.sha512]: 'sha512',
};

/** The key bits of the issuer's SubjectPublicKeyInfo, as issuerKeyHash hashes them (RFC 6960 §4.1.1). */
function issuerKeyBits(issuer: Certificate): Uint8Array {
  const [, key] = children(readSingle(issuer.spki));
  if (!key) throw new DerError('issuer key missing');
  return decodeBitString(key).bytes;
}

export function buildOcspRequest(certificate: Certificate, issuer: Certificate): Uint8Array {
  const certId = sequence(
    sequence(oid(Oid.sha1), nullValue()),
    octetString(createHash('sha1').update(issuer.subject.der).digest()),
    octetString(createHash('sha1').update(issuerKeyBits(issuer)).digest()),
    integerFromHex(certificate.serialNumber),
  );
  // OCSPRequest { tbsRequest { requestList { Request { reqCert } } } }
  return sequence(sequence(sequence(sequence(certId))));
}

export async function queryOcsp(
  url: string,
  certificate: Certificate,
  issuer: Certificate,
  timeoutMs: number,
  at: Date,
): Promise<CrlAnswer> {
  const outcome = await fetchBytes(url, timeoutMs, {
    body: buildOcspRequest(certificate, issuer),
    contentType: 'application/ocsp-request',
  });
  if (!outcome.ok) return { status: 'unknown', detail: outcome.error };
  return readOcspResponse(outcome.body, certificate, issuer, at, url);
}

/** Interprets a DER OCSPResponse for `certificate`; any defect makes the answer "unknown", never "good". */
export function readOcspResponse(
  bytes: Uint8Array,
  certificate: Certificate,
  issuer: Certificate,
  at: Date,
  source: string,
): CrlAnswer {
  try {
    return interpret(bytes, certificate, issuer, at, source);
  } catch (error) {
    return { status: 'unknown', detail: `the OCSP answer from ${source} is malformed (${messageOf(error)})` };
  }
}

function interpret(
  bytes: Uint8Array,
  certificate: Certificate,
  issuer: Certificate,
  at: Date,
  source: string,
): CrlAnswer {
  const response = new DerCursor(readSingle(bytes).value);
  const status = decodeSmallInteger(response.next());
  if (status !== 0)
    return {
      status: 'unknown',
      detail: `the OCSP responder ${source} answered "${RESPONSE_STATUS[status] ?? status}"`,
    };
  const responseBytes = response.optional(TagClass.context, 0);
  if (!responseBytes) throw new DerError('no response bytes');
  const [typeTlv, wrapped] = children(readSingle(responseBytes.value));
  if (!typeTlv || !wrapped || decodeOid(typeTlv) !== Oid.ocspBasicResponse)
    throw new DerError('not a basic OCSP response');
  const basic = new DerCursor(readSingle(wrapped.value).value);
  const tbs = basic.expect(Tag.sequence, 'tbsResponseData');
  const algorithm = signatureAlgorithmInfo(
    decodeOid(children(basic.expect(Tag.sequence, 'signature algorithm'))[0] as Tlv),
  );
  const signature = decodeBitString(basic.next()).bytes;
  const includedCerts = basic.optional(TagClass.context, 0);

  const signer = findSigner(includedCerts, issuer, tbs.encoded, signature, algorithm?.hash);
  if (!signer)
    return {
      status: 'unknown',
      detail: `the OCSP answer from ${source} is not signed by "${issuer.label}" or a responder it authorised`,
    };

  const data = new DerCursor(tbs.value);
  data.optional(TagClass.context, 0);
  data.next(); // responderID
  data.next(); // producedAt
  for (const single of children(data.expect(Tag.sequence, 'responses'))) {
    const fields = new DerCursor(single.value);
    if (!matchesCertId(fields.next(), certificate, issuer)) continue;
    const certStatus = fields.next();
    const thisUpdate = decodeTime(fields.next());
    const nextUpdateTlv = fields.optional(TagClass.context, 0);
    const nextUpdate = nextUpdateTlv ? decodeTime(readSingle(nextUpdateTlv.value)) : undefined;
    if (certStatus.tagClass !== TagClass.context) throw new DerError('bad certStatus');
    if (certStatus.tagNumber === 1) {
      const revoked = new DerCursor(certStatus.value);
      const revokedAt = decodeTime(revoked.next());
      const reasonTlv = revoked.optional(TagClass.context, 0);
      const reason = reasonTlv ? REASONS[decodeSmallInteger(readSingle(reasonTlv.value))] : undefined;
      return { status: 'revoked', revokedAt, ...(reason ? { reason } : {}) };
    }
    if (certStatus.tagNumber === 2)
      return { status: 'unknown', detail: `the OCSP responder ${source} does not know the certificate` };
    if (nextUpdate && nextUpdate.getTime() < at.getTime()) {
      return {
        status: 'unknown',
        detail: `the OCSP answer from ${source} is stale (next update was due ${nextUpdate.toISOString()})`,
      };
    }
    if (thisUpdate.getTime() > at.getTime() + 5 * 60 * 1000) {
      return { status: 'unknown', detail: `the OCSP answer from ${source} is dated after the check time` };
    }
    return { status: 'good' };
  }
  return { status: 'unknown', detail: `the OCSP answer from ${source} does not cover the certificate` };
}

function matchesCertId(certId: Tlv, certificate: Certificate, issuer: Certificate): boolean {
  const [algorithm, nameHash, keyHash, serial] = children(certId);
  if (!algorithm || !nameHash || !keyHash || !serial) return false;
  const hash = HASH_BY_OID[decodeOid(children(algorithm)[0] as Tlv)];
  if (!hash) return false;
  return (
    decodeIntegerHex(serial) === certificate.serialNumber &&
    toHex(nameHash.value) === createHash(hash).update(issuer.subject.der).digest('hex') &&
    toHex(keyHash.value) === createHash(hash).update(issuerKeyBits(issuer)).digest('hex')
  );
}

/** RFC 6960 §4.2.2.2: the issuing CA itself, or a certificate it issued carrying id-kp-OCSPSigning. */
function findSigner(
  includedCerts: Tlv | undefined,
  issuer: Certificate,
  data: Uint8Array,
  signature: Uint8Array,
  hash: string | undefined,
): Certificate | undefined {
  const signs = (key: KeyObject | undefined): boolean => {
    if (!key) return false;
    try {
      const nodeHash =
        key.asymmetricKeyType === 'ed25519' || key.asymmetricKeyType === 'ed448' ? null : NODE_HASH[hash ?? ''];
      if (nodeHash === undefined) return false;
      return verifySignature(nodeHash, data, key, signature);
    } catch {
      return false;
    }
  };
  if (signs(issuer.keyObject)) return issuer;
  if (!includedCerts) return undefined;
  for (const der of children(readSingle(includedCerts.value))) {
    let delegate: Certificate;
    try {
      delegate = new Certificate(der.encoded);
    } catch {
      continue;
    }
    const authorised =
      delegate.extensions.extendedKeyUsage?.includes(Oid.ocspSigning) === true && delegate.isSignedBy(issuer);
    if (authorised && signs(delegate.keyObject)) return delegate;
  }
  return undefined;
}
