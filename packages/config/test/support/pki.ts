import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh folder under os.tmpdir(); `cleanup()` removes every folder made so far. */
const made: string[] = [];
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'connectpay-config-'));
  made.push(dir);
  return dir;
}
export function cleanup(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

export interface CertAndKey {
  readonly certFile: string;
  readonly keyFile: string;
  readonly fingerprint256: string;
}

/** A self-signed EC P-256 certificate and its key, made by openssl (node:crypto cannot issue certificates). */
export function makeCertAndKey(dir: string, name: string): CertAndKey {
  mkdirSync(dir, { recursive: true });
  const certFile = join(dir, `${name}.pem`);
  const keyFile = join(dir, `${name}.key`);
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:prime256v1',
      '-nodes',
      '-sha256',
      '-days',
      '30',
      '-subj',
      `/CN=${name}`,
      '-keyout',
      keyFile,
      '-out',
      certFile,
    ],
    { stdio: 'ignore' },
  );
  return { certFile, keyFile, fingerprint256: fingerprintOf(certFile) };
}

let rsaKeyPem: string | undefined;
/** One RSA key per test file: 2048-bit generation is the slow part of these suites. */
export function rsaPrivateKeyPem(): string {
  rsaKeyPem ??= generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
  return rsaKeyPem;
}

export function ecPrivateKeyPem(): string {
  return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({
    type: 'pkcs8',
    format: 'pem',
  }) as string;
}

export function write(dir: string, name: string, content: string): string {
  const file = join(dir, name);
  writeFileSync(file, content, { mode: 0o600 });
  return file;
}

export function copy(from: string, dir: string, name: string): string {
  const to = join(dir, name);
  copyFileSync(from, to);
  return to;
}

export function fingerprintOf(certFile: string): string {
  return new X509Certificate(readFileSync(certFile)).fingerprint256;
}

export interface ProfileFiles {
  readonly cert: CertAndKey;
  readonly secretFile: string;
  readonly clientId: string;
  /** The variables of a complete stage or prod profile (mTLS + Basic) pointing at these files. */
  readonly env: Record<string, string>;
}

/** A complete, valid profile for `environment` in its own folder. */
export function makeProfile(
  dir: string,
  environment: 'stage' | 'prod',
  secret = `${environment}-secret-value`,
): ProfileFiles {
  const folder = join(dir, environment);
  const cert = makeCertAndKey(folder, 'client');
  const secretFile = write(folder, 'client-secret.txt', `${secret}\n`);
  const clientId = `${environment}-client`;
  const prefix = `CONNECTPAY_${environment.toUpperCase()}_`;
  return {
    cert,
    secretFile,
    clientId,
    env: {
      [`${prefix}CLIENT_CERT_FILE`]: cert.certFile,
      [`${prefix}CLIENT_KEY_FILE`]: cert.keyFile,
      [`${prefix}CLIENT_ID`]: clientId,
      [`${prefix}CLIENT_SECRET_FILE`]: secretFile,
    },
  };
}

/** The files testing-pki's ensureDevPki writes that the local profile reads, with the same names. */
export function makeDevPki(dir: string, secret = 'local-dev-secret'): string {
  const devPki = join(dir, '.dev-pki');
  const client = makeCertAndKey(devPki, 'client');
  copyFileSync(client.certFile, join(devPki, 'client-chain.pem'));
  const ca = makeCertAndKey(join(dir, 'dev-ca'), 'ca');
  copyFileSync(ca.certFile, join(devPki, 'ca.pem'));
  write(devPki, 'client-id.txt', 'local-dev-client\n');
  write(devPki, 'client-secret.txt', `${secret}\n`);
  write(devPki, 'merchant.key', rsaPrivateKeyPem());
  return devPki;
}
