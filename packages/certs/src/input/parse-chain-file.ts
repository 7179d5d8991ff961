import { parseCertificate, type Certificate } from '../certificate/certificate.js';
import { decodeBase64Strict, scanPem, type PemBlock } from './pem.js';
import { pkcs7Certificates, sniffDer, splitDer } from './sniff.js';
import { messageOf } from '../errors.js';

/** What the input file is, as sniffed from its bytes. Only "pem" is what the provider accepts. */
export type InputFormat = 'pem' | 'der' | 'pkcs7' | 'pkcs12' | 'base64' | 'private-key' | 'csr' | 'empty' | 'unknown';

export type InputProblemKind =
  | 'der'
  | 'pkcs7'
  | 'pkcs12'
  | 'base64-without-armor'
  | 'csr'
  | 'unexpected-block'
  | 'unreadable-certificate'
  | 'unterminated-block';

export interface InputProblem {
  readonly kind: InputProblemKind;
  readonly message: string;
  /** The command or edit that fixes it. */
  readonly hint?: string;
  readonly line?: number;
}

/** A private key seen in the input. Only where it was: its content is dropped on sight and never kept. */
export interface PrivateKeyBlock {
  readonly label: string;
  readonly line?: number;
}

export interface ParsedInput {
  readonly fileName?: string;
  readonly format: InputFormat;
  /** Certificates in file order. */
  readonly certificates: readonly Certificate[];
  readonly privateKeys: readonly PrivateKeyBlock[];
  readonly problems: readonly InputProblem[];
}

const CERTIFICATE_LABELS = new Set(['CERTIFICATE', 'X509 CERTIFICATE', 'TRUSTED CERTIFICATE']);

/**
 * Reads a chain file. Never throws: whatever cannot be used becomes a problem (rule pem.format) or a
 * private-key record (rule pem.private-key); callers decide whether an input without certificates is fatal.
 */
export function parseChainFile(input: Uint8Array | string, fileName?: string): ParsedInput {
  const name = fileName ?? 'the file';
  const base = { ...(fileName === undefined ? {} : { fileName }) };
  const text = typeof input === 'string' ? input : bytesToText(input);
  if (text.includes('-----BEGIN ')) return { ...base, ...parsePemText(text, name) };
  if (typeof input !== 'string' && input.length > 0 && input[0] === 0x30) {
    const binary = parseBinary(input, name, false);
    if (binary) return { ...base, ...binary };
  }
  const compact = text.replace(/\s+/g, '');
  if (compact.length === 0) return { ...base, ...emptyResult('empty') };
  const decoded = compact.length >= 64 ? decodeBase64Strict(compact) : undefined;
  const binary = decoded ? parseBinary(decoded, name, true) : undefined;
  return { ...base, ...(binary ?? emptyResult('unknown')) };
}

type Parsed = Omit<ParsedInput, 'fileName'>;

function emptyResult(format: InputFormat): Parsed {
  return { format, certificates: [], privateKeys: [], problems: [] };
}

function parsePemText(text: string, name: string): Parsed {
  const scan = scanPem(text);
  const certificates: Certificate[] = [];
  const privateKeys: PrivateKeyBlock[] = [];
  const problems: InputProblem[] = [];
  let format: InputFormat = 'pem';
  for (const block of scan.blocks) {
    if (block.label.includes('PRIVATE KEY')) {
      privateKeys.push({ label: block.label, line: block.line });
    } else if (CERTIFICATE_LABELS.has(block.label)) {
      readCertificateBlock(block, certificates, problems);
    } else if (block.label === 'PKCS7' || block.label === 'CMS') {
      const der = decodeBase64Strict(block.body);
      const found = der ? pkcs7Certificates(der) : undefined;
      for (const certificateDer of found ?? []) tryAdd(certificateDer, certificates, problems, block.line);
      problems.push({
        kind: 'pkcs7',
        line: block.line,
        message: `the ${block.label} block at line ${block.line} is a PKCS#7 bundle, not PEM certificates`,
        hint: `convert it: openssl pkcs7 -print_certs -in ${name} -out chain.pem`,
      });
      if (certificates.length === 0) format = 'pkcs7';
    } else if (block.label.includes('CERTIFICATE REQUEST')) {
      problems.push({
        kind: 'csr',
        line: block.line,
        message: `the block at line ${block.line} is a certificate signing request (CSR), not a certificate`,
        hint: 'send the CSR to your CA and put the certificate it issues (with its intermediates and root) in the chain file',
      });
      if (certificates.length === 0) format = 'csr';
    } else {
      problems.push({
        kind: 'unexpected-block',
        line: block.line,
        message: `the "${block.label}" block at line ${block.line} does not belong in a certificate chain`,
        hint: 'keep only "-----BEGIN CERTIFICATE-----" blocks: leaf, intermediates, root',
      });
    }
  }
  for (const open of scan.unterminated) {
    if (open.label.includes('PRIVATE KEY')) {
      privateKeys.push({ label: open.label, line: open.line });
      continue;
    }
    problems.push({
      kind: 'unterminated-block',
      line: open.line,
      message: `the "${open.label}" block at line ${open.line} has no "-----END ${open.label}-----" line (file truncated or blocks pasted into each other)`,
      hint: 'copy the certificate again from the source, including its END line',
    });
  }
  if (certificates.length === 0 && privateKeys.length > 0 && format === 'pem') format = 'private-key';
  return { format, certificates, privateKeys, problems };
}

/**
 * Certificates already read from a PEM body in this process, by that body: a run over 1,000 chain files
 * meets the same intermediate and root blocks in every file and decodes their base64 once. Only readable
 * plain CERTIFICATE blocks are kept; the bound keeps a long-lived process from growing.
 */
const readBodies = new Map<string, Certificate>();
const MAX_READ_BODIES = 1024;

function readCertificateBlock(block: PemBlock, certificates: Certificate[], problems: InputProblem[]): void {
  const plain = block.label === 'CERTIFICATE';
  const known = plain ? readBodies.get(block.body) : undefined;
  if (known) {
    certificates.push(known);
    return;
  }
  const der = decodeBase64Strict(block.body);
  if (!der) {
    problems.push({
      kind: 'unreadable-certificate',
      line: block.line,
      message: `the CERTIFICATE block at line ${block.line} is not valid base64 (characters altered or lines lost)`,
      hint: 'copy the certificate again from the source; do not edit PEM bodies by hand',
    });
    return;
  }
  // "TRUSTED CERTIFICATE" (openssl -trustout) appends trust settings after the certificate.
  const certificateDer = block.label === 'TRUSTED CERTIFICATE' ? (splitDer(der)?.[0] ?? der) : der;
  if (tryAdd(certificateDer, certificates, problems, block.line) && plain) {
    if (readBodies.size >= MAX_READ_BODIES) readBodies.delete(readBodies.keys().next().value as string);
    readBodies.set(block.body, certificates[certificates.length - 1] as Certificate);
  }
}

function tryAdd(der: Uint8Array, certificates: Certificate[], problems: InputProblem[], line?: number): boolean {
  try {
    certificates.push(parseCertificate(der));
    return true;
  } catch (error) {
    const where = line === undefined ? 'a certificate' : `the CERTIFICATE block at line ${line}`;
    problems.push({
      kind: 'unreadable-certificate',
      ...(line === undefined ? {} : { line }),
      message: `${where} is not a valid X.509 certificate (${messageOf(error)})`,
      hint: 'copy the certificate again from the source; check it with `openssl x509 -noout -text -in FILE`',
    });
    return false;
  }
}

function parseBinary(bytes: Uint8Array, name: string, fromBase64: boolean): Parsed | undefined {
  const parts = splitDer(bytes);
  const kind = sniffDer(bytes);
  const problems: InputProblem[] = [];
  const certificates: Certificate[] = [];
  const armorHint = fromBase64 ? ' (base64 without BEGIN/END lines)' : '';
  switch (kind) {
    case 'certificate': {
      if (!parts) return undefined;
      for (const part of parts) tryAdd(part, certificates, problems);
      if (certificates.length === 0) return undefined;
      problems.unshift(
        fromBase64
          ? {
              kind: 'base64-without-armor',
              message: `${name} holds base64 certificate data without the "-----BEGIN CERTIFICATE-----" / "-----END CERTIFICATE-----" lines`,
              hint: `add the BEGIN/END lines, or convert: openssl base64 -d -in ${name} | openssl x509 -inform DER -out chain.pem`,
            }
          : {
              kind: 'der',
              message: `${name} is a binary DER certificate, not PEM (X.509 ASCII Base64)`,
              hint: `convert it: openssl x509 -inform DER -in ${name} -out chain.pem`,
            },
      );
      return { format: fromBase64 ? 'base64' : 'der', certificates, privateKeys: [], problems };
    }
    case 'pkcs7': {
      for (const der of pkcs7Certificates(bytes) ?? []) tryAdd(der, certificates, problems);
      problems.unshift({
        kind: 'pkcs7',
        message: `${name} is a PKCS#7 (.p7b) bundle${armorHint}, not PEM certificates`,
        hint: `convert it: openssl pkcs7 -inform DER -print_certs -in ${name} -out chain.pem`,
      });
      return { format: 'pkcs7', certificates, privateKeys: [], problems };
    }
    case 'pkcs12':
      return {
        format: 'pkcs12',
        certificates,
        privateKeys: [],
        problems: [
          {
            kind: 'pkcs12',
            message: `${name} is a PKCS#12 (.p12/.pfx) archive${armorHint}, not a PEM chain; it usually also holds the private key`,
            hint: `extract the certificates only: openssl pkcs12 -in ${name} -nokeys -out chain.pem (then order them leaf first)`,
          },
        ],
      };
    case 'private-key':
      return { format: 'private-key', certificates, privateKeys: [{ label: 'DER PRIVATE KEY' }], problems };
    case 'csr':
      return {
        format: 'csr',
        certificates,
        privateKeys: [],
        problems: [
          {
            kind: 'csr',
            message: `${name} is a certificate signing request (CSR), not a certificate`,
            hint: 'send the CSR to your CA and put the certificate it issues (with its intermediates and root) in the chain file',
          },
        ],
      };
    default:
      return undefined;
  }
}

/** The bytes as text; UTF-16 with a BOM (as some Windows tools save PEM) is decoded as such. */
function bytesToText(bytes: Uint8Array): string {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buffer.length >= 2 && buffer[0] === 0xff && buffer[1] === 0xfe) return buffer.subarray(2).toString('utf16le');
  if (buffer.length >= 2 && buffer[0] === 0xfe && buffer[1] === 0xff) {
    const swapped = Buffer.from(buffer.subarray(2, buffer.length - (buffer.length % 2)));
    swapped.swap16();
    return swapped.toString('utf16le');
  }
  return buffer.toString('latin1');
}
