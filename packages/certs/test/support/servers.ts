// Local CRL and OCSP endpoints on 127.0.0.1, so revocation tests never reach the internet.
import { createHash, sign, type KeyObject } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { GeneratedCertificate } from '@connectpay-kit/testing-pki';
import {
  bitString,
  contextTag,
  enumerated,
  generalizedTime,
  integerFromHex,
  nullValue,
  octetString,
  oid,
  sequence,
} from '../../src/der/writer.js';

export interface LocalServer {
  readonly url: string;
  readonly requests: number;
  close(): Promise<void>;
}

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;

/** Serves `handler` on an ephemeral 127.0.0.1 port; the URL ends with "/". */
export async function startServer(handler: Handler): Promise<LocalServer> {
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      requests++;
      handler(request, Buffer.concat(chunks), response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    get requests() {
      return requests;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type OcspStatus = 'good' | 'revoked' | 'unknown';

/**
 * A signed RFC 6960 response about `certificate`, signed by `signer` (the issuer's key unless a test
 * wants a forgery). ECDSA P-256 with SHA-256, like testing-pki's default keys.
 */
export function ocspResponse(
  certificate: GeneratedCertificate,
  issuer: GeneratedCertificate,
  status: OcspStatus,
  signer: KeyObject = issuer.keys.privateKey,
  nextUpdate: Date = new Date(Date.now() + 24 * 60 * 60 * 1000),
): Uint8Array {
  const issuerKeyBits = spkiKeyBits(issuer.keys.spki);
  const certId = sequence(
    sequence(oid('1.3.14.3.2.26'), nullValue()),
    octetString(createHash('sha1').update(subjectDer(issuer.der)).digest()),
    octetString(createHash('sha1').update(issuerKeyBits).digest()),
    integerFromHex(certificate.serialNumber),
  );
  const now = new Date();
  const certStatus =
    status === 'good'
      ? contextTag(0, false)
      : status === 'unknown'
        ? contextTag(2, false)
        : contextTag(1, true, generalizedTime(new Date(now.getTime() - 3600_000)), contextTag(0, true, enumerated(1)));
  const single = sequence(certId, certStatus, generalizedTime(now), contextTag(0, true, generalizedTime(nextUpdate)));
  const tbs = sequence(
    contextTag(2, true, octetString(createHash('sha1').update(issuerKeyBits).digest())),
    generalizedTime(now),
    sequence(single),
  );
  const basic = sequence(tbs, sequence(oid('1.2.840.10045.4.3.2')), bitString(sign('sha256', tbs, signer)));
  return sequence(enumerated(0), contextTag(0, true, sequence(oid('1.3.6.1.5.5.7.48.1.1'), octetString(basic))));
}

// Small DER walks over testing-pki's output, kept here so the test does not depend on the code under test's reader.
function readLength(bytes: Uint8Array, offset: number): { length: number; header: number } {
  const first = bytes[offset + 1] as number;
  if (first < 0x80) return { length: first, header: 2 };
  const count = first & 0x7f;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + (bytes[offset + 2 + i] as number);
  return { length, header: 2 + count };
}

function child(bytes: Uint8Array, offset: number): { start: number; end: number; contentStart: number } {
  const { length, header } = readLength(bytes, offset);
  return { start: offset, contentStart: offset + header, end: offset + header + length };
}

/** The subject Name DER of a certificate: tbs fields [version], serial, sigAlg, issuer, validity, subject. */
function subjectDer(certificate: Uint8Array): Uint8Array {
  const tbs = child(certificate, child(certificate, 0).contentStart);
  let at = tbs.contentStart;
  if (certificate[at] === 0xa0) at = child(certificate, at).end;
  for (let field = 0; field < 4; field++) at = child(certificate, at).end;
  const subject = child(certificate, at);
  return certificate.subarray(subject.start, subject.end);
}

/** The public key bits of a SubjectPublicKeyInfo (after the BIT STRING's unused-bits octet). */
function spkiKeyBits(spki: Uint8Array): Uint8Array {
  const outer = child(spki, 0);
  const algorithm = child(spki, outer.contentStart);
  const key = child(spki, algorithm.end);
  return spki.subarray(key.contentStart + 1, key.end);
}
