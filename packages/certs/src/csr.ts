import type { webcrypto } from 'node:crypto';
import { InvalidOptionError } from './errors.js';
import { Oid } from './oids.js';

// The key and PKCS#10 request a merchant sends to the CA for ConnectPay's mTLS: the key usages and the
// clientAuth EKU the provider needs, requested in the CSR itself, and a check of what was written. The
// private key is returned once, for the caller to store (mode 0600); it is never part of a message.

export type CsrKeyType = 'rsa-2048' | 'rsa-3072' | 'ec-p256';
export const CSR_KEY_TYPES: readonly CsrKeyType[] = ['rsa-2048', 'rsa-3072', 'ec-p256'];

export interface CsrOptions {
  /** "/C=LT/O=Example Shop UAB/CN=client.example.com" (openssl -subj) or "C=LT, O=Example Shop UAB, CN=…". */
  readonly subject: string;
  /** Default rsa-2048. */
  readonly keyType?: CsrKeyType;
  /** DNS names for the subjectAltName; default: the CN when it is a domain name. */
  readonly dnsNames?: readonly string[];
  /** Also request serverAuth (only when the same certificate must serve TLS too). */
  readonly serverAuth?: boolean;
}

export interface CsrCheck {
  /** True when the signature verifies and the key and requested extensions are what ConnectPay needs. */
  readonly ok: boolean;
  readonly subject: string;
  /** e.g. "RSA 2048 bits", "EC P-256". */
  readonly key: string;
  readonly keyUsage: readonly string[];
  readonly extendedKeyUsage: readonly string[];
  readonly dnsNames: readonly string[];
  /** What is wrong, one sentence each; empty when ok. */
  readonly problems: readonly string[];
}

export interface CsrResult {
  readonly csrPem: string;
  /** PKCS#8 PEM. Store it with mode 0600 and never send it anywhere. */
  readonly privateKeyPem: string;
  readonly check: CsrCheck;
}

const KEY_ALGORITHMS: Record<CsrKeyType, webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams> = {
  'rsa-2048': {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 2048,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
  'rsa-3072': {
    name: 'RSASSA-PKCS1-v1_5',
    modulusLength: 3072,
    publicExponent: new Uint8Array([1, 0, 1]),
    hash: 'SHA-256',
  },
  'ec-p256': { name: 'ECDSA', namedCurve: 'P-256' },
};

const DOMAIN = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/i;

/** Generates the key pair and the CSR, then checks the CSR it wrote. */
export async function createCsr(options: CsrOptions): Promise<CsrResult> {
  const keyType = options.keyType ?? 'rsa-2048';
  if (!CSR_KEY_TYPES.includes(keyType))
    throw new InvalidOptionError('keyType', `use one of ${CSR_KEY_TYPES.join(', ')} (got "${String(keyType)}").`);
  const subject = parseSubject(options.subject);
  const commonName = subject.find(([type]) => type === 'CN')?.[1];
  const dnsNames = options.dnsNames ?? (commonName && DOMAIN.test(commonName) ? [commonName] : []);
  for (const name of dnsNames)
    if (!DOMAIN.test(name))
      throw new InvalidOptionError('dns', `"${name}" is not a DNS name (e.g. client.example.com).`);

  const { x509 } = await import('./x509.js');
  const algorithm = KEY_ALGORITHMS[keyType];
  const keys = (await x509.cryptoProvider
    .get()
    .subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const rsa = keyType.startsWith('rsa');
  const usages = x509.KeyUsageFlags.digitalSignature | (rsa ? x509.KeyUsageFlags.keyEncipherment : 0);
  const extensions: InstanceType<typeof x509.Extension>[] = [
    new x509.KeyUsagesExtension(usages, true),
    new x509.ExtendedKeyUsageExtension(options.serverAuth ? [Oid.clientAuth, Oid.serverAuth] : [Oid.clientAuth]),
  ];
  if (dnsNames.length > 0)
    extensions.push(
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
    );
  const request = await x509.Pkcs10CertificateRequestGenerator.create({
    name: subject.map(([type, value]) => `${type}=${escapeValue(value)}`).join(', '),
    keys,
    signingAlgorithm: rsa ? { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } : { name: 'ECDSA', hash: 'SHA-256' },
    extensions,
  });
  const pkcs8 = await x509.cryptoProvider.get().subtle.exportKey('pkcs8', keys.privateKey);
  const csrPem = request.toString('pem');
  return {
    csrPem: `${csrPem.trim()}\n`,
    privateKeyPem: toPem('PRIVATE KEY', new Uint8Array(pkcs8)),
    check: await checkCsr(csrPem, { serverAuthExpected: options.serverAuth === true }),
  };
}

/** Reads a CSR and says whether ConnectPay's CA order can go ahead with it. */
export async function checkCsr(pem: string, options: { serverAuthExpected?: boolean } = {}): Promise<CsrCheck> {
  const { x509 } = await import('./x509.js');
  let request: InstanceType<typeof x509.Pkcs10CertificateRequest>;
  try {
    request = new x509.Pkcs10CertificateRequest(pem);
  } catch {
    throw new InvalidOptionError('csr', 'the file is not a PKCS#10 request ("-----BEGIN CERTIFICATE REQUEST-----").');
  }
  const problems: string[] = [];
  if (!(await request.verify())) problems.push('its signature does not verify with its own public key');
  const algorithm = request.publicKey.algorithm as Partial<
    webcrypto.RsaHashedKeyAlgorithm & webcrypto.EcKeyAlgorithm
  > & { name: string };
  let key: string;
  if (algorithm.modulusLength !== undefined) {
    key = `RSA ${algorithm.modulusLength} bits`;
    if (algorithm.modulusLength < 2048)
      problems.push(`the RSA key has ${algorithm.modulusLength} bits; at least 2048 are needed`);
  } else if (algorithm.namedCurve !== undefined) {
    key = `EC ${algorithm.namedCurve}`;
    if (!['P-256', 'P-384', 'P-521'].includes(algorithm.namedCurve))
      problems.push(`the curve ${algorithm.namedCurve} is not accepted`);
  } else {
    key = algorithm.name;
    problems.push(`the key type ${algorithm.name} is not RSA or EC`);
  }
  const keyUsageExtension = request.extensions.find((e) => e instanceof x509.KeyUsagesExtension);
  const keyUsage = keyUsageExtension ? keyUsageNames(keyUsageExtension.usages, x509.KeyUsageFlags) : [];
  if (!keyUsage.includes('digitalSignature')) problems.push('it does not request the digitalSignature key usage');
  const ekuExtension = request.extensions.find((e) => e instanceof x509.ExtendedKeyUsageExtension);
  const extendedKeyUsage = (ekuExtension?.usages ?? []).map((usage) => String(usage));
  if (!extendedKeyUsage.includes(Oid.clientAuth))
    problems.push('it does not request the clientAuth extended key usage');
  if (extendedKeyUsage.includes(Oid.serverAuth) && !options.serverAuthExpected)
    problems.push('it requests serverAuth too, which a client certificate does not need');
  const san = request.extensions.find((e) => e instanceof x509.SubjectAlternativeNameExtension);
  const dnsNames = (san?.names.items ?? []).filter((name) => name.type === 'dns').map((name) => name.value);
  return {
    ok: problems.length === 0,
    subject: request.subject,
    key,
    keyUsage,
    extendedKeyUsage: extendedKeyUsage.map((oid) =>
      oid === Oid.clientAuth ? 'clientAuth' : oid === Oid.serverAuth ? 'serverAuth' : oid,
    ),
    dnsNames,
    problems,
  };
}

/** "/C=LT/O=Acme/CN=x" or "C=LT, O=Acme, CN=x" → [type, value] pairs; a CN is required. */
export function parseSubject(subject: string): [string, string][] {
  const text = subject.trim();
  const parts = text.startsWith('/') ? text.slice(1).split(/(?<!\\)\//) : text.split(/(?<!\\),\s*/);
  const pairs = parts
    .filter((part) => part.trim() !== '')
    .map((part): [string, string] => {
      const at = part.indexOf('=');
      if (at <= 0)
        throw new InvalidOptionError(
          'subject',
          `"${part}" is not TYPE=value (e.g. /C=LT/O=Example Shop UAB/CN=client.example.com).`,
        );
      return [
        part.slice(0, at).trim().toUpperCase(),
        part
          .slice(at + 1)
          .trim()
          .replace(/\\([/,])/g, '$1'),
      ];
    });
  if (!pairs.some(([type]) => type === 'CN'))
    throw new InvalidOptionError('subject', 'it needs a CN (e.g. /C=LT/O=Example Shop UAB/CN=client.example.com).');
  const country = pairs.find(([type]) => type === 'C')?.[1];
  if (country !== undefined && !/^[A-Z]{2}$/.test(country))
    throw new InvalidOptionError('subject', `C must be a two-letter country code such as LT (got "${country}").`);
  return pairs;
}

function escapeValue(value: string): string {
  return value
    .replace(/([,+"\\<>;=])/g, '\\$1')
    .replace(/^([ #])/, '\\$1')
    .replace(/ $/, '\\ ');
}

function keyUsageNames(usages: number, flags: Record<string, number | string>): string[] {
  return Object.entries(flags)
    .filter(
      (entry): entry is [string, number] =>
        typeof entry[1] === 'number' && entry[1] !== 0 && (usages & entry[1]) === entry[1],
    )
    .map(([name]) => name);
}

function toPem(label: string, der: Uint8Array): string {
  const base64 = Buffer.from(der).toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${base64}\n-----END ${label}-----\n`;
}
