import { X509Certificate, createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { DEV_PKI_FILES, DEV_PKI_VERSION, type DevPkiFile, type DevPkiPaths } from './layout.js';

const DAY_MS = 24 * 60 * 60 * 1000;
const CERTIFICATE_PEM = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

class NotReusable extends Error {}

function ensure(condition: boolean, reason: string): asserts condition {
  if (!condition) throw new NotReusable(reason);
}

function spkiOf(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

function parseChain(pem: string, file: string): X509Certificate[] {
  const blocks = pem.match(CERTIFICATE_PEM) ?? [];
  ensure(blocks.length === 3, `${file} should hold leaf, intermediate and root`);
  return blocks.map((block) => new X509Certificate(block));
}

function checkChain(chain: X509Certificate[], file: string, now: Date, renewBefore: Date): void {
  chain.forEach((certificate, index) => {
    ensure(new Date(certificate.validFrom) <= now, `${file} holds a certificate not valid yet`);
    ensure(
      new Date(certificate.validTo) > renewBefore,
      `${file} holds a certificate that expires on ${new Date(certificate.validTo).toISOString()}`,
    );
    const issuer = chain[index + 1] ?? certificate;
    ensure(certificate.checkIssued(issuer) && certificate.verify(issuer.publicKey), `${file} is not a valid chain`);
  });
}

function checkKeyPair(privateKeyPem: string, certificateOrPublicKey: X509Certificate | KeyObject, file: string): void {
  const publicKey =
    certificateOrPublicKey instanceof X509Certificate ? certificateOrPublicKey.publicKey : certificateOrPublicKey;
  ensure(
    spkiOf(createPublicKey(createPrivateKey(privateKeyPem))) === spkiOf(publicKey),
    `${file} does not match its certificate`,
  );
}

/**
 * Why the dev PKI in `paths` must be regenerated at `now`, or undefined when it can be reused.
 * Anything unreadable or unparsable counts as a reason; this never throws.
 */
export async function reasonToRegenerate(
  paths: DevPkiPaths,
  now: Date,
  renewWithinDays: number,
): Promise<string | undefined> {
  try {
    const contents = {} as Record<DevPkiFile, string>;
    for (const file of Object.keys(DEV_PKI_FILES) as DevPkiFile[]) {
      try {
        contents[file] = await readFile(paths[file], 'utf8');
      } catch {
        throw new NotReusable(`${DEV_PKI_FILES[file]} is missing or unreadable`);
      }
      ensure(contents[file].trim().length > 0, `${DEV_PKI_FILES[file]} is empty`);
    }

    const manifest = JSON.parse(contents.manifest) as { version?: unknown; files?: unknown };
    ensure(
      manifest.version === DEV_PKI_VERSION,
      `manifest.json is version ${String(manifest.version)}, not ${DEV_PKI_VERSION}`,
    );
    ensure(JSON.stringify(manifest.files) === JSON.stringify(DEV_PKI_FILES), 'manifest.json lists other files');

    const renewBefore = new Date(now.getTime() + renewWithinDays * DAY_MS);
    const client = parseChain(contents.clientChain, DEV_PKI_FILES.clientChain);
    const mtls = parseChain(contents.serverMtlsChain, DEV_PKI_FILES.serverMtlsChain);
    const oneway = parseChain(contents.serverOnewayChain, DEV_PKI_FILES.serverOnewayChain);
    checkChain(client, DEV_PKI_FILES.clientChain, now, renewBefore);
    checkChain(mtls, DEV_PKI_FILES.serverMtlsChain, now, renewBefore);
    checkChain(oneway, DEV_PKI_FILES.serverOnewayChain, now, renewBefore);

    const root = new X509Certificate(contents.root);
    const intermediate = new X509Certificate(contents.intermediate);
    ensure(new X509Certificate(contents.ca).raw.equals(root.raw), 'ca.pem differs from root.pem');
    for (const chain of [client, mtls, oneway]) {
      ensure(
        chain[2]?.raw.equals(root.raw) === true && chain[1]?.raw.equals(intermediate.raw) === true,
        'chains disagree on the CAs',
      );
    }

    checkKeyPair(contents.clientKey, client[0] as X509Certificate, DEV_PKI_FILES.clientKey);
    checkKeyPair(contents.serverMtlsKey, mtls[0] as X509Certificate, DEV_PKI_FILES.serverMtlsKey);
    checkKeyPair(contents.serverOnewayKey, oneway[0] as X509Certificate, DEV_PKI_FILES.serverOnewayKey);
    checkKeyPair(contents.merchantKey, createPublicKey(contents.merchantPublicKey), DEV_PKI_FILES.merchantKey);
    ensure(
      Buffer.from(contents.tokenEncryptionKey.trim(), 'base64').length === 32,
      'token-encryption.key is not 32 bytes',
    );
    return undefined;
  } catch (error) {
    if (error instanceof NotReusable) return error.message;
    // Parse errors name the file content's problem, never the content itself.
    return `the dev PKI could not be read (${error instanceof Error ? error.message : 'unknown error'})`;
  }
}
